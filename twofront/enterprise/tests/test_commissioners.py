"""Commissioners (驻企专员): officials station them, they see only their enterprises and record visits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, RoleAssignment, User
from twofront.core.roles import Role
from twofront.enterprise.models import CommissionerAssignment, Enterprise, Visit
from twofront.enterprise.services import commissioners
from twofront.enterprise.tests.test_supplies import API, call, client_of, state_of


@pytest.fixture
def kit(enterprise_personas):
    return enterprise_personas


@pytest.fixture
def commissioner_c(kit):
    """A second Nanming commissioner, not yet stationed anywhere."""
    user = User.objects.create_user("commissioner_c", display_name="专员丙")
    RoleAssignment.objects.create(user=user, role=Role.COMMISSIONER, region=kit.region("520102"))
    return user


@pytest.fixture
def visit_a(kit):
    return commissioners.record_visit(actor=kit["commissioner_a"], enterprise=kit.a,
                                      visited_on=timezone.localdate(), notes="查看复工准备")


TODAY = "{today}"

API_CASES = [
    ("commissioners", "get", "/commissioners", None,
     {None: 401, "norole": 403, "hr_a": 403, "commissioner_a": 403, "nanming": 200, "yunyan": 200}),
    ("assignments", "get", "/commissioner-assignments", None,
     {None: 401, "norole": 403, "hr_a": 200, "commissioner_a": 200, "nanming": 200, "yunyan": 200}),
    ("assign", "post", "/enterprises/{c}/commissioners", {"commissioner_id": "{commissioner_c}"},
     {None: 401, "norole": 404, "hr_a": 404, "commissioner_a": 404, "nanming": 201, "street_nanming": 201,
      "yunyan": 404, "commander": 201}),
    ("unassign", "delete", "/commissioner-assignments/{assignment}", None,
     {None: 401, "norole": 404, "hr_a": 403, "commissioner_a": 403, "nanming": 204, "yunyan": 404}),
    ("visits", "get", "/visits", None, {None: 401, "norole": 403, "hr_a": 200, "commissioner_a": 200, "nanming": 200}),
    ("visit", "get", "/visits/{visit}", None,
     {None: 401, "norole": 404, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
    ("record_visit", "post", "/enterprises/{a}/visits", {"visited_on": TODAY, "notes": "走访"},
     {None: 401, "norole": 404, "hr_a": 403, "commissioner_a": 201, "nanming": 403, "yunyan": 404}),
    ("record_visit_unassigned", "post", "/enterprises/{c}/visits", {"visited_on": TODAY},
     {"commissioner_a": 404, "nanming": 403}),
]
WRITES = {"assign": "enterprise.commissioner.assigned", "unassign": "enterprise.commissioner.unassigned",
          "record_visit": "enterprise.visit.recorded"}


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "expected"),
                         [pytest.param(n, m, u, b, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, b, e in API_CASES for p, s in e.items()])
def test_api_matrix(kit, commissioner_c, visit_a, name, method, url, body, persona, expected):
    assignment = CommissionerAssignment.objects.get(commissioner=kit["commissioner_a"], enterprise=kit.a)
    ids = {"a": kit.a.pk, "c": kit.c.pk, "commissioner_c": commissioner_c.pk, "assignment": assignment.pk,
           "visit": visit_a.pk, "today": str(timezone.localdate())}
    url = API + url.format(**ids)
    if body:
        body = {k: (int(v.format(**ids)) if k.endswith("_id") else v.format(**ids)) if isinstance(v, str) else v
                for k, v in body.items()}
    watched = (CommissionerAssignment.objects.all(), Visit.objects.all())
    before, events = state_of(*watched), AuditEvent.objects.count()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = call(client_of(kit, persona), method, url, body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert state_of(*watched) == before
        assert AuditEvent.objects.count() == events
    elif name in WRITES:
        new = AuditEvent.objects.filter(pk__gt=last_event)
        assert list(new.values_list("action", "actor_username")) == [(WRITES[name], persona)]


def test_a_commissioner_sees_only_the_enterprises_they_serve(kit, commissioner_c):
    # given commissioner A stationed with A, and C stationed with C (both in Nanming)
    commissioners.assign_commissioner(actor=kit["nanming"], enterprise=kit.c, commissioner=commissioner_c)
    # then each sees their own enterprise and assignment, not the district's
    assert set(Enterprise.objects.visible_to(kit["commissioner_a"])) == {kit.a}
    assert set(Enterprise.objects.visible_to(commissioner_c)) == {kit.c}
    listed = call(client_of(kit, "commissioner_a"), "get", f"{API}/commissioner-assignments").json()["items"]
    assert [(a["commissioner"], a["enterprise_id"]) for a in listed] == [("commissioner_a", kit.a.pk)]
    assert call(client_of(kit, "nanming"), "get", f"{API}/commissioner-assignments").json()["count"] == 2
    assert call(client_of(kit, "yunyan"), "get", f"{API}/commissioner-assignments").json()["count"] == 0
    # and one commissioner serves several enterprises
    commissioners.assign_commissioner(actor=kit["nanming"], enterprise=kit.c, commissioner=kit["commissioner_a"])
    assert set(Enterprise.objects.visible_to(kit["commissioner_a"])) == {kit.a, kit.c}


def test_assignment_rules(kit, commissioner_c):
    watched = (CommissionerAssignment.objects.all(),)
    before = state_of(*watched)
    # only users holding the commissioner role over the enterprise's district
    with pytest.raises(ValidationError, match="commissioner"):
        commissioners.assign_commissioner(actor=kit["nanming"], enterprise=kit.c, commissioner=kit["hr_a"])
    with pytest.raises(ValidationError):
        commissioners.assign_commissioner(actor=kit["commander"], enterprise=kit.b, commissioner=commissioner_c)
    # not twice, not from the future
    with pytest.raises(Conflict):
        commissioners.assign_commissioner(actor=kit["nanming"], enterprise=kit.a, commissioner=kit["commissioner_a"])
    with pytest.raises(ValidationError, match="since"):
        commissioners.assign_commissioner(actor=kit["nanming"], enterprise=kit.c, commissioner=commissioner_c,
                                          since=timezone.localdate() + datetime.timedelta(days=1))
    assert state_of(*watched) == before
    assert not AuditEvent.objects.filter(action="enterprise.commissioner.assigned").exists()


def test_the_picker_lists_commissioners_of_my_jurisdiction(kit, commissioner_c):
    names = {c["username"] for c in call(client_of(kit, "nanming"), "get", f"{API}/commissioners").json()["items"]}
    assert names == {"commissioner_a", "commissioner_c"}
    assert call(client_of(kit, "yunyan"), "get", f"{API}/commissioners").json()["count"] == 0


def test_withdrawn_commissioner_loses_sight_of_the_enterprise(kit):
    assignment = CommissionerAssignment.objects.get(commissioner=kit["commissioner_a"], enterprise=kit.a)
    response = call(client_of(kit, "nanming"), "delete", f"{API}/commissioner-assignments/{assignment.pk}")
    assert response.status_code == 204
    assert not Enterprise.objects.visible_to(kit["commissioner_a"]).exists()
    event = AuditEvent.objects.get(action="enterprise.commissioner.unassigned")
    assert event.object_id == str(assignment.pk) and event.region == kit.a.region


def test_visits_are_recorded_by_the_commissioner_and_not_in_the_future(kit):
    client = client_of(kit, "commissioner_a")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused = call(client, "post", f"{API}/enterprises/{kit.a.pk}/visits", {"visited_on": str(tomorrow)})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["visited_on"]
    made = call(client, "post", f"{API}/enterprises/{kit.a.pk}/visits",
                {"visited_on": str(timezone.localdate()), "notes": "协调用工"})
    assert made.status_code == 201
    assert made.json()["commissioner"] == "commissioner_a" and made.json()["notes"] == "协调用工"
    assert Visit.objects.get().commissioner == kit["commissioner_a"]
    # the enterprise sees the visits to it, the other district does not
    assert call(client_of(kit, "hr_a"), "get", f"{API}/visits").json()["count"] == 1
    assert call(client_of(kit, "yunyan"), "get", f"{API}/visits").json()["count"] == 0


PAGE_CASES = [
    ("list", "get", "/enterprise/commissioners/", None,
     {None: 302, "norole": 403, "nanming": 200, "commissioner_a": 200, "hr_a": 200}),
    ("assign", "get", "/enterprise/commissioners/assign/", None,
     {None: 302, "nanming": 200, "commissioner_a": 403, "hr_a": 403}),
    ("end", "post", "/enterprise/commissioners/{assignment}/end/", None,
     {None: 302, "yunyan": 404, "commissioner_a": 403, "nanming": 302}),
    ("visits", "get", "/enterprise/visits/", None, {None: 302, "norole": 403, "commissioner_a": 200, "nanming": 200}),
    ("visit_new", "get", "/enterprise/visits/new/", None, {None: 302, "commissioner_a": 200, "nanming": 403}),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "persona", "expected"),
                         [pytest.param(n, m, u, d, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, d, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, name, method, url, data, persona, expected):
    assignment = CommissionerAssignment.objects.get(commissioner=kit["commissioner_a"], enterprise=kit.a)
    response = getattr(client_of(kit, persona), method)(url.format(assignment=assignment.pk), data or {})
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith("/login/")


def test_pages_assign_and_record_a_visit(kit, commissioner_c):
    official = client_of(kit, "nanming")
    form = official.get("/enterprise/commissioners/assign/")
    assert {e.pk for e in form.context["form"].fields["enterprise"].queryset} == {kit.a.pk, kit.c.pk}
    response = official.post("/enterprise/commissioners/assign/", {"enterprise": kit.c.pk,
                                                                    "commissioner": commissioner_c.pk,
                                                                    "since": str(timezone.localdate())})
    assert response.status_code == 302
    assert CommissionerAssignment.objects.filter(enterprise=kit.c, commissioner=commissioner_c).exists()
    # the commissioner's visit form offers only their enterprise, preselected
    visit_form = client_of(kit, "commissioner_a").get("/enterprise/visits/new/").context["form"]
    assert list(visit_form.fields["enterprise"].queryset) == [kit.a]
    assert visit_form.fields["enterprise"].initial == kit.a.pk
    response = client_of(kit, "commissioner_a").post("/enterprise/visits/new/", {
        "enterprise": kit.a.pk, "visited_on": str(timezone.localdate()), "notes": "检查防疫物资"})
    assert response.status_code == 302 and Visit.objects.filter(notes="检查防疫物资").exists()
    page = official.get("/enterprise/commissioners/").content.decode()
    assert "commissioner_c" in page or "专员丙" in page
