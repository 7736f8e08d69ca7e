"""Small page helpers shared by the browser tests (selectors live here, not in every test)."""

import re

from playwright.sync_api import Page, expect

from twofront.core.testing import PASSWORD

LOGIN_FORM = "main form:has(#id_username)"
MAIN_SUBMIT = "main form button[type=submit].primary"


def sign_in(page: Page, username: str, password: str = PASSWORD, *, expect_success: bool = True) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator(f"{LOGIN_FORM} button[type=submit]").click()
    if expect_success:
        expect(page).to_have_url(re.compile(r"/$"))


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang")


def table_rows(page: Page):
    """The data rows of the list table (the empty-table row excluded)."""
    return page.locator("#table table.data tbody tr:not(:has(td.empty))")
