"""Appeals (诉求): raised by the enterprise or its commissioner, escalated, closed with an answer, rated once
by the enterprise; overdue ones surface to the district."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core.choices import OrganisationKind
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, Organisation
from twofront.enterprise.choices import AppealCategory, AppealStatus
from twofront.enterprise.models import Appeal
from twofront.enterprise.services import commissioners as services
from twofront.enterprise.tests.test_supplies import API, call, client_of, state_of


@pytest.fixture
def kit(enterprise_personas):
    return enterprise_personas


@pytest.fixture
def department(kit):
    return Organisation.objects.create(name="市交通运输局", kind=OrganisationKind.DEPARTMENT, region=kit.region("520100"))


@pytest.fixture
def appeal_in(kit, department):
    """appeal_in(status, enterprise="a"): a labour appeal raised by the enterprise's HR, driven to `status`."""

    def make(status: str = AppealStatus.OPEN, enterprise: str = "a", **fields) -> Appeal:
        hr = {"a": "hr_a", "b": "hr_b"}[enterprise]
        appeal = services.raise_appeal(actor=kit[hr], enterprise=kit.enterprises[enterprise],
                                       category=AppealCategory.LABOUR, description="外地员工返岗需要包车", **fields)
        official = {"a": "nanming", "b": "yunyan"}[enterprise]
        if status == AppealStatus.ESCALATED:
            appeal = services.escalate_appeal(appeal, actor=kit[official], department=department)
        if status == AppealStatus.CLOSED:
            appeal = services.close_appeal(appeal, actor=kit[official], answer="已协调包车两辆")
        return appeal

    return make


def late(appeal: Appeal, days: int = 1) -> Appeal:
    """Moves the deadline into the past, as time passing would."""
    deadline = timezone.localdate() - datetime.timedelta(days=days)
    Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline, overdue_on=deadline + datetime.timedelta(days=1))
    appeal.refresh_from_db()
    return appeal


API_CASES = [
    ("list", "get", "/appeals", None, AppealStatus.OPEN,
     {None: 401, "norole": 403, "hr_a": 200, "commissioner_a": 200, "nanming": 200, "yunyan": 200}),
    ("get", "get", "/appeals/{pk}", None, AppealStatus.OPEN,
     {None: 401, "norole": 404, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
    ("raise", "post", "/enterprises/{a}/appeals", {"category": "transport", "description": "原料运输受阻"}, None,
     {None: 401, "norole": 404, "hr_a": 201, "hr_b": 404, "commissioner_a": 201, "nanming": 403, "yunyan": 404}),
    ("raise_unassigned", "post", "/enterprises/{c}/appeals", {"category": "funds", "description": "资金周转"}, None,
     {"commissioner_a": 404, "nanming": 403}),
    ("escalate", "post", "/appeals/{pk}/escalate", {"department_id": "{department}", "note": "请协调"},
     AppealStatus.OPEN,
     {None: 401, "norole": 404, "hr_a": 403, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
    ("close", "post", "/appeals/{pk}/close", {"answer": "已解决"}, AppealStatus.ESCALATED,
     {None: 401, "hr_a": 403, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "street_nanming": 200,
      "yunyan": 404}),
    ("rate", "post", "/appeals/{pk}/rate", {"rating": 5}, AppealStatus.CLOSED,
     {None: 401, "norole": 404, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 403, "yunyan": 404}),
    ("overdue", "get", "/appeals/overdue", None, None,
     {None: 401, "norole": 403, "nanming": 200, "commander": 200, "hr_a": 200}),
    ("departments", "get", "/departments", None, None,
     {None: 401, "norole": 403, "hr_a": 403, "commissioner_a": 200, "nanming": 200}),
]
WRITES = {"raise": "enterprise.appeal.raised", "escalate": "enterprise.appeal.escalated",
          "close": "enterprise.appeal.closed", "rate": "enterprise.appeal.rated"}


@pytest.mark.parametrize(("name", "method", "url", "body", "needs", "persona", "expected"),
                         [pytest.param(n, m, u, b, s, p, c, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, b, s, e in API_CASES for p, c in e.items()])
def test_api_matrix(kit, appeal_in, department, name, method, url, body, needs, persona, expected):
    appeal = appeal_in(needs) if needs else None
    ids = {"pk": appeal.pk if appeal else 0, "a": kit.a.pk, "c": kit.c.pk, "department": department.pk}
    body = {k: int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in (body or {}).items()} or None
    before, events = state_of(Appeal.objects.all()), AuditEvent.objects.count()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = call(client_of(kit, persona), method, API + url.format(**ids), body)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert state_of(Appeal.objects.all()) == before
        assert AuditEvent.objects.count() == events
    elif name in WRITES:
        new = AuditEvent.objects.filter(pk__gt=last_event)
        assert list(new.values_list("action", "actor_username")) == [(WRITES[name], persona)]


def test_lists_hold_only_what_the_persona_may_see(kit, appeal_in):
    mine, theirs = appeal_in(enterprise="a"), appeal_in(enterprise="b")

    def ids(persona):
        return {a["id"] for a in call(client_of(kit, persona), "get", f"{API}/appeals?limit=500").json()["items"]}

    assert ids("hr_a") == ids("commissioner_a") == ids("nanming") == {mine.pk}
    assert ids("hr_b") == ids("yunyan") == {theirs.pk}
    assert ids("commander") == {mine.pk, theirs.pk}


def test_the_whole_journey_through_the_api(kit, department):
    hr, commissioner, official = (client_of(kit, name) for name in ("hr_a", "commissioner_a", "nanming"))
    # given the enterprise raises a materials appeal; it goes to its commissioner, due in five days
    raised = call(hr, "post", f"{API}/enterprises/{kit.a.pk}/appeals",
                  {"category": "materials", "description": "缺少口罩原料熔喷布"})
    assert raised.status_code == 201
    body = raised.json()
    assert body["status"] == "open" and body["commissioner"] == "commissioner_a" and body["overdue"] is False
    assert body["deadline"] == str(timezone.localdate() + datetime.timedelta(days=5))
    pk = body["id"]
    # when the commissioner escalates it and the official closes it with an answer
    escalated = call(commissioner, "post", f"{API}/appeals/{pk}/escalate",
                     {"department_id": department.pk, "note": "请工信局协调供应"})
    assert escalated.json()["status"] == "escalated"
    assert escalated.json()["escalated_to_name"] == "市交通运输局"
    assert escalated.json()["escalation_note"] == "请工信局协调供应"
    closed = call(official, "post", f"{API}/appeals/{pk}/close", {"answer": "已对接本地供应商"})
    assert closed.json()["status"] == "closed" and closed.json()["hours_to_close"] == 0.0
    # then the enterprise rates it, once
    assert call(hr, "post", f"{API}/appeals/{pk}/rate", {"rating": 4}).json()["rating"] == 4
    again = call(hr, "post", f"{API}/appeals/{pk}/rate", {"rating": 5})
    assert again.status_code == 409
    assert Appeal.objects.get(pk=pk).rating == 4


REFUSALS = [
    ("rate while open", AppealStatus.OPEN, lambda kit, a, d: services.rate_appeal(a, actor=kit["hr_a"], rating=5),
     Conflict),
    ("rate out of range", AppealStatus.CLOSED,
     lambda kit, a, d: services.rate_appeal(a, actor=kit["hr_a"], rating=6), ValidationError),
    ("rate by the official", AppealStatus.CLOSED,
     lambda kit, a, d: services.rate_appeal(a, actor=kit["nanming"], rating=5), PermissionDenied),
    ("escalate twice", AppealStatus.ESCALATED,
     lambda kit, a, d: services.escalate_appeal(a, actor=kit["nanming"], department=d), Conflict),
    ("escalate to an enterprise", AppealStatus.OPEN,
     lambda kit, a, d: services.escalate_appeal(a, actor=kit["nanming"], department=kit.b.organisation),
     ValidationError),
    ("close without an answer", AppealStatus.OPEN,
     lambda kit, a, d: services.close_appeal(a, actor=kit["nanming"], answer="   "), ValidationError),
    ("close twice", AppealStatus.CLOSED,
     lambda kit, a, d: services.close_appeal(a, actor=kit["nanming"], answer="再答一次"), Conflict),
    ("escalate closed", AppealStatus.CLOSED,
     lambda kit, a, d: services.escalate_appeal(a, actor=kit["nanming"], department=d), Conflict),
    ("other district closes", AppealStatus.OPEN,
     lambda kit, a, d: services.close_appeal(a, actor=kit["yunyan"], answer="越权"), PermissionDenied),
]


@pytest.mark.parametrize(("label", "state", "step", "error"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_steps_change_nothing(kit, appeal_in, department, label, state, step, error):
    appeal = appeal_in(state)
    before, events = state_of(Appeal.objects.all()), AuditEvent.objects.count()
    with pytest.raises(error):
        step(kit, appeal, department)
    assert state_of(Appeal.objects.all()) == before
    assert AuditEvent.objects.count() == events


def test_raising_validates_category_text_and_deadline(kit):
    today = timezone.localdate()
    cases = [({"category": "weather"}, "category"), ({"description": "  "}, "description"),
             ({"deadline": today - datetime.timedelta(days=1)}, "deadline"),
             ({"deadline": today + datetime.timedelta(days=91)}, "deadline")]
    for change, field in cases:
        fields = {"category": AppealCategory.OTHER, "description": "其他问题", **change}
        with pytest.raises(ValidationError) as refused:
            services.raise_appeal(actor=kit["hr_a"], enterprise=kit.a, **fields)
        assert field in refused.value.message_dict
    assert not Appeal.objects.exists()


def test_the_default_deadline_is_a_setting(kit, settings):
    settings.TWOFRONT_APPEAL_DEADLINE_DAYS = 2
    appeal = services.raise_appeal(actor=kit["hr_a"], enterprise=kit.a, category=AppealCategory.LEGAL,
                                   description="劳动合同咨询")
    assert appeal.deadline == timezone.localdate() + datetime.timedelta(days=2)
    assert appeal.overdue_on == appeal.deadline + datetime.timedelta(days=1)


def test_closing_records_the_hours_it_took(kit, appeal_in):
    appeal = appeal_in()
    Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - datetime.timedelta(hours=30))
    appeal.refresh_from_db()
    closed = services.close_appeal(appeal, actor=kit["commissioner_a"], answer="已办结")
    assert closed.hours_to_close == Decimal("30.0")
    assert closed.closed_by == kit["commissioner_a"]


def test_overdue_appeals_surface_to_the_district(kit, appeal_in, department):
    # given two overdue Nanming appeals (one escalated), one due today, one closed late, and one overdue in Yunyan
    late(appeal_in(), days=3)
    late(appeal_in(AppealStatus.ESCALATED), days=1)
    appeal_in(deadline=timezone.localdate())
    late(appeal_in(AppealStatus.CLOSED), days=2)
    late(appeal_in(enterprise="b"))

    # then Nanming sees its two, per category and per street; Yunyan its one; the city all three
    summary = call(client_of(kit, "nanming"), "get", f"{API}/appeals/overdue").json()
    assert summary["total"] == 2 and summary["region_code"] == "520102"
    assert [(c["key"], c["count"]) for c in summary["by_category"]] == [("labour", 2)]
    assert [(r["key"], r["count"]) for r in summary["by_region"]] == [("520102001", 2)]
    assert call(client_of(kit, "yunyan"), "get", f"{API}/appeals/overdue").json()["total"] == 1
    city = call(client_of(kit, "commander"), "get", f"{API}/appeals/overdue").json()
    assert city["total"] == 3 and {r["key"]: r["count"] for r in city["by_region"]} == {"520102": 2, "520103": 1}
    listed = call(client_of(kit, "nanming"), "get", f"{API}/appeals?overdue=true").json()["items"]
    assert [a["overdue"] for a in listed] == [True, True]
    assert listed[0]["deadline"] < listed[1]["deadline"]  # the most overdue first

    # and the officials' page shows the same list and counts
    page = client_of(kit, "nanming").get("/enterprise/appeals/overdue/")
    assert page.status_code == 200
    assert page.context["summary"]["total"] == 2 and len(page.context["appeals"]) == 2
    assert "新华路街道" in page.content.decode()
    filtered = client_of(kit, "nanming").get("/enterprise/appeals/?status=overdue", headers={"HX-Request": "true"})
    assert len(filtered.context["rows"]) == 2 and "<html" not in filtered.content.decode()


PAGE_CASES = [
    ("list", "get", "/enterprise/appeals/", None,
     {None: 302, "norole": 403, "hr_a": 200, "commissioner_a": 200, "nanming": 200}),
    ("detail", "get", "/enterprise/appeals/{pk}/", None,
     {None: 302, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
    ("new", "get", "/enterprise/appeals/new/", None, {None: 302, "hr_a": 200, "commissioner_a": 200, "nanming": 403}),
    ("overdue", "get", "/enterprise/appeals/overdue/", None, {None: 302, "norole": 403, "nanming": 200}),
    ("close", "post", "/enterprise/appeals/{pk}/close/", {"answer": "已解决"},
     {None: 302, "hr_a": 403, "yunyan": 404, "nanming": 302}),
    ("close_empty", "post", "/enterprise/appeals/{pk}/close/", {"answer": ""}, {"nanming": 422}),
    ("rate_open", "post", "/enterprise/appeals/{pk}/rate/", {"rating": "5"}, {"hr_a": 409, "nanming": 403}),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "persona", "expected"),
                         [pytest.param(n, m, u, d, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, d, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, appeal_in, name, method, url, data, persona, expected):
    appeal = appeal_in()
    before = state_of(Appeal.objects.all())
    response = getattr(client_of(kit, persona), method)(url.format(pk=appeal.pk), data or {})
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith("/login/")
    if expected >= 400:
        assert state_of(Appeal.objects.all()) == before


def test_detail_page_offers_each_persona_their_next_step(kit, appeal_in, department):
    appeal = appeal_in()
    url = f"/enterprise/appeals/{appeal.pk}/"

    def sections(persona):
        html = client_of(kit, persona).get(url).content.decode()
        return {s for s in ("escalate", "close", "rate") if f'id="{s}"' in html}

    assert sections("commissioner_a") == sections("nanming") == {"escalate", "close"}
    assert sections("hr_a") == set()
    client_of(kit, "commissioner_a").post(f"{url}escalate/", {"department": department.pk, "note": "请协调"})
    assert sections("nanming") == {"close"}
    client_of(kit, "nanming").post(f"{url}close/", {"answer": "已协调"})
    assert sections("hr_a") == {"rate"} and sections("nanming") == set()
    assert client_of(kit, "hr_a").post(f"{url}rate/", {"rating": "3"}).status_code == 302
    assert sections("hr_a") == set()
    assert Appeal.objects.get(pk=appeal.pk).rating == 3
