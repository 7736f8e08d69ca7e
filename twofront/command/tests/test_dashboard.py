"""The command dashboard: figures equal to raw counts of real records, scoped to the caller's jurisdiction."""

import datetime

import pytest
from django.utils import timezone

from twofront.command.services import dashboard
from twofront.core.models import Person
from twofront.metrics import registry
from twofront.metrics import services as metrics_services

URL = "/api/v1/command/dashboard"
PAGE = "/command/dashboard/"
DAY = datetime.date(2020, 4, 26)
NANMING_GRID, NANMING_GRID_2, YUNYAN_GRID = "520102001001001", "520102001001002", "520103001001001"


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), timezone.get_default_timezone())


@pytest.fixture
def registered(make_person):
    """Persons registered through the person service on several days in both districts, then the metrics
    refresh job run (the days are moved as a bulk load would, so the rollups are rebuilt)."""
    plan = [(NANMING_GRID, DAY), (NANMING_GRID, DAY), (NANMING_GRID_2, DAY - datetime.timedelta(days=2)),
            (NANMING_GRID, DAY - datetime.timedelta(days=40)), (YUNYAN_GRID, DAY),
            (YUNYAN_GRID, DAY - datetime.timedelta(days=5)), (YUNYAN_GRID, DAY + datetime.timedelta(days=1))]
    persons = []
    for code, day in plan:
        person = make_person(code)
        Person.objects.filter(pk=person.pk).update(created_at=noon(day))
        persons.append(person)
    metrics_services.refresh_dirty()
    metrics_services.rebuild(["core.persons_registered", "core.persons_new"])
    return persons


def raw_registered(prefix: str, until: datetime.date) -> int:
    return Person.objects.filter(region__path__startswith=prefix, created_at__lt=noon(until + datetime.timedelta(days=1))
                                 .replace(hour=0)).count()


def raw_new(prefix: str, first: datetime.date, last: datetime.date) -> int:
    start = noon(first).replace(hour=0)
    end = noon(last + datetime.timedelta(days=1)).replace(hour=0)
    return Person.objects.filter(region__path__startswith=prefix, created_at__gte=start, created_at__lt=end).count()


def tiles(body: dict) -> dict:
    return {tile["key"]: tile for front in body["fronts"] for tile in front["tiles"]}


def test_city_figures_equal_raw_counts(personas, client_as, registered):
    first = DAY - datetime.timedelta(days=6)
    response = client_as(personas["commander"]).get(URL, {"from": first, "to": DAY})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"]["code"] == "520100"
    assert [c["code"] for c in body["children"]] == ["520102", "520103"]
    city, nanming, yunyan = "520100/", "520100/520102/", "520100/520103/"
    registered_tile, new_tile = tiles(body)["core.persons_registered"], tiles(body)["core.persons_new"]
    # cumulative: as of `to`; flows: over the period; per child in the order of `children`
    assert registered_tile["value"] == raw_registered(city, DAY) == 6
    assert registered_tile["children"] == [raw_registered(nanming, DAY), raw_registered(yunyan, DAY)] == [4, 2]
    assert new_tile["value"] == raw_new(city, first, DAY) == 5
    assert new_tile["children"] == [raw_new(nanming, first, DAY), raw_new(yunyan, first, DAY)]
    assert registered_tile["cumulative"] and not new_tile["cumulative"]
    # the daily series of the trends, day by day
    assert body["days"][0] == first.isoformat() and body["days"][-1] == DAY.isoformat()
    series = {s["key"]: s["values"] for t in body["trends"] for s in t["series"]}
    assert series["core.persons_new"] == [raw_new(city, d, d) for d in
                                          (first + datetime.timedelta(days=n) for n in range(7))]


def test_shares_are_the_engines_ratios(personas, client_as, registered):
    body = client_as(personas["commander"]).get(URL, {"from": DAY, "to": DAY}).json()
    for tile in tiles(body).values():
        metric = registry.get(tile["key"])
        assert tile["percent"] == (str(metric.display_unit) == "%")
        if tile["kind"] == "ratio":
            assert not tile["cumulative"]


def test_year_on_year_is_computed_from_the_year_before(personas, client_as, registered, make_person):
    person = make_person(NANMING_GRID)
    Person.objects.filter(pk=person.pk).update(created_at=noon(datetime.date(2019, 4, 20)))
    metrics_services.rebuild(["core.persons_registered", "core.persons_new"])
    body = client_as(personas["commander"]).get(URL, {"from": DAY, "to": DAY}).json()
    registered_tile = tiles(body)["core.persons_registered"]
    # as of 2020-04-26: 7 persons; as of 2019-04-26: 1 -> +600 %
    assert registered_tile["value"] == 7
    assert registered_tile["yoy"] == 600.0
    assert tiles(body)["core.persons_new"]["yoy"] is None  # nobody registered on 2019-04-26


def test_district_officer_sees_their_district_by_default(personas, client_as, registered):
    body = client_as(personas["nanming"]).get(URL, {"from": DAY, "to": DAY}).json()
    assert body["region"]["code"] == "520102"
    assert [r["code"] for r in body["trail"]] == ["520102"]  # the city above is not theirs
    assert [c["code"] for c in body["children"]] == ["520102001"]
    assert tiles(body)["core.persons_registered"]["value"] == raw_registered("520100/520102/", DAY) == 4


def test_drill_down_city_district_street(personas, client_as, registered):
    client = client_as(personas["commander"])
    street = client.get(URL, {"region": "520102001", "from": DAY, "to": DAY}).json()
    assert [r["code"] for r in street["trail"]] == ["520100", "520102", "520102001"]
    assert [c["code"] for c in street["children"]] == ["520102001001"]
    assert tiles(street)["core.persons_registered"]["children"] == [4]


@pytest.mark.parametrize(("persona", "params", "status"), [
    (None, {}, 401),
    ("norole", {}, 403),
    ("grid_nanming", {}, 403),
    ("auditor", {}, 403),
    ("nanming", {"region": "520103"}, 404),
    ("nanming", {"region": "520100"}, 404),
    ("yunyan", {"region": NANMING_GRID}, 404),
    ("commander", {"region": "999999"}, 404),
    ("nanming", {"region": "520102001"}, 200),
    ("yunyan", {}, 200),
    ("commander", {"region": "520103"}, 200),
])
def test_data_endpoint_permission_matrix(personas, client_as, persona, params, status):
    response = client_as(personas[persona] if persona else None).get(URL, params)
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("persona", "params", "status"), [
    (None, {}, 302),
    ("norole", {}, 403),
    ("auditor", {}, 403),
    ("nanming", {"region": "520103"}, 404),
    ("nanming", {}, 200),
    ("commander", {"region": "520102001"}, 200),
])
def test_page_permission_matrix(personas, client_as, persona, params, status):
    response = client_as(personas[persona] if persona else None).get(PAGE, params)
    assert response.status_code == status


def test_page_is_chinese_by_default_and_loads_its_script(personas, client_as):
    response = client_as(personas["nanming"]).get(PAGE)
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "南明区" in html and "command-dashboard.js" in html and "echarts.min.js" in html
    assert "<script>" not in html  # CSP: no inline script


@pytest.mark.parametrize("params", [
    {"from": "2020-04-27", "to": "2020-04-26"},
    {"from": "2020-13-01"},
    {"to": "0001-01-01"},
    {"region": "52'0102"},
])
def test_bad_parameters_are_422(personas, client_as, params):
    response = client_as(personas["commander"]).get(URL, params)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_a_missing_metric_is_a_missing_tile(personas, client_as):
    metric = registry.get("core.persons_new")
    registry.unregister("core.persons_new")
    try:
        body = client_as(personas["commander"]).get(URL, {"from": DAY, "to": DAY}).json()
    finally:
        registry.register(metric)
    assert "core.persons_new" not in tiles(body)
    assert "core.persons_registered" in tiles(body)


def test_tiles_are_chosen_by_declaration():
    keys = [m.key for front in dashboard.FRONTS for m in dashboard.front_metrics(front)]
    assert len(keys) == len(set(keys))
    assert all(registry.is_declared(k) for k in keys)
    fronts = {front.key: [m.key for m in dashboard.front_metrics(front)] for front in dashboard.FRONTS}
    assert all(k.startswith(("prevention.", "medical.", "hotline.", "volunteers.")) for k in fronts["prevention"])
    assert all(k.startswith("core.") for k in fronts["basic"])


def test_reads_only_rollups(personas, client_as, registered, django_assert_max_num_queries):
    client = client_as(personas["commander"])
    client.get(URL)  # warm the session and the user's assignments
    with django_assert_max_num_queries(20) as captured:
        assert client.get(URL, {"from": DAY - datetime.timedelta(days=29), "to": DAY}).status_code == 200
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "core_person" not in tables
