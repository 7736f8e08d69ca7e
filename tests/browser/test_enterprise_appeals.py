"""An appeal (诉求) from end to end in a browser: the enterprise raises it on a phone, its commissioner escalates
it on a phone, the district official closes it on a desktop, the enterprise rates it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.core.choices import OrganisationKind
from twofront.core.models import AuditEvent, Organisation
from twofront.enterprise.models import Appeal
from twofront.enterprise.testing import build_enterprise_personas

pytestmark = pytest.mark.browser

PROBLEM = "外地员工返岗缺少包车，请协调交通"


@pytest.fixture
def kit(personas_tx):
    kit = build_enterprise_personas(personas_tx)
    Organisation.objects.create(name="市交通运输局", kind=OrganisationKind.DEPARTMENT, region=kit.region("520100"))
    return kit


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def submit(page, section: str) -> None:
    with page.expect_navigation():
        page.locator(f"#{section} button[type=submit].primary").click()


def test_appeal_raised_escalated_closed_and_rated(new_page, kit, shoot):
    # given HR of enterprise A on a phone raises a transport appeal
    hr = new_page("phone")
    sign_in(hr, "hr_a")
    hr.goto("/enterprise/appeals/")
    with hr.expect_navigation():
        hr.locator("main .page-head a.button.primary[href='/enterprise/appeals/new/']").tap()
    expect(hr.locator("#id_enterprise")).to_have_value(str(kit.a.pk))  # their only enterprise, preselected
    hr.locator("#id_category").select_option("transport")
    hr.locator("#id_description").fill(PROBLEM)
    assert no_horizontal_scroll(hr)
    shoot(hr, "phone-raise-form")
    with hr.expect_navigation():
        hr.locator("main form button[type=submit].primary").tap()
    expect(hr).to_have_url(re.compile(r"/enterprise/appeals/\d+/$"))
    appeal = Appeal.objects.get(description=PROBLEM)
    assert appeal.commissioner == kit["commissioner_a"]
    expect(hr.locator("main")).to_contain_text(PROBLEM)
    expect(hr.locator("#escalate, #close, #rate")).to_have_count(0)  # nothing for the enterprise to do yet
    assert no_horizontal_scroll(hr)
    shoot(hr, "phone-raised")

    # when its commissioner, on a phone, escalates it to the transport bureau with a note
    commissioner = new_page("phone")
    sign_in(commissioner, "commissioner_a")
    commissioner.goto(f"/enterprise/appeals/{appeal.pk}/")
    commissioner.locator("#escalate select[name=department]").select_option(label="市交通运输局")
    commissioner.locator("#escalate textarea[name=note]").fill("请协调两辆包车")
    submit(commissioner, "escalate")
    expect(commissioner.locator("ul.messages li")).to_have_count(1)
    expect(commissioner.locator("main")).to_contain_text("市交通运输局")
    expect(commissioner.locator("#escalate")).to_have_count(0)
    assert no_horizontal_scroll(commissioner)
    shoot(commissioner, "phone-escalated")

    # and the district official, on a desktop, finds it in the list and closes it with an answer
    official = new_page("desktop")
    sign_in(official, "nanming")
    official.goto("/enterprise/appeals/?status=escalated")
    expect(official.locator("#table tbody tr")).to_have_count(1)
    shoot(official, "desktop-list")
    with official.expect_navigation():
        official.locator("#table tbody tr a").first.click()
    official.locator("#close textarea[name=answer]").fill("已协调市交通运输局安排包车两辆，周一发车")
    shoot(official, "desktop-before-close")
    submit(official, "close")
    expect(official.locator("main")).to_contain_text("已协调市交通运输局安排包车两辆")
    expect(official.locator("#close, #escalate, #rate")).to_have_count(0)
    shoot(official, "desktop-closed")

    # then the enterprise rates the answer, once
    hr.goto(f"/enterprise/appeals/{appeal.pk}/")
    hr.locator("#rate input[name=rating][value='4']").check()
    shoot(hr, "phone-rate")
    submit(hr, "rate")
    expect(hr.locator("#rate")).to_have_count(0)
    expect(hr.locator(".rating")).to_have_text("★★★★☆")
    shoot(hr, "phone-rated")

    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating, appeal.escalated_to.name) == ("closed", 4, "市交通运输局")
    assert list(AuditEvent.objects.filter(object_type="enterprise.appeal").order_by("pk")
                .values_list("action", "actor_username")) == [
        ("enterprise.appeal.raised", "hr_a"), ("enterprise.appeal.escalated", "commissioner_a"),
        ("enterprise.appeal.closed", "nanming"), ("enterprise.appeal.rated", "hr_a")]


def test_overdue_page_for_the_district(new_page, kit, shoot):
    import datetime

    from django.utils import timezone

    from twofront.enterprise.services import commissioners

    for category in ("materials", "funds", "funds"):
        appeal = commissioners.raise_appeal(actor=kit["hr_a"], enterprise=kit.a, category=category,
                                            description=f"{category} 问题未解决")
        deadline = timezone.localdate() - datetime.timedelta(days=2)
        Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline, overdue_on=deadline + datetime.timedelta(days=1))
    for device in ("desktop", "phone"):
        page = new_page(device)
        sign_in(page, "nanming")
        page.goto("/enterprise/appeals/overdue/")
        expect(page.locator(".tile-value")).to_have_text("3")
        expect(page.locator("main")).to_contain_text("新华路街道")
        assert no_horizontal_scroll(page)
        shoot(page, f"{device}-overdue")
