"""Every medical endpoint and page against the personas: hospital staff only their hospital; district officers
their district (cases also by the patient's residence); anonymous 401 / login; refused calls change nothing."""

import json

import pytest

from twofront.core import pii
from twofront.core.models import AuditEvent
from twofront.medical import services
from twofront.medical.choices import CaseState
from twofront.medical.models import CapacityReport, Case, CaseTransition, FeverClinicVisit, Hospital

REPORT = {"beds_total": 200, "beds_used": 120, "isolation_rooms_total": 30, "isolation_rooms_used": 5}


@pytest.fixture
def records(units, personas, person_nanming, person_yunyan):
    """At the Nanming hospital: a suspected case of a Nanming resident, a visit and yesterday's report.
    At the Yunyan hospital: a case of a *Nanming* resident (visible to Nanming officials by residence)."""
    staff = units["hospital_staff_nanming"]
    case = services.report_case(actor=staff, person=person_nanming, hospital=units["hospital_nanming"])
    visit = services.record_visit(actor=staff, hospital=units["hospital_nanming"], person=person_nanming,
                                  temperature=38.0, outcome="observation")
    from django.utils import timezone

    report = services.submit_capacity_report(actor=staff, hospital=units["hospital_nanming"],
                                             day=timezone.localdate() - timezone.timedelta(days=1), **REPORT)
    return {"case": case.pk, "visit": visit.pk, "report": report.pk, "hospital": units["hospital_nanming"].pk,
            "person": person_nanming.pk, "yunyan_person": person_yunyan.pk,
            "yunyan_id_number": pii.decrypt(person_yunyan.id_number_ct)}


def snapshot():
    return {model.__name__: list(model.objects.values()) for model in
            (Hospital, Case, CaseTransition, FeverClinicVisit, CapacityReport)} | {"audit": AuditEvent.objects.count()}


API = "/api/v1/medical"
API_CASES = [
    ("hospitals", "get", f"{API}/hospitals", None,
     {None: 401, "commander": 200, "nanming": 200, "hospital_staff_yunyan": 200, "hotel_staff_nanming": 403,
      "grid_nanming": 403}),
    ("hospital", "get", f"{API}/hospitals/{{hospital}}", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hospital_staff_nanming": 200,
      "hospital_staff_yunyan": 404}),
    ("hospital_update", "patch", f"{API}/hospitals/{{hospital}}", {"beds": 260},
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hospital_staff_nanming": 403}),
    ("hospital_create", "post", f"{API}/hospitals", {"name": "南明区第二人民医院", "region_code": "520102001",
                                                      "fever_clinic": True, "beds": 100},
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "hospital_staff_nanming": 403}),
    ("visits", "get", f"{API}/visits", None, {None: 401, "nanming": 200, "hospital_staff_yunyan": 200,
                                              "community": 403}),
    ("visit", "get", f"{API}/visits/{{visit}}", None,
     {None: 401, "nanming": 200, "yunyan": 404, "hospital_staff_nanming": 200, "hospital_staff_yunyan": 404}),
    ("visit_create", "post", f"{API}/hospitals/{{hospital}}/visits",
     {"id_number": "{yunyan_id_number}", "temperature": 37.9, "outcome": "home"},
     {None: 401, "hospital_staff_nanming": 201, "hospital_staff_yunyan": 404, "nanming": 403}),
    ("cases", "get", f"{API}/cases", None, {None: 401, "nanming": 200, "hotel_staff_nanming": 403}),
    ("case", "get", f"{API}/cases/{{case}}", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hospital_staff_nanming": 200,
      "hospital_staff_yunyan": 404, "norole": 404}),
    ("transition", "post", f"{API}/cases/{{case}}/transition", {"to_state": "confirmed"},
     {None: 401, "hospital_staff_nanming": 200, "commander": 200, "nanming": 403, "hospital_staff_yunyan": 404,
      "yunyan": 404}),
    ("bad_transition", "post", f"{API}/cases/{{case}}/transition", {"to_state": "recovered"},
     {"hospital_staff_nanming": 409}),
    ("case_report", "post", f"{API}/cases", {"person_id": "{yunyan_person}", "hospital_id": "{hospital}"},
     {None: 401, "commander": 201, "hospital_staff_nanming": 404, "nanming": 404}),
    ("case_report_by_number", "post", f"{API}/cases", {"id_number": "{yunyan_id_number}", "hospital_id": "{hospital}"},
     {"hospital_staff_nanming": 201, "hospital_staff_yunyan": 422, "hotel_staff_nanming": 422}),
    ("reports", "get", f"{API}/capacity-reports", None, {None: 401, "nanming": 200, "hotel_staff_nanming": 403}),
    ("report", "get", f"{API}/capacity-reports/{{report}}", None,
     {None: 401, "nanming": 200, "yunyan": 404, "hospital_staff_nanming": 200, "hospital_staff_yunyan": 404}),
    ("report_submit", "post", f"{API}/hospitals/{{hospital}}/capacity-reports", REPORT,
     {None: 401, "hospital_staff_nanming": 201, "hospital_staff_yunyan": 404, "nanming": 403, "commander": 403}),
    ("report_correct", "patch", f"{API}/capacity-reports/{{report}}", {**REPORT, "beds_used": 130},
     {None: 401, "hospital_staff_nanming": 200, "hospital_staff_yunyan": 404, "nanming": 403}),
    ("report_status", "get", f"{API}/capacity-reports/status", None,
     {None: 401, "commander": 200, "nanming": 200, "hospital_staff_nanming": 403, "norole": 403}),
]
WRITES = {"hospital_update": "medical.hospital.updated", "hospital_create": "medical.hospital.created",
          "visit_create": "medical.visit.recorded", "transition": "medical.case.transitioned",
          "case_report": "medical.case.reported", "case_report_by_number": "medical.case.reported",
          "report_submit": "medical.capacity_report.submitted", "report_correct": "medical.capacity_report.corrected"}


@pytest.fixture
def user_of(personas, units):
    from twofront.core.models import RoleAssignment, User
    from twofront.core.roles import Role

    def user(name):
        if name is None:
            return None
        if name == "community":
            community = User.objects.create_user("community_nanming", password="x")
            RoleAssignment.objects.create(user=community, role=Role.COMMUNITY_OFFICER,
                                          region=personas.region("520102001001"))
            return community
        return units[name] if name in units else personas[name]
    return user


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), [
    pytest.param(n, m, u, b, p, s, id=f"{n}-{p or 'anonymous'}") for n, m, u, b, e in API_CASES for p, s in e.items()])
def test_api_matrix(records, user_of, client_as, name, method, url, body, persona, status):
    url = url.format(**records)
    if isinstance(body, dict):
        body = {k: records[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    actor = user_of(persona)
    before = snapshot()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = getattr(client_as(actor), method)(url, json.dumps(body) if body is not None else None,
                                                  content_type="application/json")

    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert snapshot() == before
    elif name in WRITES:
        # exactly one audit event, by the caller
        assert list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", "actor")) == [
            (WRITES[name], actor.pk)]


def test_cases_are_visible_by_residence_and_by_hospital(records, units, personas, make_person, client_as):
    yunyan_resident = make_person("520103001001001")
    services.report_case(actor=units["hospital_staff_nanming"], person=yunyan_resident,
                         hospital=units["hospital_nanming"], state=CaseState.CONFIRMED)
    nanming_resident = make_person("520102001001001")
    at_yunyan = services.report_case(actor=units["hospital_staff_yunyan"], person=nanming_resident,
                                     hospital=units["hospital_yunyan"])

    def ids(who):
        return {c["id"] for c in client_as(who).get(f"{API}/cases").json()["items"]}

    assert at_yunyan.pk in ids(personas["nanming"])  # a Nanming resident treated in Yunyan
    assert at_yunyan.pk in ids(personas["yunyan"])  # at a Yunyan hospital
    assert at_yunyan.pk not in ids(units["hospital_staff_nanming"])  # another hospital's patient
    assert ids(units["hospital_staff_yunyan"]) == {at_yunyan.pk}


def test_hospital_lists_are_scoped(records, units, personas, client_as):
    def names(who):
        return [h["name"] for h in client_as(who).get(f"{API}/hospitals").json()["items"]]

    assert names(units["hospital_staff_nanming"]) == [units["hospital_nanming"].name]
    assert names(personas["yunyan"]) == [units["hospital_yunyan"].name]
    assert len(names(personas["commander"])) == 2


PAGES = [
    ("hospitals", "/medical/hospitals/", {None: 302, "nanming": 200, "hospital_staff_nanming": 200,
                                          "hotel_staff_nanming": 403}),
    ("hospital", "/medical/hospitals/{hospital}/", {"nanming": 200, "yunyan": 404, "hospital_staff_yunyan": 404}),
    ("hospital_new", "/medical/hospitals/new/", {"nanming": 200, "hospital_staff_nanming": 403}),
    ("hospital_edit", "/medical/hospitals/{hospital}/edit/", {"nanming": 200, "yunyan": 404,
                                                             "hospital_staff_nanming": 403}),
    ("visits", "/medical/visits/", {None: 302, "hospital_staff_nanming": 200, "grid_nanming": 403}),
    ("visit_new", "/medical/visits/new/", {"hospital_staff_nanming": 200, "nanming": 403}),
    ("cases", "/medical/cases/", {None: 302, "nanming": 200, "hospital_staff_nanming": 200, "auditor": 403}),
    ("case", "/medical/cases/{case}/", {"nanming": 200, "yunyan": 404, "hospital_staff_nanming": 200,
                                        "hospital_staff_yunyan": 404}),
    ("case_new", "/medical/cases/new/", {"hospital_staff_nanming": 200, "commander": 200, "nanming": 403}),
    ("reports", "/medical/reports/", {None: 302, "hospital_staff_nanming": 200, "nanming": 200, "norole": 403}),
    ("report_new", "/medical/reports/new/", {"hospital_staff_nanming": 200, "nanming": 403}),
    ("report_edit", "/medical/reports/{report}/edit/", {"hospital_staff_nanming": 200, "hospital_staff_yunyan": 404,
                                                        "nanming": 403}),
    ("report_status", "/medical/reports/today/", {None: 302, "commander": 200, "nanming": 200,
                                                  "hospital_staff_nanming": 403}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"), [
    pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGES for p, s in e.items()])
def test_page_matrix(records, user_of, client_as, name, url, persona, status):
    response = client_as(user_of(persona)).get(url.format(**records))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


def test_case_pages_report_then_move_along_the_state_machine(records, units, client_as):
    client = client_as(units["hospital_staff_nanming"])
    response = client.post("/medical/cases/new/", {"hospital": records["hospital"], "state": "suspected",
                                                   "id_number": records["yunyan_id_number"], "note": "发热门诊"})
    case = Case.objects.get(person_id=records["yunyan_person"])
    assert response.status_code == 302 and response["Location"] == f"/medical/cases/{case.pk}/"
    page = client.get(f"/medical/cases/{case.pk}/").content.decode()
    assert 'value="confirmed"' in page and 'value="recovered"' not in page  # only the allowed next states
    assert client.post(f"/medical/cases/{case.pk}/transition/", {"to_state": "recovered"}).status_code == 422
    assert client.post(f"/medical/cases/{case.pk}/transition/", {"to_state": "confirmed"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "confirmed" and case.transitions.count() == 2


def test_the_late_page_lists_missing_hospitals(records, units, personas, client_as, settings):
    settings.TWOFRONT_CAPACITY_REPORT_HOUR = 0  # past the hour, whatever time the test runs
    page = client_as(personas["commander"]).get("/medical/reports/today/").content.decode()
    assert units["hospital_nanming"].name in page and units["hospital_yunyan"].name in page
    assert page.count("status-missing") == 2  # yesterday's report does not count for today
