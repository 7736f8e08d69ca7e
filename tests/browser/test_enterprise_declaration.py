"""A resumption declaration drafted and submitted by the enterprise's HR, approved by a street officer."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import MAIN_SUBMIT, sign_in
from twofront.enterprise.choices import DeclarationStatus
from twofront.enterprise.models import ResumptionDeclaration
from twofront.enterprise.testing import build_enterprise_personas

pytestmark = pytest.mark.browser


@pytest.fixture
def kit(personas_tx):
    return build_enterprise_personas(personas_tx)


def test_hr_submits_and_officer_approves(new_page, kit, shoot):
    hr = new_page("desktop")
    sign_in(hr, "hr_a")
    hr.goto(f"/enterprise/{kit.a.pk}/")
    expect(hr.locator(".qr svg")).to_be_visible()
    shoot(hr, "enterprise")
    hr.locator("a.button[href^='/enterprise/declarations/new/']").click()
    hr.locator("#id_planned_date").fill("2020-03-02")
    hr.locator("#id_expected_headcount").fill("120")
    hr.locator("#id_local_employees").fill("90")
    hr.locator("#id_out_of_town_employees").fill("30")
    hr.locator("#id_mask_stock_days").fill("14")
    for box in ("#id_disinfection", "#id_temperature_checks", "#id_isolation_room"):
        hr.locator(box).check()
    hr.locator("#id_canteen_arrangement").fill("分餐、错峰就餐")
    hr.locator("#id_responsible_person").fill("王强")
    shoot(hr, "form")
    hr.locator(MAIN_SUBMIT).click()
    expect(hr).to_have_url(re.compile(r"/enterprise/declarations/\d+/$"))
    hr.locator("form[action$='/submit/'] button").click()
    expect(hr.locator(".status-submitted").first).to_be_visible()
    shoot(hr, "submitted")
    declaration = ResumptionDeclaration.objects.get()
    assert declaration.status == DeclarationStatus.SUBMITTED and declaration.review_due

    officer = new_page("desktop")
    sign_in(officer, "street_nanming")
    officer.goto("/enterprise/declarations/review/")
    expect(officer.locator("#table tbody tr")).to_have_count(1)
    shoot(officer, "queue")
    officer.locator("#table tbody a").first.click()
    officer.locator("form[action$='/approve/'] button").click()
    expect(officer.locator(".status-approved").first).to_be_visible()
    shoot(officer, "approved")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED and declaration.reviewed_by.username == "street_nanming"
