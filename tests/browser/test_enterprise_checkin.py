"""An employee's daily health check-in on a phone (390x844) from the enterprise's QR-code link."""

import pytest
from playwright.sync_api import expect

from tests.conftest import FULL_NATIONAL_ID
from twofront.enterprise.models import HealthCheckin
from twofront.enterprise.testing import build_employee, build_enterprise_personas, employee_identity

pytestmark = pytest.mark.browser


@pytest.fixture
def kit(personas_tx):
    return build_enterprise_personas(personas_tx)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_employee_checks_in_on_a_phone(phone_page, kit, shoot):
    enterprise = kit.a
    build_employee(enterprise, 1)
    identity = employee_identity(1)
    page = phone_page
    page.goto(f"/enterprise/checkin/{enterprise.checkin_token}/")

    # a simple page: the enterprise's name, big inputs, the numeric keyboard for the numbers
    expect(page.locator(".enterprise-name")).to_have_text(enterprise.name)
    expect(page.locator("#id_temperature")).to_have_attribute("inputmode", "decimal")
    expect(page.locator("#id_phone_last4")).to_have_attribute("inputmode", "numeric")
    assert page.locator("#id_id_number").bounding_box()["height"] >= 44
    assert page.locator("button.wide").bounding_box()["height"] >= 48
    assert no_horizontal_scroll(page)
    shoot(page, "form")

    # a wrong phone digit is refused on the same page
    page.locator("#id_id_number").fill(identity["id_number"])
    page.locator("#id_phone_last4").fill("0000")
    page.locator("#id_temperature").fill("36.5")
    page.locator("button.wide").tap()
    expect(page.locator(".errors, .error").first).to_be_visible()
    assert not HealthCheckin.objects.exists()
    shoot(page, "refused")

    # the right proof with a cough: checked in, flagged abnormal, the ID never shown in full
    page.locator("#id_phone_last4").fill(identity["phone"][-4:])
    page.locator("input[value='cough']").check()
    page.locator("#id_location").fill("南明区家中")
    page.locator("button.wide").tap()
    expect(page.locator(".result.abnormal")).to_be_visible()
    assert not FULL_NATIONAL_ID.search(page.content())
    assert no_horizontal_scroll(page)
    shoot(page, "abnormal")
    checkin = HealthCheckin.objects.get()
    assert checkin.abnormal and checkin.symptoms == ["cough"] and str(checkin.temperature) == "36.5"

    # a second check-in the same day corrects the first
    page.locator("a.button.wide").tap()
    page.locator("#id_id_number").fill(identity["id_number"])
    page.locator("#id_phone_last4").fill(identity["phone"][-4:])
    page.locator("#id_temperature").fill("36.4")
    page.locator("button.wide").tap()
    expect(page.locator(".result.normal")).to_be_visible()
    shoot(page, "normal")
    assert HealthCheckin.objects.count() == 1 and not HealthCheckin.objects.get().abnormal
