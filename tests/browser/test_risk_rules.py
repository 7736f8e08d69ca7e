"""The risk rules page: the command centre reads the version in force, edits it and publishes a new one."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.core import risk
from twofront.core.models import RiskRuleSet

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_rules(personas_tx):
    """The migration's version 1 (a transactional test before this one may have emptied the table)."""
    if not RiskRuleSet.objects.exists():
        RiskRuleSet.objects.create(version=1, rules=risk.DEFAULT_RULES, active=True, notes="初始规则")


def test_the_command_centre_publishes_a_version_with_a_new_rule(page, seeded_rules, shoot):
    sign_in(page, "commander")
    page.goto("/")
    page.get_by_role("link", name="风险规则").first.click()
    expect(page.locator("h1")).to_have_text("风险规则")
    expect(page.locator("#rule-close_contact")).to_contain_text("密切接触者")
    shoot(page, "rules")

    page.get_by_role("link", name="发布新版本").click()
    editor = page.locator("textarea[name=rules]")
    text = editor.input_value()
    assert '"close_contact"' in text
    # a typo in a fact kind is refused with the rule named, and nothing is published
    editor.fill(text.replace('"fact": "travel"', '"fact": "travle"', 1))
    page.locator("input[name=notes]").fill("增加境外旅居规则")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".field.invalid .error")).to_contain_text("travle")
    assert RiskRuleSet.objects.count() == 1
    shoot(page, "refused")

    new_rule = ('{"id": "abroad", "fact": "travel", "match": {"value_prefix_in": ["99"]}, "level": "red", '
                '"lasts_days": 14, "reason": {"zh": "境外旅居史", "en": "abroad"}}')
    editor.fill(text.rstrip().rstrip("]").rstrip() + ",\n  " + new_rule + "\n]")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#rule-abroad")).to_contain_text("境外旅居史")
    expect(page.locator("body")).to_contain_text("风险规则第 2 版已发布")
    assert RiskRuleSet.objects.get(active=True).version == 2


def test_the_rules_read_on_a_phone(new_page, seeded_rules, shoot):
    page = new_page("phone")
    sign_in(page, "nanming")
    page.goto("/risk/rules/")
    expect(page.locator("#rule-hubei_travel")).to_contain_text("湖北")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # nothing wider than the screen
    shoot(page, "phone")
