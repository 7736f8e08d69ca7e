"""The checkpoint on a phone (390x844): staff register a car with two people by keyboard alone; a traveller
self-registers by the QR code page and staff confirm."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.kit import FULL_NATIONAL_ID, identity
from twofront.core import pii
from twofront.core.models import Person
from twofront.prevention.models import Passage
from twofront.prevention.testing import build_units

pytestmark = pytest.mark.browser

NANMING_GRID, NANMING_STREET = "520102001001001", "520102001"
SEED = 61  # identities apart from the other browser tests


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def units(personas_tx):
    return build_units(personas_tx.regions)


def press(page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def test_staff_register_a_car_with_two_people_by_keyboard(phone_page, units, make_person, shoot):
    known, new = identity(0, seed=SEED), identity(1, seed=SEED)
    make_person(NANMING_GRID, **known)
    checkpoint = units["checkpoint_nanming"]
    page = phone_page
    sign_in(page, "checkpoint_nanming")

    # the menu's "Register passages" opens the desk of the staff member's checkpoint, plate field focused
    page.locator(".menu-toggle").tap()
    with page.expect_navigation():
        page.locator("nav#nav a[href='/prevention/checkpoints/desk/']").tap()
    expect(page).to_have_url(re.compile(rf"/prevention/checkpoints/{checkpoint.pk}/register/$"))
    expect(page.locator("#id_plate")).to_be_focused()
    assert no_horizontal_scroll(page)
    shoot(page, "empty")

    # the vehicle: type, Enter moves on (selects are set with the arrow keys)
    page.keyboard.type("贵a12345")
    press(page, "Enter", "Enter")  # vehicle type stays "car"
    expect(page.locator("#id_origin_province")).to_be_focused()
    page.keyboard.type("湖北")
    press(page, "Enter")
    page.keyboard.type("武汉")
    press(page, "Enter", "ArrowDown", "ArrowDown")  # destination: 南明区 / 新华路街道
    expect(page.locator("#id_destination")).to_have_value(NANMING_STREET)
    press(page, "Enter")

    # the first person is registered: the lookup shows name, masked ID and risk badge, and fills the name
    first = page.locator("fieldset.traveller").nth(0)
    expect(first.locator("input[name$='-id_number']")).to_be_focused()
    page.keyboard.type(known["id_number"])
    expect(first.locator(".lookup-hit")).to_contain_text(known["name"])
    expect(first.locator(".lookup-hit .risk")).to_have_class(re.compile(r"risk-green"))
    expect(first.locator(".lookup-hit")).to_contain_text("**********")
    expect(first.locator("input[name$='-name']")).to_have_value(known["name"])
    press(page, "Enter")  # the registry's name is skipped
    expect(first.locator("input[name$='-travel_history']")).to_be_focused()
    press(page, "Enter")  # no places
    page.keyboard.type("36.5")
    press(page, "Enter", "Enter")  # decision "pass"
    expect(first.locator("input[name$='-is_driver']")).to_be_focused()
    press(page, "Space", "Enter")  # the driver; on to "Add person"
    expect(page.locator("[data-add-row]")).to_be_focused()
    press(page, "Enter")

    # the second person is new: the lookup says so and the name is typed
    second = page.locator("fieldset.traveller").nth(1)
    expect(second.locator("input[name$='-id_number']")).to_be_focused()
    expect(second.locator("legend")).to_contain_text("2")
    page.keyboard.type(new["id_number"])
    expect(second.locator(".lookup-new")).to_be_visible()
    press(page, "Enter")
    expect(second.locator("input[name$='-name']")).to_be_focused()
    page.keyboard.type(new["name"])
    press(page, "Enter")
    page.keyboard.type("湖北武汉")
    press(page, "Enter")
    page.keyboard.type("37.8")
    press(page, "Enter", "ArrowDown")  # decision: hand over to the community
    expect(second.locator("select[name$='-decision']")).to_have_value("handover")
    assert no_horizontal_scroll(page)
    shoot(page, "typed")

    # one submit (Ctrl+Enter) registers the car and every person in it
    with page.expect_navigation():
        press(page, "Control+Enter")
    expect(page.locator("ul.messages li")).to_contain_text("贵A12345")
    expect(page.locator(".last-passage li")).to_have_count(2)
    expect(page.locator("#id_plate")).to_be_focused()  # ready for the next car
    assert not FULL_NATIONAL_ID.search(page.content())
    assert no_horizontal_scroll(page)
    shoot(page, "registered")

    passage = Passage.objects.get(plate="贵A12345")
    travellers = list(passage.travellers.select_related("person").order_by("id"))
    assert [(t.person.name, t.decision, str(t.temperature), t.is_driver) for t in travellers] == [
        (known["name"], "pass", "36.5", True), (new["name"], "handover", "37.8", False)]
    assert travellers[1].travel_history == ["湖北武汉"]
    assert travellers[1].person.region.code == NANMING_STREET  # created in the destination
    assert (passage.origin_province, passage.origin_city) == ("湖北", "武汉")


def test_traveller_self_registers_then_staff_confirm(new_page, units, shoot):
    traveller = identity(2, seed=SEED)
    checkpoint = units["checkpoint_nanming"]

    # a traveller scans the QR code: no account, a phone
    page = new_page("phone")
    page.goto(f"/prevention/checkpoint/{checkpoint.self_registration_token}/register/")
    expect(page.locator("h1")).to_contain_text(checkpoint.name)
    assert no_horizontal_scroll(page)
    page.locator("#id_plate").fill("鄂A88888")
    page.locator("#id_origin_province").fill("湖北")
    page.locator("#id_origin_city").fill("孝感")
    page.locator("#id_destination").select_option(NANMING_STREET)
    row = page.locator("fieldset.traveller").first
    row.locator("input[name$='-name']").fill(traveller["name"])
    row.locator("input[name$='-id_number']").fill(traveller["id_number"])
    row.locator("input[name$='-phone']").fill(traveller["phone"])
    row.locator("input[name$='-travel_history']").fill("湖北孝感")
    shoot(page, "form")
    with page.expect_navigation():
        page.locator("form.desk button[type=submit]").tap()
    passage = Passage.objects.get(plate="鄂A88888")
    expect(page.locator(".reference")).to_have_text(f"№ {passage.pk}")
    assert not Person.objects.filter(name=traveller["name"]).exists()  # a claim, not yet in the registry
    shoot(page, "done")

    # the staff member sees it waiting on the desk, and confirms with a decision
    staff = new_page("phone")
    sign_in(staff, "checkpoint_nanming")
    staff.goto(f"/prevention/checkpoints/{checkpoint.pk}/register/")
    item = staff.locator(".pending-item", has_text=f"№ {passage.pk}")
    expect(item).to_contain_text(traveller["name"])
    expect(item).to_contain_text("**********")
    expect(item.locator(".risk")).to_have_class(re.compile(r"risk-none"))  # not registered yet
    assert not FULL_NATIONAL_ID.search(staff.content())
    item.locator("input[name^=temperature_]").fill("36.9")
    item.locator("select[name^=decision_]").select_option("quarantine")
    item.scroll_into_view_if_needed()
    shoot(staff, "pending")
    with staff.expect_navigation():
        item.locator("button[type=submit]").tap()
    expect(staff.locator("ul.messages li")).to_contain_text(str(passage.pk))
    expect(staff.locator(".pending-item")).to_have_count(0)
    assert no_horizontal_scroll(staff)
    shoot(staff, "confirmed")

    passage.refresh_from_db()
    saved = passage.travellers.get()
    assert passage.status == "confirmed" and saved.decision == "quarantine" and str(saved.temperature) == "36.9"
    assert pii.decrypt(saved.person.id_number_ct) == traveller["id_number"]
    assert not passage.pending_travellers.exists()


def test_an_officials_checkpoint_pages_on_a_phone(phone_page, units, shoot):
    """The district official's view: checkpoints, one with its QR code and today's roster, the week's
    roster with a shift added, the passages and one passage with its people."""
    from twofront.core.models import Region
    from twofront.prevention.services.checkpoints import register_passage

    checkpoint = units["checkpoint_nanming"]
    known = identity(3, seed=SEED)
    passage = register_passage(checkpoint, actor=units["checkpoint_staff_nanming"], plate="渝B12345",
                               vehicle_type="car", origin_province="湖北", origin_city="武汉",
                               destination=Region.objects.get(code=NANMING_STREET),
                               travellers=[{**known, "temperature": 37.9, "decision": "quarantine"}])
    page = phone_page
    sign_in(page, "nanming")

    page.goto("/prevention/checkpoints/")
    expect(page.locator("#table tbody tr")).to_have_count(1)  # Nanming's only
    assert no_horizontal_scroll(page)
    shoot(page, "list")

    page.goto(f"/prevention/checkpoints/{checkpoint.pk}/")
    expect(page.locator(".qr svg")).to_be_visible()
    assert no_horizontal_scroll(page)
    shoot(page, "detail")

    page.goto(f"/prevention/checkpoints/{checkpoint.pk}/roster/")
    form = page.locator("#add-shift form")
    form.locator("#id_starts").fill("20:00")
    form.locator("#id_ends").fill("08:00")
    form.locator("#id_user").select_option(label="checkpoint_nanming")
    form.locator("#id_is_leader").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").tap()
    expect(page.locator(".roster-day li.is-leader").first).to_contain_text("checkpoint_nanming")
    expect(page.locator(".roster-day li.is-leader")).to_have_count(2)  # tonight, and into tomorrow morning
    assert no_horizontal_scroll(page)
    shoot(page, "roster")

    page.goto("/prevention/passages/")
    expect(page.locator("#table tbody tr")).to_have_count(1)
    assert no_horizontal_scroll(page)
    shoot(page, "passages")

    page.goto(f"/prevention/passages/{passage.pk}/")
    expect(page.locator("table.data")).to_contain_text(known["name"])
    expect(page.locator("table.data .risk-yellow")).to_have_count(1)  # now: in Hubei within 14 days
    assert not FULL_NATIONAL_ID.search(page.content())
    assert no_horizontal_scroll(page)
    shoot(page, "passage")
