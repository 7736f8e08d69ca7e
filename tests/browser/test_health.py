"""Hotel staff on a phone: today's guests, the daily check and a release; the person page's red risk badge."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.core.models import AuditEvent
from twofront.prevention.choices import StayStatus
from twofront.prevention.models import KeyCategory, QuarantineStay
from twofront.prevention.services import quarantine, testing
from twofront.prevention.testing import build_units

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def hotel(personas_tx, make_person):
    """The Nanming hotel with two guests: one whose 14 days end today (with a negative release test), one on day 4."""
    units = build_units(personas_tx.regions)
    staff, site, today = units["hotel_staff_nanming"], units["site_nanming"], timezone.localdate()
    leaving = quarantine.check_in(actor=staff, site=site, person=make_person("520102001001001", name="王晓明"),
                                  room="305", starts_on=today - datetime.timedelta(days=14))
    staying = quarantine.check_in(actor=staff, site=site, person=make_person("520102001001002", name="李芳"),
                                  room="207", starts_on=today - datetime.timedelta(days=3))
    sample = quarantine.register_release_sample(leaving, actor=staff, sample_id="GY20200210-0305",
                                                sampled_at=timezone.now() - datetime.timedelta(hours=20))
    testing.record_result(sample, actor=personas_tx["nanming"], result="negative",
                          result_at=timezone.now() - datetime.timedelta(hours=8))
    return {"staff": staff, "leaving": leaving, "staying": staying, "sample": sample}


def test_hotel_staff_daily_check_and_release_on_a_phone(phone_page, hotel, shoot):
    page = phone_page
    sign_in(page, hotel["staff"].username)
    page.locator(".menu-toggle").tap()
    with page.expect_navigation():
        page.locator("nav#nav a[href='/prevention/quarantine/']").tap()

    # today's guests as cards: the one leaving today under "releases due", the other below
    expect(page.locator("#due .stay-card")).to_have_count(1)
    expect(page.locator("#guests .stay-card")).to_have_count(1)
    expect(page.locator("#guests .stay-card")).to_contain_text("李芳")
    due_card = page.locator("#due .stay-card")
    expect(due_card).to_contain_text("王晓明")
    expect(due_card).to_contain_text("305")
    assert no_horizontal_scroll(page)
    shoot(page, "today")

    # the daily check: a big number field, symptoms as tick boxes
    with page.expect_navigation():
        due_card.get_by_role("link", name=re.compile("每日|Daily")).tap()
    expect(page.locator(".guest-summary")).to_contain_text("王晓明")
    expect(page.locator("#id_temperature")).to_have_attribute("inputmode", "decimal")
    page.locator("#id_temperature").fill("36.6")
    assert no_horizontal_scroll(page)
    shoot(page, "check-form")
    with page.expect_navigation():
        page.locator("main form button[type=submit].primary").tap()
    expect(page.locator("#due .stay-card .checked")).to_contain_text("36.6")
    assert str(hotel["leaving"].checks.get().temperature) == "36.6"
    shoot(page, "checked")

    # the release: the negative release test is chosen already
    with page.expect_navigation():
        page.locator("#due .stay-card a.release").tap()
    expect(page.locator("input[name=release_test]:checked")).to_have_count(1)
    expect(page.locator("main form")).to_contain_text("GY20200210-0305")
    assert no_horizontal_scroll(page)
    shoot(page, "release-form")
    with page.expect_navigation():
        page.locator("main form button[type=submit].primary").tap()

    expect(page.locator("#due .stay-card")).to_have_count(0)
    expect(page.locator("#guests .stay-card")).to_have_count(1)
    expect(page.locator(".tiles .tile-value").first).to_contain_text("1")
    expect(page.locator(".messages")).to_be_visible()
    leaving = QuarantineStay.objects.get(pk=hotel["leaving"].pk)
    assert leaving.status == StayStatus.RELEASED and leaving.release_test_id == hotel["sample"].pk
    assert AuditEvent.objects.filter(action="prevention.stay.released", actor=hotel["staff"]).count() == 1
    shoot(page, "released")


def test_person_page_shows_a_red_risk_badge(page, personas_tx, make_person, shoot):
    close_contact, _created = KeyCategory.objects.get_or_create(  # a live-server test starts from a flushed database
        code="close_contact", defaults={"name": "密切接触者", "name_en": "Close contact", "risk_level": "red"})
    person = make_person("520102001001001", name="赵子龙")
    testing.add_key_person(actor=personas_tx["nanming"], person=person, category=close_contact,
                           since=timezone.localdate() - datetime.timedelta(days=2), source="流调")
    sign_in(page, "nanming")
    page.goto(f"/persons/{person.pk}/")

    badge = page.locator("#risk .risk-badge")
    expect(badge).to_have_attribute("data-level", "red")
    assert page.evaluate("getComputedStyle(document.querySelector('#risk .risk-badge')).backgroundColor") == \
        "rgb(183, 28, 28)"
    expect(page.locator("#risk .reasons")).to_contain_text("密切接触者")
    expect(page.locator("#risk")).to_contain_text((timezone.localdate() + datetime.timedelta(days=12)).isoformat())
    shoot(page, "red")

    # an official overrides it, with a reason, until a date
    page.locator("#risk summary").click()
    page.locator("#risk [name=level]").select_option("yellow")
    page.locator("#risk [name=until]").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.locator("#risk [name=reason]").fill("两次核酸阴性，专家会商降级")
    shoot(page, "override-form")
    with page.expect_navigation():
        page.locator("#risk button[type=submit]").click()
    expect(page.locator("#risk .risk-badge")).to_have_attribute("data-level", "yellow")
    expect(page.locator("#risk")).to_contain_text("两次核酸阴性")
    assert AuditEvent.objects.filter(action="core.risk.overridden", object_id=str(person.pk)).count() == 1
    shoot(page, "overridden")


def test_officials_pages_coverage_cases_and_late_reports(page, personas_tx, make_person, settings, shoot):
    from twofront.medical import services as medical

    settings.TWOFRONT_CAPACITY_REPORT_HOUR = 0  # every hospital without today's report is late
    units = build_units(personas_tx.regions)
    contact, _created = KeyCategory.objects.get_or_create(
        code="close_contact", defaults={"name": "密切接触者", "name_en": "Close contact", "risk_level": "red"})
    people = [make_person("520102001001001") for _ in range(3)]
    for person in people:
        testing.add_key_person(actor=personas_tx["nanming"], person=person, category=contact,
                               since=timezone.localdate())
    testing.register_sample(actor=personas_tx["nanming"], person=people[0], sample_id="CV-1", sampled_at=timezone.now())
    case = medical.report_case(actor=units["hospital_staff_nanming"], person=people[1],
                               hospital=units["hospital_nanming"], state="suspected", note="发热门诊转入")
    medical.transition_case(case, actor=units["hospital_staff_nanming"], to_state="confirmed", note="核酸阳性")
    medical.submit_capacity_report(actor=units["hospital_staff_yunyan"], hospital=units["hospital_yunyan"],
                                   beds_total=200, beds_used=80, isolation_rooms_total=40, isolation_rooms_used=6)
    sign_in(page, "commander")

    page.goto("/prevention/coverage/")
    row = page.locator("table.coverage tbody tr", has_text="密切接触者")
    expect(row).to_contain_text("33.3%")
    shoot(page, "coverage")

    page.goto(f"/medical/cases/{case.pk}/")
    expect(page.locator("main table.data tbody tr")).to_have_count(2)
    expect(page.locator("#id_to_state option")).to_have_count(3)  # none chosen yet, recovered, died
    expect(page.locator("#id_to_state")).to_have_value("")
    shoot(page, "case")

    page.goto("/medical/reports/today/")
    expect(page.locator(".status-missing")).to_have_count(1)
    expect(page.locator(".status-late")).to_have_count(1)  # filed after hour 0
    shoot(page, "late-reports")
