"""The enterprise pages an HR manager and a district officer use, walked in a browser (screenshots to look at)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.conftest import FULL_NATIONAL_ID
from twofront.enterprise.choices import DeclarationStatus
from twofront.enterprise.models import ResumptionDeclaration
from twofront.enterprise.services.checkins import record_checkin
from twofront.enterprise.testing import build_employee, build_enterprise_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def kit(personas_tx):
    kit = build_enterprise_personas(personas_tx)
    hr = kit["hr_a"]
    for index in range(6):
        employee = build_employee(kit.a, index, out_of_town=index % 2 == 0)
        if index < 4:
            record_checkin(employee, actor=hr, source="hr", temperature="38.1" if index == 0 else "36.5",
                           symptoms=["cough"] if index == 0 else [])
    ResumptionDeclaration.objects.create(
        enterprise=kit.c, planned_date=datetime.date(2020, 3, 1), expected_headcount=30,
        status=DeclarationStatus.SUBMITTED, submitted_at=timezone.now() - datetime.timedelta(days=4),
        review_due=timezone.now() - datetime.timedelta(days=1))
    return kit


def test_hr_pages(new_page, kit, shoot):
    page = new_page("desktop")
    sign_in(page, "hr_a")
    page.goto(f"/enterprise/{kit.a.pk}/checkins/")
    expect(page.locator(".tile-value").first).to_have_text("4 / 6")
    expect(page.locator("#abnormal tbody tr")).to_have_count(1)
    expect(page.locator("#missing tbody tr")).to_have_count(2)
    assert not FULL_NATIONAL_ID.search(page.content())
    shoot(page, "checkins-day")
    page.goto("/enterprise/employees/")
    expect(page.locator("#table tbody tr")).to_have_count(6)
    assert not FULL_NATIONAL_ID.search(page.content())
    shoot(page, "roster")


def test_officer_pages(new_page, kit, shoot):
    page = new_page("desktop")
    sign_in(page, "nanming")
    page.goto("/enterprise/declarations/review/")
    expect(page.locator(".badge.overdue").first).to_be_visible()
    shoot(page, "review-queue")
    page.goto("/enterprise/stats/")
    expect(page.locator("table.data tbody tr").first).to_be_visible()
    shoot(page, "stats")
    page.goto("/enterprise/checkins/abnormal/")
    expect(page.locator("#table tbody tr")).to_have_count(1)
    shoot(page, "abnormal")
    page.goto(f"/enterprise/{kit.a.pk}/")
    expect(page.locator(".qr svg")).to_be_visible()
    shoot(page, "enterprise")


def test_hr_day_page_on_a_phone(new_page, kit, shoot):
    page = new_page("phone")
    sign_in(page, "hr_a")
    page.goto(f"/enterprise/{kit.a.pk}/checkins/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "checkins-day")
