"""The command dashboard in a browser: ECharts charts drawn from the data endpoint, drill-down by clicking a
bar and back through the path, on a desktop and on a phone (screenshots to look at)."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from twofront.enterprise.services.checkins import record_checkin
from twofront.enterprise.testing import build_employee, build_enterprise_personas
from twofront.metrics import services as metrics_services

pytestmark = pytest.mark.browser

SERIES = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  if (!chart) return 0;
  return chart.getOption().series.reduce((n, s) => n + (s.data || []).length, 0);
}"""


@pytest.fixture
def kit(personas_tx, make_person):
    kit = build_enterprise_personas(personas_tx)
    for index in range(5):
        employee = build_employee(kit.a if index < 3 else kit.b, index)
        record_checkin(employee, actor=kit["hr_a"] if index < 3 else kit["hr_b"], source="hr",
                       temperature="38.3" if index == 0 else "36.6", symptoms=["cough"] if index == 0 else [])
    for code in ("520102001001001", "520102001001002", "520103001001001"):
        make_person(code)
    metrics_services.refresh_dirty()
    metrics_services.rebuild()
    return kit


def open_page(new_page, device: str):
    page = new_page(device)
    page.set_default_timeout(30_000)  # a busy shared host: ECharts and the data request take their time
    return page


def wait_for_charts(page) -> None:
    expect(page.locator("#chart-bars canvas")).to_have_count(1)
    expect(page.locator("#trends .bs-chart canvas").first).to_be_visible()
    page.wait_for_function(f"({SERIES})('chart-bars') > 0")


def tile_value(page, key: str) -> str:
    return page.locator(f'.bs-tile[data-key="{key}"] .bs-value').inner_text()


def test_dashboard_on_a_desktop(new_page, kit, shoot):
    page = open_page(new_page, "desktop")
    sign_in(page, "commander")
    page.goto("/command/dashboard/")
    wait_for_charts(page)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.locator("#trail .here")).to_have_text("贵阳市")
    # persons of the test kit: 5 employees (enterprise kit) + 3 residents; 5 check-ins, 1 abnormal
    assert tile_value(page, "enterprise.checkins").startswith("5")
    assert tile_value(page, "enterprise.checkins_abnormal").startswith("1")
    assert page.evaluate(SERIES, "chart-bars") == 2  # one bar per district
    trends = page.locator("#trends .bs-chart")
    assert trends.count() >= 3
    for index in range(trends.count()):
        assert page.evaluate(SERIES, trends.nth(index).get_attribute("id")) > 0
    expect(page.locator("#chart-map canvas")).to_have_count(1)  # the city has its district map
    shoot(page, "city")

    # drill down: click Nanming's bar, then back up through the path
    page.locator('.bs-tile[data-key="core.persons_registered"]').click()
    page.locator("#chart-bars").scroll_into_view_if_needed()
    point = page.evaluate("""() => {
      const el = document.getElementById('chart-bars');
      const chart = echarts.getInstanceByDom(el);
      const value = chart.getOption().series[0].data[0];
      const [x, y] = chart.convertToPixel({seriesIndex: 0}, [Math.max(value, 0.0001) / 2, 0]);
      const box = el.getBoundingClientRect();
      return [box.left + x, box.top + y];
    }""")
    page.mouse.click(point[0], point[1])
    expect(page.locator("#trail .here")).to_have_text("南明区")
    assert "region=520102" in page.url
    page.wait_for_function(f"({SERIES})('chart-bars') === 1")  # one street under Nanming in the test tree
    expect(page.locator("#chart-map")).to_be_hidden()
    shoot(page, "district")
    page.locator("#trail a", has_text="贵阳市").click()
    expect(page.locator("#trail .here")).to_have_text("贵阳市")


def test_district_officer_sees_only_their_district(new_page, kit, shoot):
    page = open_page(new_page, "desktop")
    sign_in(page, "nanming")
    page.goto("/command/dashboard/")
    wait_for_charts(page)
    expect(page.locator("#trail .here")).to_have_text("南明区")
    expect(page.locator("#trail a")).to_have_count(0)  # nothing above their district
    response = page.goto("/command/dashboard/?region=520103")
    assert response.status == 404


def test_dashboard_on_a_phone(new_page, kit, shoot):
    page = open_page(new_page, "phone")
    sign_in(page, "commander")
    page.goto("/command/dashboard/")
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    width = page.evaluate("document.getElementById('chart-bars').getBoundingClientRect().width")
    assert 300 <= width <= 390
    shoot(page, "phone")


def test_briefings_page_generates_and_lists(new_page, kit, shoot):
    page = open_page(new_page, "desktop")
    page.set_default_timeout(60_000)  # the PDF is rendered while the page waits
    sign_in(page, "commander")
    page.goto("/command/briefings/")
    expect(page.locator("#table td.empty")).to_be_visible()
    page.locator("select[name=region]").select_option("520102")
    with page.expect_navigation():
        page.locator("main form button[type=submit].primary").click()
    expect(page.locator("#table tbody tr")).to_have_count(1)
    expect(page.locator("#table tbody tr td").nth(1)).to_have_text("南明区")
    with page.expect_download() as download:
        page.locator("#table a", has_text="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    shoot(page, "list")
