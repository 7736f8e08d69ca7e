"""A grid worker's day on a phone (390x844, touch): today's households, pick one, record a visit."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.conftest import FULL_NATIONAL_ID
from twofront.prevention.choices import LeadStatus
from twofront.prevention.models import KeyCategory, KeyPersonEntry, Lead, ScreeningVisit
from twofront.prevention.tests.test_screening_kit import build_community

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def community(personas_tx):
    # live-server tests flush the database, so the seeded categories are made again
    KeyCategory.objects.get_or_create(code="close_contact", defaults={"name": "密切接触者", "risk_level": "red"})
    return build_community(personas_tx)


def test_the_grid_workers_day(phone_page, community, shoot):
    page = phone_page
    sign_in(page, "grid_nanming")

    # the menu leads to today's visits
    page.locator(".menu-toggle").tap()
    with page.expect_navigation():
        page.locator("nav#nav a[href='/prevention/grid/today/']").tap()
    items = page.locator("#households .work-item")
    expect(items).to_have_count(2)  # grid 1 only: the other grid's household is not here
    expect(items.first).to_contain_text(community.household.address)  # overdue first
    expect(items.first).to_have_class(re.compile(r"\boverdue\b"))
    expect(items.first).to_contain_text(community.person.id_number_masked)
    assert not FULL_NATIONAL_ID.search(page.content())
    assert no_horizontal_scroll(page)
    box = items.first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 340, "a household is too small to tap"
    shoot(page, "today")

    # pick the household: the visit form, phone-first
    with page.expect_navigation():
        items.first.tap()
    expect(page.locator("h1")).to_have_text(community.household.address)
    expect(page.locator(".card.notice")).to_contain_text(community.person.name)
    assert no_horizontal_scroll(page)
    shoot(page, "visit-form")

    page.locator("label.check", has_text=community.person.name).tap()
    page.locator("label.check", has_text=community.relative.name).tap()
    page.locator("#id_travel_history").fill("武汉、孝感")
    page.locator("label.check:has(input[value=fever])").tap()
    page.locator("#id_key_category").select_option("close_contact")
    page.locator("label.check:has(#id_follow_up)").tap()
    shoot(page, "visit-filled")
    with page.expect_navigation():
        page.locator("#visit-form button[type=submit].primary").tap()

    # back on today's list: the household is done, the other one is still waiting
    expect(page).to_have_url(re.compile(r"/prevention/grid/today/$"))
    expect(page.locator(".messages li")).to_contain_text(community.household.address)
    expect(page.locator("#households .work-item")).to_have_count(1)
    expect(page.locator(".stat").nth(2).locator("strong")).to_have_text("1")
    assert no_horizontal_scroll(page)
    shoot(page, "after-visit")

    visit = ScreeningVisit.objects.get()
    assert set(visit.members_present.values_list("pk", flat=True)) == {community.person.pk, community.relative.pk}
    assert (visit.travel_history, visit.symptoms, visit.follow_up) == (["武汉", "孝感"], ["fever"], True)
    assert Lead.objects.get(pk=community.lead.pk).status == LeadStatus.VISITED
    assert KeyPersonEntry.objects.get().person == community.person


def test_a_visit_form_error_is_shown_next_to_the_field(phone_page, community, shoot):
    page = phone_page
    sign_in(page, "grid_nanming")
    page.goto(f"/prevention/households/{community.household_2.pk}/visit/")
    page.locator("#id_key_category").select_option("close_contact")  # nobody marked present
    with page.expect_navigation() as navigation:
        page.locator("#visit-form button[type=submit].primary").tap()
    assert navigation.value.status == 422
    expect(page.locator(".field.invalid:has(#id_key_category) .error")).to_be_visible()
    assert no_horizontal_scroll(page)
    shoot(page, "invalid")
    assert not ScreeningVisit.objects.exists()


def test_a_posts_daily_count_on_a_phone(phone_page, community, shoot):
    from twofront.prevention.models import PostDailyCount

    page = phone_page
    sign_in(page, "grid_nanming")
    page.goto("/prevention/posts/")
    with page.expect_navigation():
        page.locator("#table a", has_text="东大门").tap()
    expect(page.locator("#id_entries")).to_have_attribute("inputmode", "numeric")
    page.locator("#id_entries").fill("126")
    page.locator("#id_exits").fill("98")
    with page.expect_navigation():
        page.locator("#count button[type=submit]").tap()
    expect(page.locator("#count .badge.green")).to_be_visible()
    expect(page.locator("#id_entries")).to_have_value("126")  # ready to correct: a second entry replaces it
    assert no_horizontal_scroll(page)
    shoot(page, "post")
    assert PostDailyCount.objects.get().entries == 126


def test_completion_rates_drill_down(page, community, shoot):
    from twofront.metrics.services import refresh_dirty
    from twofront.prevention.services import screening

    screening.record_visit(community.household, actor=community.actor)
    refresh_dirty()
    sign_in(page, "nanming")
    page.goto("/prevention/grid/rates/")
    with page.expect_navigation():
        page.locator("#rates a", has_text="新华路街道").click()
    with page.expect_navigation():
        page.locator("#rates a", has_text="新华路社区").click()
    expect(page.locator("#rates tr[data-region='520102001001001']")).to_contain_text("50.0%")
    expect(page.locator(".breadcrumb")).to_contain_text("南明区")
    shoot(page, "grids")


def test_an_officials_community_pages_on_a_phone(phone_page, community, shoot):
    page = phone_page
    sign_in(page, "nanming")
    pages = {"compound": f"/prevention/compounds/{community.compound.pk}/",
             "roster": f"/prevention/posts/{community.post.pk}/roster/",
             "household": f"/prevention/households/{community.household.pk}/",
             "campaign": f"/prevention/campaigns/{community.campaign.pk}/",
             "venue": f"/prevention/venues/{community.venue.pk}/",
             "venues": "/prevention/venues/"}
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert no_horizontal_scroll(page), name
        assert not FULL_NATIONAL_ID.search(page.content()), name
        shoot(page, name)
