"""Daily health check-ins: identity proof, rate limit, abnormal flags and who sees them, one per day,
idempotency (incl. 50 concurrent identical submissions), the bulk API and the HR day page."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from twofront.core.models import AuditEvent, IdempotencyRecord
from twofront.core.testing import at_once, client_for
from twofront.enterprise.models import CheckinFailure, HealthCheckin
from twofront.enterprise.testing import YUNYAN_GRID, build_employee, employee_identity

NORMAL = {"temperature": "36.6", "symptoms": [], "location": "厂区", "risk_contact": False}


def qr_body(index, **answers):
    identity = employee_identity(index)
    return {"id_number": identity["id_number"], "phone_last4": identity["phone"][-4:], **NORMAL, **answers}


def qr_post(client, token, body, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/enterprise/checkin/{token}", json.dumps(body), content_type="application/json",
                       **headers, **extra)


@pytest.fixture
def employee_a(make_employee, enterprise_a):
    return make_employee(enterprise_a, 1)


def test_employee_checks_in_with_id_and_phone_digits(employee_a, enterprise_a, client):
    # given an employee on A's roster, when they check in from A's QR code with their ID and phone digits
    response = qr_post(client, enterprise_a.checkin_token, qr_body(1))
    # then today's check-in is recorded, normal, with the enterprise's and the residence's regions
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["abnormal"] is False and body["id_number_masked"] == employee_a.person.id_number_masked
    checkin = HealthCheckin.objects.get()
    assert (checkin.employee, checkin.day, checkin.temperature) == (employee_a, timezone.localdate(), Decimal("36.6"))
    assert (checkin.region, checkin.residence_region, checkin.source) == (enterprise_a.region, employee_a.person.region, "qr")
    event = AuditEvent.objects.get(action="enterprise.checkin.recorded")
    assert event.actor is None and event.region == enterprise_a.region and event.source == "api"


@pytest.mark.parametrize("body_change", [
    {"phone_last4": "0000"},  # wrong digits
    {"id_number": employee_identity(77)["id_number"]},  # a valid ID that is not on the roster
    {"id_number": "520102199001011234"},  # not a valid ID at all
])
def test_wrong_identity_is_refused_and_counted(employee_a, enterprise_a, client, body_change):
    response = qr_post(client, enterprise_a.checkin_token, {**qr_body(1), **body_change})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["id_number"]
    assert not HealthCheckin.objects.exists() and CheckinFailure.objects.count() == 1


def test_an_employee_of_another_enterprise_cannot_use_this_code(employee_a, enterprise_b, client):
    assert qr_post(client, enterprise_b.checkin_token, qr_body(1)).status_code == 422
    assert not HealthCheckin.objects.exists()


def test_an_employee_off_the_roster_cannot_check_in(employee_a, enterprise_a, client):
    employee_a.active = False
    employee_a.save()
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1)).status_code == 422


def test_unknown_token_is_404(employee_a, client):
    response = qr_post(client, "nope", qr_body(1))
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_failures_per_id_are_rate_limited_even_with_the_right_digits(employee_a, enterprise_a, client, settings):
    settings.TWOFRONT_CHECKIN_FAILURES_PER_ID = 3
    for _ in range(3):
        assert qr_post(client, enterprise_a.checkin_token, qr_body(1, phone_last4="0000")).status_code == 422
    # when the right digits come after the limit, then it is 429 with Retry-After, and nothing is recorded
    response = qr_post(client, enterprise_a.checkin_token, qr_body(1))
    assert response.status_code == 429
    assert response["Retry-After"] == "900" and response.json()["type"] == "rate_limited"
    assert not HealthCheckin.objects.exists()


def test_failures_per_ip_are_rate_limited_but_other_ips_are_not(make_employee, enterprise_a, client, settings):
    settings.TWOFRONT_CHECKIN_FAILURES_PER_IP = 2
    make_employee(enterprise_a, 1)
    make_employee(enterprise_a, 2)
    for index in (3, 4):  # two IDs that are not on the roster, from one address
        assert qr_post(client, enterprise_a.checkin_token, qr_body(index), REMOTE_ADDR="10.0.0.9").status_code == 422
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1), REMOTE_ADDR="10.0.0.9").status_code == 429
    assert qr_post(client, enterprise_a.checkin_token, qr_body(2), REMOTE_ADDR="10.0.0.10").status_code == 200


def test_successes_do_not_count_towards_the_limit(make_employee, enterprise_a, client, settings):
    # a factory's whole shift checks in from one Wi-Fi address
    settings.TWOFRONT_CHECKIN_FAILURES_PER_IP = 2
    for index in range(5):
        make_employee(enterprise_a, index)
        assert qr_post(client, enterprise_a.checkin_token, qr_body(index), REMOTE_ADDR="10.0.0.1").status_code == 200


def test_old_failures_no_longer_count(employee_a, enterprise_a, client, settings):
    settings.TWOFRONT_CHECKIN_FAILURES_PER_ID = 1
    qr_post(client, enterprise_a.checkin_token, qr_body(1, phone_last4="0000"))
    CheckinFailure.objects.update(at=timezone.now() - timezone.timedelta(minutes=16))
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1)).status_code == 200


@pytest.mark.parametrize(("answers", "abnormal"), [
    ({"temperature": "37.2"}, False),
    ({"temperature": "37.3"}, True),
    ({"temperature": "38.5"}, True),
    ({"symptoms": ["cough"]}, True),
    ({"symptoms": ["taste_smell", "fatigue"]}, True),
    ({"risk_contact": True}, True),
])
def test_abnormal_flag(employee_a, enterprise_a, client, answers, abnormal):
    response = qr_post(client, enterprise_a.checkin_token, qr_body(1, **answers))
    assert response.status_code == 200 and response.json()["abnormal"] is abnormal
    assert HealthCheckin.objects.get().abnormal is abnormal


@pytest.mark.parametrize("answers", [{"temperature": "33.9"}, {"temperature": "43.1"}, {"symptoms": ["sneezing"]},
                                     {"location": "x" * 101}, {"phone_last4": "12a4"}])
def test_implausible_answers_are_422(employee_a, enterprise_a, client, answers):
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1, **answers)).status_code == 422
    assert not HealthCheckin.objects.exists()


def test_second_checkin_of_the_day_updates_the_first(employee_a, enterprise_a, client):
    first = qr_post(client, enterprise_a.checkin_token, qr_body(1))
    second = qr_post(client, enterprise_a.checkin_token, qr_body(1, temperature="37.8", symptoms=["fever"]))
    assert first.status_code == second.status_code == 200
    checkin = HealthCheckin.objects.get()
    assert checkin.temperature == Decimal("37.8") and checkin.abnormal and checkin.symptoms == ["fever"]
    assert list(AuditEvent.objects.filter(action__startswith="enterprise.checkin.").order_by("pk")
                .values_list("action", flat=True)) == ["enterprise.checkin.recorded", "enterprise.checkin.updated"]


def test_a_retry_with_the_same_key_returns_the_first_answer(employee_a, enterprise_a, client):
    first = qr_post(client, enterprise_a.checkin_token, qr_body(1), key="phone-retry-1")
    again = qr_post(client, enterprise_a.checkin_token, qr_body(1), key="phone-retry-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert HealthCheckin.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="enterprise.checkin.").count() == 1
    other_body = qr_post(client, enterprise_a.checkin_token, qr_body(1, temperature="37.0"), key="phone-retry-1")
    assert other_body.status_code == 422 and other_body.json()["errors"][0]["loc"] == ["Idempotency-Key"]


@pytest.mark.slow
def test_fifty_concurrent_identical_checkins_with_one_key_create_exactly_one_record(enterprise_personas_tx):
    enterprise = enterprise_personas_tx.a
    employee = build_employee(enterprise, 1)
    body = qr_body(1)

    def submit():
        response = qr_post(client_for(None), enterprise.checkin_token, body, key="flaky-network-7")
        return response.status_code, response.content

    results = at_once(50, submit)
    assert len(results) == 50
    assert {status for status, _ in results} == {200}, {c for s, c in results if s != 200}
    # every retry got the first answer (compared as JSON: PostgreSQL's jsonb stores the keys reordered)
    assert len({json.dumps(json.loads(content), sort_keys=True) for _, content in results}) == 1
    assert HealthCheckin.objects.filter(employee=employee).count() == 1
    assert AuditEvent.objects.filter(action__startswith="enterprise.checkin.").count() == 1
    assert IdempotencyRecord.objects.filter(principal=f"employee:{employee.pk}").count() == 1


def test_abnormal_checkins_are_seen_by_the_enterprise_and_by_both_regions(enterprise_personas, make_employee,
                                                                          client_as, client):
    # given an employee of Nanming's A who lives in Yunyan, with a fever
    a = enterprise_personas.a
    make_employee(a, 1, region=enterprise_personas.region(YUNYAN_GRID))
    assert qr_post(client, a.checkin_token, qr_body(1, temperature="38.2")).status_code == 200

    def seen(persona):
        response = client_as(enterprise_personas[persona]).get("/api/v1/enterprise/checkins?abnormal=true")
        return response.json()["count"] if response.status_code == 200 else response.status_code

    # then A's HR, Nanming (the enterprise's district) and Yunyan (the residence) see it; B's HR and
    # the commissioner of another enterprise do not; a commissioner of A does
    assert {p: seen(p) for p in ("hr_a", "nanming", "yunyan", "commander", "hr_b", "commissioner_a", "norole")} == {
        "hr_a": 1, "nanming": 1, "yunyan": 1, "commander": 1, "hr_b": 0, "commissioner_a": 1, "norole": 403}
    page = client_as(enterprise_personas["yunyan"]).get("/enterprise/checkins/abnormal/")
    assert page.status_code == 200 and "38.2" in page.content.decode()
    assert employee_identity(1)["id_number"] not in page.content.decode()
    other = client_as(enterprise_personas["hr_b"]).get("/enterprise/checkins/abnormal/")
    assert "38.2" not in other.content.decode()


def test_hr_and_attendance_system_check_in_for_an_employee(enterprise_personas, employee_a, client_as):
    client = client_as(enterprise_personas["hr_a"])
    body = {"employee_id": employee_a.pk, **NORMAL, "symptoms": ["cough"]}
    first = client.post("/api/v1/enterprise/checkins", json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="hr-1")
    again = client.post("/api/v1/enterprise/checkins", json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="hr-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["abnormal"] is True and first.json()["source"] == "api"
    assert HealthCheckin.objects.count() == 1


def _bulk(client, enterprise, rows, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/enterprise/checkins/bulk", json.dumps({"enterprise_id": enterprise.pk, "rows": rows}),
                       content_type="application/json", **headers)


def test_bulk_applies_valid_rows_and_reports_each_bad_row(enterprise_personas, make_employee, client_as):
    a = enterprise_personas.a
    for index in range(3):
        make_employee(a, index)
    make_employee(enterprise_personas.b, 9)
    client = client_as(enterprise_personas["hr_a"])
    assert qr_post(client_for(None), a.checkin_token, qr_body(2)).status_code == 200  # already checked in today
    rows = [
        {"id_number": employee_identity(0)["id_number"], **NORMAL},
        {"id_number": employee_identity(1)["id_number"], **NORMAL, "temperature": "38.0"},
        {"id_number": employee_identity(2)["id_number"], **NORMAL, "symptoms": ["cough"]},  # updates
        {"id_number": employee_identity(9)["id_number"], **NORMAL},  # B's employee
        {"id_number": "123", **NORMAL},  # not an ID
        {"id_number": employee_identity(0)["id_number"], **NORMAL},  # duplicate of row 0
    ]
    response = _bulk(client, a, rows, key="attendance-2020-03-02")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["errors"]) == (2, 1, 3)
    assert [r["status"] for r in body["results"]] == ["created", "created", "updated", "error", "error", "error"]
    assert [r["abnormal"] for r in body["results"][:3]] == [False, True, True]
    assert body["results"][3]["errors"][0]["loc"] == ["id_number"]
    assert all(r["checkin_id"] for r in body["results"][:3])
    assert HealthCheckin.objects.filter(enterprise=a).count() == 3
    assert HealthCheckin.objects.get(pk=body["results"][2]["checkin_id"]).symptoms == ["cough"]
    assert AuditEvent.objects.filter(action="enterprise.checkin.bulk_recorded").count() == 1
    # a retry of the same upload is answered from the first response
    assert _bulk(client, a, rows, key="attendance-2020-03-02").json() == body
    assert AuditEvent.objects.filter(action="enterprise.checkin.bulk_recorded").count() == 1


def test_bulk_rejects_more_than_a_thousand_rows_and_bad_cells(enterprise_personas, client_as):
    client = client_as(enterprise_personas["hr_a"])
    row = {"id_number": employee_identity(0)["id_number"], **NORMAL}
    assert _bulk(client, enterprise_personas.a, [row] * 1001).status_code == 422
    assert _bulk(client, enterprise_personas.a, []).status_code == 422
    assert _bulk(client, enterprise_personas.a, [{**row, "temperature": "50"}]).status_code == 422
    assert not HealthCheckin.objects.exists()


def test_hr_day_page_shows_coverage_missing_and_abnormal(enterprise_personas, make_employee, client_as):
    a = enterprise_personas.a
    employees = [make_employee(a, index) for index in range(3)]
    qr_post(client_for(None), a.checkin_token, qr_body(0))
    qr_post(client_for(None), a.checkin_token, qr_body(1, temperature="38.1"))
    response = client_as(enterprise_personas["hr_a"]).get(f"/enterprise/{a.pk}/checkins/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 / 3" in html and "38.1" in html
    assert employees[2].person.id_number_masked in html
    assert employee_identity(2)["id_number"] not in html and employee_identity(2)["phone"] not in html
    coverage = client_as(enterprise_personas["hr_a"]).get(f"/api/v1/enterprise/enterprises/{a.pk}/coverage").json()
    assert (coverage["roster"], coverage["checked_in"], coverage["abnormal"]) == (3, 2, 1)
    assert coverage["missing_employee_ids"] == [employees[2].pk]


def test_phone_page_checks_in_and_shows_the_result(employee_a, enterprise_a, client):
    page = client.get(f"/enterprise/checkin/{enterprise_a.checkin_token}/")
    html = page.content.decode()
    assert page.status_code == 200 and enterprise_a.name in html
    assert 'inputmode="decimal"' in html and 'inputmode="numeric"' in html
    identity = employee_identity(1)
    form = {"id_number": identity["id_number"], "phone_last4": identity["phone"][-4:], "temperature": "37.5",
            "symptoms": ["cough"], "location": "家中"}
    response = client.post(f"/enterprise/checkin/{enterprise_a.checkin_token}/", form)
    assert response.status_code == 200
    assert HealthCheckin.objects.get().abnormal
    assert employee_a.person.id_number_masked in response.content.decode()
    assert identity["id_number"] not in response.content.decode()
    wrong = client.post(f"/enterprise/checkin/{enterprise_a.checkin_token}/", {**form, "phone_last4": "0000"})
    assert wrong.status_code == 422 and HealthCheckin.objects.count() == 1


def test_phone_page_rate_limit_answers_429(employee_a, enterprise_a, client, settings):
    settings.TWOFRONT_CHECKIN_FAILURES_PER_ID = 1
    identity = employee_identity(1)
    form = {"id_number": identity["id_number"], "phone_last4": "0000", "temperature": "36.5"}
    url = f"/enterprise/checkin/{enterprise_a.checkin_token}/"
    assert client.post(url, form).status_code == 422
    assert client.post(url, {**form, "phone_last4": identity["phone"][-4:]}).status_code == 429


def test_checkin_touches_both_regions_for_the_metrics(enterprise_personas, make_employee, client,
                                                       django_capture_on_commit_callbacks):
    from twofront.metrics.models import DirtyCell

    a = enterprise_personas.a
    make_employee(a, 1, region=enterprise_personas.region(YUNYAN_GRID))
    with django_capture_on_commit_callbacks(execute=True):
        qr_post(client, a.checkin_token, qr_body(1))
    cells = set(DirtyCell.objects.filter(source="enterprise.healthcheckin").values_list("region__code", "day"))
    assert cells == {(a.region.code, timezone.localdate()), (YUNYAN_GRID, timezone.localdate())}


@pytest.mark.parametrize("key", [None, "phone-1"])
def test_a_qr_checkin_costs_a_bounded_number_of_statements(employee_a, enterprise_a, client, key):
    # the hot path of the morning rush: on PostgreSQL one read (roster, rate limit, today's row), then one
    # statement, committed on its own: key row + upsert + audit event + dirty cells
    from django.test.utils import CaptureQueriesContext

    qr_post(client, enterprise_a.checkin_token, qr_body(1), key=key and f"{key}-warm")  # caches, first row
    with CaptureQueriesContext(connection) as first:
        assert qr_post(client, enterprise_a.checkin_token, qr_body(1, temperature="36.8"), key=key).status_code == 200
    ceiling = 2 if connection.vendor == "postgresql" else 7  # SQLite: in a test's transaction, no BEGIN/COMMIT
    assert len(first.captured_queries) <= ceiling, [q["sql"][:80] for q in first.captured_queries]
    assert AuditEvent.objects.filter(action="enterprise.checkin.updated").count() == 1


def test_the_update_is_audited_with_what_changed(employee_a, enterprise_a, client):
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1)).status_code == 200
    assert qr_post(client, enterprise_a.checkin_token, qr_body(1, temperature="37.9", location="家中")).status_code == 200
    recorded, updated = AuditEvent.objects.filter(action__startswith="enterprise.checkin.").order_by("pk")
    checkin = HealthCheckin.objects.get()
    assert recorded.object_id == updated.object_id == str(checkin.pk)
    assert recorded.changes["temperature"] == [None, "36.6"] and recorded.changes["day"][0] is None
    assert updated.changes == {"temperature": ["36.6", "37.9"], "location": ["厂区", "家中"], "abnormal": [False, True]}
    assert updated.region_id == enterprise_a.region_id and updated.object_type == "enterprise.healthcheckin"


def test_a_checkin_marks_its_cells_inside_its_transaction(employee_a, enterprise_a, client):
    # no on_commit callback: the cells are written with the check-in (a refresh can never miss it)
    from twofront.metrics.models import DirtyCell

    assert qr_post(client, enterprise_a.checkin_token, qr_body(1)).status_code == 200
    cells = set(DirtyCell.objects.filter(source="enterprise.healthcheckin").values_list("region_id", "day"))
    assert cells == {(enterprise_a.region_id, timezone.localdate()), (employee_a.person.region_id, timezone.localdate())}
