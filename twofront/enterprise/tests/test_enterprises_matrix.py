"""Every enterprise, declaration, roster and check-in endpoint and page against every persona, as data.

Expected: anonymous -> 401 (API) / login redirect (pages); no permission -> 403; another enterprise or
district (or, for a commissioner, an enterprise not assigned to them) -> 404 and absent from lists;
allowed -> works, and writes are audited by the acting persona. A refused write changes nothing."""

import datetime
import json

import pytest
from django.utils import timezone

from twofront.core.models import AuditEvent
from twofront.enterprise.choices import DeclarationStatus
from twofront.enterprise.models import Employee, Enterprise, HealthCheckin, ResumptionDeclaration
from twofront.enterprise.testing import credit_code, employee_identity

TODAY = datetime.date.today().isoformat()
CHECKIN = {"temperature": "36.5", "symptoms": [], "location": "厂区", "risk_contact": False}

# (name, method, url, body, {persona: status}); placeholders are filled from the `world` fixture.
API_CASES = [
    # enterprises
    ("ent_list", "get", "/enterprises", None,
     {None: 401, "norole": 403, "grid_nanming": 403, "hr_a": 200, "nanming": 200, "commissioner_a": 200}),
    ("ent_get", "get", "/enterprises/{a}", None,
     {None: 401, "norole": 404, "grid_nanming": 404, "hr_a": 200, "hr_b": 404, "commissioner_a": 200,
      "nanming": 200, "yunyan": 404, "commander": 200, "street_nanming": 200}),
    ("ent_get_unassigned", "get", "/enterprises/{c}", None, {"commissioner_a": 404, "nanming": 200, "hr_a": 404}),
    ("ent_update", "patch", "/enterprises/{a}", {"address": "新华路88号"},
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 200, "yunyan": 404, "norole": 404}),
    ("ent_create", "post", "/enterprises", "new_enterprise",
     {None: 401, "norole": 403, "hr_a": 403, "commissioner_a": 403, "nanming": 201, "yunyan": 403,
      "commander": 201, "street_nanming": 201}),
    ("ent_resume", "post", "/enterprises/{a}/resume", {"resumed_on": TODAY},
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 200, "yunyan": 404}),
    ("ent_link", "get", "/enterprises/{a}/checkin-link", None,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 200}),
    ("ent_rotate", "post", "/enterprises/{a}/rotate-checkin-token", None,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "yunyan": 404}),
    ("stats", "get", "/stats/resumption", None, {None: 401, "norole": 403, "hr_a": 200, "nanming": 200}),
    # declarations (decl_a is submitted)
    ("decl_list", "get", "/declarations", None, {None: 401, "norole": 403, "hr_a": 200, "nanming": 200}),
    ("decl_get", "get", "/declarations/{decl_a}", None,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404,
      "street_nanming": 200, "norole": 404}),
    ("decl_approve", "post", "/declarations/{decl_a}/approve", None,
     {None: 401, "hr_a": 403, "hr_b": 404, "commissioner_a": 403, "nanming": 200, "yunyan": 404,
      "street_nanming": 200, "commander": 200}),
    ("decl_return", "post", "/declarations/{decl_a}/return", {"reason": "口罩储备不足"},
     {None: 401, "hr_a": 403, "nanming": 200, "yunyan": 404, "commissioner_a": 403}),
    ("decl_submit_again", "post", "/declarations/{decl_a}/submit", None,
     {None: 401, "hr_a": 409, "hr_b": 404, "nanming": 403}),
    ("decl_create_b", "post", "/declarations", "new_declaration_b",
     {None: 401, "hr_b": 201, "hr_a": 404, "nanming": 404, "yunyan": 403, "norole": 404}),
    ("review_queue", "get", "/declarations/review-queue", None,
     {None: 401, "hr_a": 403, "commissioner_a": 403, "nanming": 200, "street_nanming": 200}),
    # roster
    ("emp_list", "get", "/employees", None,
     {None: 401, "norole": 403, "hr_a": 200, "nanming": 200, "commissioner_a": 200}),
    ("emp_get", "get", "/employees/{emp_a}", None,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
    ("emp_update", "patch", "/employees/{emp_a}", {"quarantine_needed": True},
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 200, "yunyan": 404}),
    ("emp_create", "post", "/employees", "new_employee_a",
     {None: 401, "hr_a": 201, "hr_b": 404, "commissioner_a": 403, "nanming": 201, "yunyan": 404}),
    # check-ins
    ("checkin_create", "post", "/checkins", "checkin_a",
     {None: 401, "hr_a": 200, "hr_b": 404, "nanming": 403, "commissioner_a": 403, "yunyan": 404}),
    ("checkin_bulk", "post", "/checkins/bulk", "bulk_a",
     {None: 401, "hr_a": 200, "hr_b": 404, "nanming": 403, "yunyan": 404}),
    ("checkin_list", "get", "/checkins", None, {None: 401, "norole": 403, "hr_a": 200, "nanming": 200}),
    ("coverage", "get", "/enterprises/{a}/coverage", None,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404}),
]

WRITE_ACTIONS = {
    "ent_update": "enterprise.enterprise.updated", "ent_create": "enterprise.enterprise.created",
    "ent_resume": "enterprise.enterprise.resumed", "ent_rotate": "enterprise.enterprise.checkin_token_rotated",
    "decl_approve": "enterprise.declaration.approved", "decl_return": "enterprise.declaration.returned",
    "decl_submit_again": "enterprise.declaration.submitted", "decl_create_b": "enterprise.declaration.created",
    "emp_update": "enterprise.employee.updated", "emp_create": "enterprise.employee.added",
    "checkin_create": "enterprise.checkin.recorded", "checkin_bulk": "enterprise.checkin.bulk_recorded",
}


@pytest.fixture
def world(enterprise_personas, make_employee):
    a, b = enterprise_personas.a, enterprise_personas.b
    # an approved declaration (so A may be marked resumed) and a submitted one waiting for review
    ResumptionDeclaration.objects.create(enterprise=a, planned_date=datetime.date(2020, 2, 20), expected_headcount=50,
                                         status=DeclarationStatus.APPROVED)
    decl_a = ResumptionDeclaration.objects.create(
        enterprise=a, planned_date=datetime.date(2020, 3, 1), expected_headcount=80, status=DeclarationStatus.SUBMITTED,
        submitted_at=timezone.now(), review_due=timezone.now() + datetime.timedelta(days=3))
    emp_a = make_employee(a, 1, phone="13912345678")
    make_employee(b, 2)
    return {"a": a.pk, "b": b.pk, "c": enterprise_personas.c.pk, "decl_a": decl_a.pk, "emp_a": emp_a.pk,
            "token_a": a.checkin_token}


def _body(body, world):
    if body == "new_enterprise":
        return {"credit_code": credit_code("520102", 99), "name": "新登记企业", "industry": "C", "scale": "small",
                "region_code": "520102001"}
    if body == "new_declaration_b":
        return {"enterprise_id": world["b"], "planned_date": TODAY, "expected_headcount": 10, "local_employees": 6,
                "out_of_town_employees": 4}
    if body == "new_employee_a":
        identity = employee_identity(50)
        return {"enterprise_id": world["a"], "id_number": identity["id_number"], "name": identity["name"],
                "phone": identity["phone"]}
    if body == "checkin_a":
        return {"employee_id": world["emp_a"], **CHECKIN}
    if body == "bulk_a":
        return {"enterprise_id": world["a"], "rows": [{"id_number": employee_identity(1)["id_number"], **CHECKIN}]}
    return body


def _cases(cases):
    for name, method, url, body, expected in cases:
        for persona, status in expected.items():
            yield pytest.param(name, method, url, body, persona, status, id=f"{name}-{persona or 'anonymous'}")


def _state():
    return (list(Enterprise.objects.order_by("pk").values()), list(ResumptionDeclaration.objects.order_by("pk").values()),
            list(Employee.objects.order_by("pk").values()), list(HealthCheckin.objects.order_by("pk").values()))


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), list(_cases(API_CASES)))
def test_api_matrix(enterprise_personas, world, client_as, name, method, url, body, persona, status):
    # given a persona, when it calls the endpoint
    client = client_as(enterprise_personas[persona] if persona else None)
    before, last_event = _state(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(_body(body, world))
    response = getattr(client, method)("/api/v1/enterprise" + url.format(**world), **kwargs)
    # then the status is the expected one
    assert response.status_code == status, response.content
    new_events = AuditEvent.objects.filter(pk__gt=last_event)
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state() == before  # a refused call changed nothing
        assert not new_events.exists()
    elif name in WRITE_ACTIONS:
        assert list(new_events.values_list("action", "actor_username")) == [
            (WRITE_ACTIONS[name], enterprise_personas[persona].username)]


def _ids(client, url):
    return {row["id"] for row in client.get(f"/api/v1/enterprise{url}?limit=500").json()["items"]}


@pytest.mark.parametrize(("persona", "expected"), [
    ("hr_a", {"a"}), ("hr_b", {"b"}), ("commissioner_a", {"a"}), ("nanming", {"a", "c"}), ("yunyan", {"b"}),
    ("commander", {"a", "b", "c"}), ("street_nanming", {"a", "c"}),
])
def test_enterprise_lists_hold_only_what_the_persona_may_see(enterprise_personas, world, client_as, persona, expected):
    client = client_as(enterprise_personas[persona])
    assert _ids(client, "/enterprises") == {world[k] for k in expected}
    employees = {e.pk for e in Employee.objects.filter(enterprise_id__in=[world[k] for k in expected])}
    assert _ids(client, "/employees") == employees
    declarations = set(ResumptionDeclaration.objects.filter(enterprise_id__in=[world[k] for k in expected])
                       .values_list("pk", flat=True))
    assert _ids(client, "/declarations") == declarations


# Pages: (name, url, {persona: status}); anonymous is redirected to the sign-in page.
PAGE_CASES = [
    ("ent_list", "/enterprise/", {None: 302, "norole": 403, "hr_a": 200, "nanming": 200, "commissioner_a": 200}),
    ("ent_detail", "/enterprise/{a}/", {None: 302, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200,
                                        "yunyan": 404, "norole": 404}),
    ("ent_detail_unassigned", "/enterprise/{c}/", {"commissioner_a": 404, "nanming": 200}),
    ("ent_new", "/enterprise/new/", {None: 302, "nanming": 200, "hr_a": 403, "commissioner_a": 403}),
    ("ent_edit", "/enterprise/{a}/edit/", {None: 302, "hr_a": 200, "hr_b": 404, "commissioner_a": 403,
                                           "nanming": 200}),
    ("stats", "/enterprise/stats/", {None: 302, "norole": 403, "nanming": 200, "hr_a": 200, "commander": 200}),
    ("decl_list", "/enterprise/declarations/", {None: 302, "norole": 403, "hr_a": 200, "nanming": 200}),
    ("review", "/enterprise/declarations/review/", {None: 302, "hr_a": 403, "nanming": 200, "street_nanming": 200}),
    ("decl_detail", "/enterprise/declarations/{decl_a}/", {None: 302, "hr_a": 200, "hr_b": 404, "nanming": 200,
                                                            "yunyan": 404, "commissioner_a": 200}),
    ("decl_new", "/enterprise/declarations/new/", {None: 302, "hr_a": 200, "nanming": 403}),
    ("decl_edit", "/enterprise/declarations/{decl_a}/edit/", {None: 302, "hr_a": 200, "hr_b": 404, "nanming": 403}),
    ("emp_list", "/enterprise/employees/", {None: 302, "norole": 403, "hr_a": 200, "nanming": 200}),
    ("emp_new", "/enterprise/employees/new/", {None: 302, "hr_a": 200, "commissioner_a": 403}),
    ("emp_edit", "/enterprise/employees/{emp_a}/", {None: 302, "hr_a": 200, "hr_b": 404, "commissioner_a": 403}),
    ("checkins_day", "/enterprise/{a}/checkins/", {None: 302, "hr_a": 200, "hr_b": 404, "nanming": 200,
                                                   "commissioner_a": 200, "yunyan": 404}),
    ("checkins_home", "/enterprise/checkins/", {None: 302, "norole": 403, "hr_a": 302, "nanming": 302}),
    ("abnormal", "/enterprise/checkins/abnormal/", {None: 302, "norole": 403, "nanming": 200, "hr_a": 200}),
    ("checkin_phone", "/enterprise/checkin/{token_a}/", {None: 200, "hr_b": 200}),
    ("checkin_phone_bad_token", "/enterprise/checkin/not-a-token/", {None: 404}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"), [
    pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(enterprise_personas, world, client_as, name, url, persona, status):
    response = client_as(enterprise_personas[persona] if persona else None).get(url.format(**world))
    assert response.status_code == status
    if persona is None and status == 302:
        assert response["Location"].startswith("/login/")


# Page writes (POST forms): (name, url, data, {persona: (status, audit action or None)})
PAGE_WRITES = [
    ("approve", "/enterprise/declarations/{decl_a}/approve/", {},
     {"nanming": 302, "street_nanming": 302, "hr_a": 403, "yunyan": 404, None: 302}),
    ("rotate", "/enterprise/{a}/rotate-token/", {}, {"hr_a": 302, "hr_b": 404, "commissioner_a": 403}),
]
PAGE_WRITE_ACTIONS = {"approve": "enterprise.declaration.approved",
                      "rotate": "enterprise.enterprise.checkin_token_rotated"}


@pytest.mark.parametrize(("name", "url", "data", "persona", "status"), [
    pytest.param(n, u, d, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, d, e in PAGE_WRITES for p, s in e.items()])
def test_page_write_matrix(enterprise_personas, world, client_as, name, url, data, persona, status):
    before = _state()
    response = client_as(enterprise_personas[persona] if persona else None).post(url.format(**world), data)
    assert response.status_code == status
    audited = AuditEvent.objects.filter(action=PAGE_WRITE_ACTIONS[name])
    if persona and status == 302:
        assert audited.filter(actor=enterprise_personas[persona]).count() == 1
    else:
        assert _state() == before and not audited.exists()
