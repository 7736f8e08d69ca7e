"""信息报送 in a browser: a district official opens today's report (figures read from the records), writes the
narrative and submits it; the city commander sees every district's report side by side, the missing one flagged."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.command.models import InformationReport
from twofront.core.models import AuditEvent
from twofront.metrics import services as metrics_services

pytestmark = pytest.mark.browser

NARRATIVE = "今日全区卡口运行正常，新增登记居民 3 人；无新增发热病例。明日继续做好返岗人员排查。"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def residents(make_person, settings):
    settings.TWOFRONT_REPORT_METRICS = ["core.persons_registered", "core.persons_new"]
    settings.TWOFRONT_REPORT_DEADLINE = "23:59"
    people = [make_person("520102001001001"), make_person("520102001001002"), make_person("520102001001001"),
              make_person("520103001001001")]
    metrics_services.refresh_dirty()
    return people


def test_district_submits_and_the_city_sees_every_district(new_page, residents, shoot):
    def new_page(device, make=new_page):
        opened = make(device)
        opened.set_default_timeout(30_000)  # the CI machine is shared; a cold live server can be slow
        return opened

    # given a Nanming official opening today's report from the menu
    page = new_page("desktop")
    sign_in(page, "nanming")
    with page.expect_navigation():
        page.locator("nav#nav a[href='/command/reports/']").click()
    expect(page.locator("#reports-table tbody tr")).to_have_count(1)  # their own district only
    with page.expect_navigation():
        page.locator("main .page-head a.button.primary").click()
    expect(page).to_have_url(re.compile(r"/command/reports/520102/\d{4}-\d\d-\d\d/$"))
    # then the figures are read from the records, before anything is saved
    expect(page.locator("#figures [data-key='core.persons_new'] strong")).to_have_text("3")
    expect(page.locator("#figures [data-key='core.persons_registered'] strong")).to_have_text("3")
    assert not InformationReport.objects.exists()
    page.locator("#id_narrative").fill(NARRATIVE)
    shoot(page, "desktop-district-draft")

    # when they submit it
    with page.expect_navigation():
        page.locator("#report-form button[value=submit]").click()
    expect(page.locator(".messages li")).to_be_visible()
    expect(page.locator(".report-status .badge.ok")).to_be_visible()
    expect(page.locator("#report-form")).to_have_count(0)  # submitted: no longer editable
    report = InformationReport.objects.get()
    assert report.status == "submitted" and report.narrative == NARRATIVE and report.figures["core.persons_new"] == 3
    assert AuditEvent.objects.filter(action="command.report.submitted", actor__username="nanming").exists()
    shoot(page, "desktop-district-submitted")

    # then the city commander sees both districts side by side, Yunyan flagged as not submitted
    city = new_page("desktop")
    sign_in(city, "commander")
    city.goto("/command/reports/")
    rows = city.locator("#reports-table tbody tr")
    expect(rows).to_have_count(2)
    nanming = city.locator("#reports-table tr[data-region='520102']")
    yunyan = city.locator("#reports-table tr[data-region='520103']")
    expect(nanming.locator(".badge.ok")).to_be_visible()
    expect(nanming.locator("td.num").first).to_have_text("3")
    expect(yunyan).to_have_class(re.compile(r"\bstate-missing\b"))
    expect(yunyan.locator(".badge.missing")).to_be_visible()
    expect(yunyan.locator("td.num").first).to_have_text("—")
    expect(city.locator("#reports-table tfoot td.num").first).to_have_text("3")  # totals of the submitted
    expect(city.locator(".card.narrative")).to_contain_text(NARRATIVE)
    expect(city.locator("main .page-head a[href*='/command/reports/export/']")).to_be_visible()
    shoot(city, "desktop-city-side-by-side")

    # and on a phone the same table folds into cards without sideways scrolling
    phone = new_page("phone")
    sign_in(phone, "commander")
    phone.goto("/command/reports/")
    expect(phone.locator("#reports-table tr[data-region='520103'] .badge.missing")).to_be_visible()
    assert no_horizontal_scroll(phone)
    shoot(phone, "phone-city-side-by-side")

    district_phone = new_page("phone")
    sign_in(district_phone, "nanming")
    district_phone.goto(f"/command/reports/520102/{report.day.isoformat()}/")
    expect(district_phone.locator("#figures [data-key='core.persons_new'] strong")).to_have_text("3")
    assert no_horizontal_scroll(district_phone)
    shoot(district_phone, "phone-district-submitted")


@pytest.fixture
def operations(personas_tx):
    import datetime

    from django.utils import timezone

    from twofront.command.services import incidents
    from twofront.core.models import DutyShift, PostType

    now, region = timezone.now(), personas_tx.region
    for name, leader, hours in (("王明", True, 2), ("赵敏", False, 1)):
        DutyShift.objects.create(post_type=PostType.DISTRICT_POST, post_name="南明区指挥部", region=region("520102"),
                                 starts_at=now - datetime.timedelta(hours=hours),
                                 ends_at=now + datetime.timedelta(hours=6), staff_name=name, is_leader=leader)
    DutyShift.objects.create(post_type=PostType.COMMAND_CENTRE, post_name="市指挥部", region=region("520100"),
                             starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=7),
                             staff_name="周强", is_leader=True, user=personas_tx["commander"])
    return incidents.report_incident(actor=personas_tx["nanming"], title="花果园小区发现发热人员", level="3",
                                     region=region("520102"), place="花果园 R2 区 5 栋",
                                     occurred_at=now - datetime.timedelta(hours=1), description="网格员上门排查时发现。")


def test_duty_and_an_incident_on_a_phone(new_page, operations, shoot):
    phone = new_page("phone")
    phone.set_default_timeout(30_000)
    sign_in(phone, "commander")
    phone.goto("/command/duty/now/")
    expect(phone.locator(".duty-post")).to_have_count(2)
    expect(phone.locator(".duty-post").first).to_contain_text("周强")  # the command centre first
    expect(phone.locator(".card.notice a[href*='/handover/']")).to_be_visible()  # the commander is on duty
    assert no_horizontal_scroll(phone)
    shoot(phone, "phone-on-duty-now")
    phone.goto("/command/duty/")
    expect(phone.locator(".duty-week-table")).to_contain_text("王明")
    assert no_horizontal_scroll(phone)
    shoot(phone, "phone-duty-week")

    phone.goto(f"/command/incidents/{operations.pk}/")
    phone.locator("#id_text").fill("疾控人员已到场，正在流调。")
    phone.locator("#action-form button[type=submit]").tap()
    expect(phone.locator("ol.timeline li")).to_have_count(2)  # added in place by htmx
    expect(phone.locator("#id_text")).to_have_value("")
    assert no_horizontal_scroll(phone)
    shoot(phone, "phone-incident")

    desktop = new_page("desktop")
    desktop.set_default_timeout(30_000)
    sign_in(desktop, "commander")
    desktop.goto("/command/duty/?view=month")
    expect(desktop.locator(".duty-month .today")).to_contain_text("周强")
    shoot(desktop, "desktop-duty-month")
