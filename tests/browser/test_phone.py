"""A grid worker's phone (390x844, touch): sign-in, the person list as cards, the menu, the create form."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import MAIN_SUBMIT, html_lang, sign_in, table_rows
from tests.kit import MASKED_NATIONAL_ID, identity

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_login_on_a_phone(phone_page, shoot):
    page = phone_page
    page.goto("/login/")

    assert html_lang(page) == "zh-hans"
    submit = page.locator("main form button[type=submit]")
    box = submit.bounding_box()
    assert box["height"] >= 40, "the sign-in button is too small to tap"
    assert no_horizontal_scroll(page)
    shoot(page, "login")

    sign_in(page, "grid_nanming")
    expect(page.locator(".who")).to_contain_text("grid_nanming")
    shoot(page, "home")


def test_person_list_and_menu_on_a_phone(phone_page, make_person, shoot):
    for i in range(3):
        make_person("520102001001001", **identity(i))
    page = phone_page
    sign_in(page, "grid_nanming")
    page.goto("/persons/")

    # the table becomes cards: headers hidden, each cell labelled
    expect(table_rows(page)).to_have_count(3)
    expect(page.locator("#table thead")).to_be_hidden()
    first_cell = table_rows(page).first.locator("td").nth(1)
    assert MASKED_NATIONAL_ID.search(first_cell.inner_text())
    assert page.evaluate("(td) => getComputedStyle(td, '::before').content", first_cell.element_handle()) != "none"
    assert no_horizontal_scroll(page)
    shoot(page, "list")

    # the menu is folded away behind the hamburger until tapped
    nav, toggle = page.locator("nav#nav"), page.locator(".menu-toggle")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_visible()
    toggle.tap()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.locator("a[href='/persons/']")).to_have_attribute("aria-current", "page")
    shoot(page, "menu-open")
    toggle.tap()
    expect(nav).to_be_hidden()


def test_create_form_on_a_phone(phone_page, shoot):
    new = identity(21)
    page = phone_page
    sign_in(page, "grid_nanming")
    page.goto("/persons/")
    with page.expect_navigation():
        page.locator("main .page-head a.button.primary[href='/persons/new/']").tap()
    assert no_horizontal_scroll(page)
    expect(page.locator("#id_phone")).to_have_attribute("inputmode", "tel")
    shoot(page, "form")

    # a bad ID is explained next to the field
    page.locator("#id_name").fill(new["name"])
    page.locator("#id_id_number").fill(new["id_number"][:-1] + ("0" if new["id_number"][-1] != "0" else "1"))
    page.locator("#id_phone").fill(new["phone"])
    page.locator("#id_region").select_option("520102001001001")
    with page.expect_navigation() as navigation:
        page.locator(MAIN_SUBMIT).tap()
    assert navigation.value.status == 422
    expect(page.locator(".field.invalid:has(#id_id_number) .error")).to_be_visible()
    shoot(page, "invalid")

    page.locator("#id_id_number").fill(new["id_number"])
    with page.expect_navigation():
        page.locator(MAIN_SUBMIT).tap()
    expect(page).to_have_url(re.compile(r"/persons/\d+/$"))
    assert no_horizontal_scroll(page)
    shoot(page, "detail")
