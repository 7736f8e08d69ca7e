"""Abnormal health check-ins as risk facts (core.risk), and the risk status on the check-in pages: the employee
sees their own status with its reasons; HR and officials see a level per row, never of another enterprise's staff."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from twofront.core import risk
from twofront.enterprise.facts import checkin_facts
from twofront.enterprise.models import HealthCheckin
from twofront.enterprise.testing import employee_identity


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def check_in(employee, offset: int = 0, *, abnormal: bool = True, temperature: str = "38.2",
             risk_contact: bool = False) -> HealthCheckin:
    return HealthCheckin.objects.create(
        employee=employee, enterprise=employee.enterprise, day=day(offset),
        temperature=Decimal(temperature if abnormal else "36.5"), abnormal=abnormal, risk_contact=risk_contact,
        region=employee.enterprise.region, residence_region=employee.person.region)


@pytest.fixture
def employee_a(make_employee, enterprise_a):
    return make_employee(enterprise_a, 1)


@pytest.fixture
def employee_b(make_employee, enterprise_b):
    return make_employee(enterprise_b, 2)


def test_an_abnormal_checkin_is_a_fact_of_the_person(employee_a, enterprise_a):
    check_in(employee_a, 0)
    check_in(employee_a, -1, risk_contact=True)
    facts = checkin_facts([employee_a.person_id], since=day(-60))
    assert sorted(facts[employee_a.person_id], key=lambda f: f.at) == [
        risk.Fact("abnormal_checkin", day(-1), "risk_contact", label=enterprise_a.name),
        risk.Fact("abnormal_checkin", day(0), "fever", label=enterprise_a.name)]


def test_an_abnormal_checkin_today_is_yellow_for_three_days(employee_a):
    # given an abnormal check-in today
    check_in(employee_a, 0)
    # then the person is yellow, because of the check-in, until the third day after it
    status = risk.status_for(employee_a.person)
    assert status.level == "yellow"
    assert [(r.rule, r.text, r.since) for r in status.reasons] == [("abnormal_checkin", "健康打卡异常", day(0))]
    assert status.changes_on == day(3)
    assert risk.status_for(employee_a.person, today=day(2)).level == "yellow"
    assert risk.status_for(employee_a.person, today=day(3)).level == "green"


def test_an_older_abnormal_checkin_gives_nothing(employee_a):
    check_in(employee_a, -10)
    assert checkin_facts([employee_a.person_id], since=day(-5)) == {}
    assert risk.status_for(employee_a.person).level == "green"
    check_in(employee_a, -61, temperature="39.0")  # before the engine's 60-day window
    assert checkin_facts([employee_a.person_id], since=day(-60))[employee_a.person_id][0].at == day(-10)


def test_only_persons_with_an_abnormal_checkin_are_asked(employee_a, employee_b, make_employee, enterprise_a,
                                                         monkeypatch):
    # given A's employee with a normal check-in, B's with an abnormal one, and one never checked in
    check_in(employee_a, 0, abnormal=False)
    check_in(employee_b, -1)
    never = make_employee(enterprise_a, 3)
    asked = []

    def spy(person_ids, since):
        asked.append(sorted(person_ids))
        return checkin_facts(person_ids, since)

    monkeypatch.setitem(risk._PROVIDERS, "enterprise.checkins", spy)
    everyone = [employee_a.person_id, employee_b.person_id, never.person_id]
    statuses = risk.statuses_for(everyone)
    # then the provider is asked only about B's employee (the presence SQL covers what it reads) ...
    assert asked == [[employee_b.person_id]]
    # ... and whoever it is not asked about has no fact it would have given
    assert set(checkin_facts(everyone, since=day(-60))) == {employee_b.person_id}
    assert {pid: s.level for pid, s in statuses.items()} == {
        employee_a.person_id: "green", employee_b.person_id: "yellow", never.person_id: "green"}


def phone_form(index: int, **answers) -> dict:
    identity = employee_identity(index)
    return {"id_number": identity["id_number"], "phone_last4": identity["phone"][-4:], "temperature": "36.5",
            "location": "家中", **answers}


def test_the_phone_result_shows_the_employees_own_status(employee_a, enterprise_a, client):
    url = f"/enterprise/checkin/{enterprise_a.checkin_token}/"
    normal = client.post(url, phone_form(1)).content.decode()
    assert 'data-level="green"' in normal and "绿码" in normal and "健康打卡异常" not in normal
    # when the same employee corrects today's answers to a fever, the page shows the status after the write
    fever = client.post(url, phone_form(1, temperature="38.3")).content.decode()
    assert 'id="risk" data-level="yellow"' in fever and "我的风险状态" in fever
    assert "黄码" in fever and "健康打卡异常" in fever
    assert day(3).isoformat() in fever  # when it changes


def test_hr_day_page_shows_a_level_per_employee(employee_a, make_employee, enterprise_a, client_as, hr_a):
    sick, absent = employee_a, make_employee(enterprise_a, 5)
    check_in(sick, 0)
    check_in(absent, -1)  # yesterday's fever: not checked in today, still yellow
    fine = make_employee(enterprise_a, 6)
    check_in(fine, 0, abnormal=False)
    html = client_as(hr_a).get(f"/enterprise/{enterprise_a.pk}/checkins/").content.decode()
    abnormal, missing = html.split('id="missing"')
    assert abnormal.count('data-level="yellow"') == 1 and sick.person.name in abnormal
    assert missing.count('data-level="yellow"') == 1 and absent.person.name in missing
    assert "黄码" in html and "健康打卡异常" not in html  # the level, not the reasons


def test_hr_day_page_asks_the_risk_engine_once_per_page(make_employee, enterprise_a, client_as, hr_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(hr_a)
    url = f"/enterprise/{enterprise_a.pk}/checkins/"
    check_in(make_employee(enterprise_a, 10), 0)
    make_employee(enterprise_a, 11)
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(12, 20):
        employee = make_employee(enterprise_a, index)
        if index % 2:
            check_in(employee, 0)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_hr_of_a_never_sees_the_status_of_bs_employees(employee_a, employee_b, enterprise_b, client_as, hr_a, hr_b):
    check_in(employee_a, 0, temperature="38.1")
    check_in(employee_b, 0, temperature="39.4")
    # A's HR: B's day page does not exist for them; the abnormal list has A's employee only
    assert client_as(hr_a).get(f"/enterprise/{enterprise_b.pk}/checkins/").status_code == 404
    listed = client_as(hr_a).get("/enterprise/checkins/abnormal/").content.decode()
    assert employee_a.person.name in listed and "38.1" in listed
    assert employee_b.person.name not in listed and "39.4" not in listed
    assert listed.count('data-level="yellow"') == 1
    # B's HR sees their own
    own = client_as(hr_b).get(f"/enterprise/{enterprise_b.pk}/checkins/").content.decode()
    assert employee_b.person.name in own and 'data-level="yellow"' in own and employee_a.person.name not in own


def test_officials_list_of_abnormal_checkins_shows_levels(employee_a, client_as, enterprise_personas):
    check_in(employee_a, 0, risk_contact=True)
    html = client_as(enterprise_personas["nanming"]).get("/enterprise/checkins/abnormal/").content.decode()
    assert employee_a.person.id_number_masked in html and 'data-level="yellow"' in html
    assert "css/enterprise.css" in html
