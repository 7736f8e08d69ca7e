"""Signing in: Chinese by default, English on request, a wrong password explained."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LOGIN_FORM, html_lang, sign_in
from tests.kit import identity

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_for_a_chinese_browser(page, shoot):
    response = page.goto("/login/")

    assert response.status == 200
    assert html_lang(page) == "zh-hans"
    expect(page.locator(".lang button[value=zh-hans]")).to_have_attribute("aria-current", "true")
    expect(page.locator("#id_username")).to_be_focused()
    shoot(page, "desktop")


def test_login_page_falls_back_to_chinese_for_an_unsupported_language(new_page):
    # given a French browser (neither offered language), when it opens the login page
    page = new_page("desktop", locale="fr-FR")
    page.goto("/login/")

    # then the site's default language, Chinese, is used
    assert html_lang(page) == "zh-hans"


def test_static_files_and_htmx_load(page):
    page.goto("/login/")

    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.version").startswith("2.")
    topbar_colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert topbar_colour == "rgb(183, 28, 28)"  # static/css/app.css --red


def test_language_switch_to_english_and_back(page, shoot):
    page.goto("/login/")

    with page.expect_navigation():
        page.locator(".lang button[value=en]").click()

    assert html_lang(page) == "en"
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("main h1")).to_have_text("Sign in")
    expect(page.locator(".lang button[value=en]")).to_have_attribute("aria-current", "true")
    shoot(page, "english")

    with page.expect_navigation():
        page.locator(".lang button[value=zh-hans]").click()
    assert html_lang(page) == "zh-hans"


def test_wrong_password_shows_an_error(page, shoot):
    page.goto("/login/")
    page.locator("#id_username").fill("nanming")
    page.locator("#id_password").fill("not-the-password")

    with page.expect_navigation() as navigation:
        page.locator(f"{LOGIN_FORM} button[type=submit]").click()

    assert navigation.value.status == 401
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator(f"{LOGIN_FORM} .errors[role=alert]")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("nanming")
    expect(page.locator("#id_password")).to_have_value("")  # never echoed back
    expect(page.locator(".who")).to_have_count(0)
    shoot(page, "error")


def test_district_officer_signs_in_and_sees_home(page, make_person, shoot):
    for i, code in enumerate(["520102001001001", "520102001001002", "520103001001001"]):
        make_person(code, **identity(i))
    sign_in(page, "nanming")

    expect(page.locator(".who")).to_contain_text("nanming")
    expect(page.locator(".tile .tile-value")).to_have_text("2")  # Nanming's two, not Yunyan's one
    expect(page.locator("nav#nav a[href='/persons/']")).to_be_visible()
    expect(page.locator("main")).to_contain_text("南明区")  # the role's jurisdiction
    shoot(page, "home")

    with page.expect_navigation():
        page.locator(".who button").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
