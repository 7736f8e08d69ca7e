"""Reading: sums up the region tree, cumulative and per-day values, ratios and growth, from rollups only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from twofront.metrics import selectors
from twofront.metrics.tests.conftest import COMMUNITY, GRID_1, GRID_2, YUNYAN_GRID

MARCH_1, MARCH_2 = datetime.date(2020, 3, 1), datetime.date(2020, 3, 2)
A_YEAR_BEFORE = datetime.date(2019, 3, 1)


@pytest.fixture
def city(persons_on, refresh):
    """3 + 2 persons in two Nanming grids and 1 in their community on 1 March 2020, 4 in Yunyan;
    one more in grid 1 on 2 March, and one a year before."""
    persons_on(MARCH_1, GRID_1, 3)
    persons_on(MARCH_1, GRID_2, 2)
    persons_on(MARCH_1, COMMUNITY, 1)
    persons_on(MARCH_1, YUNYAN_GRID, 4)
    persons_on(MARCH_2, GRID_1, 1)
    persons_on(A_YEAR_BEFORE, GRID_1, 1)
    refresh()


def read(user, keys, **kwargs):
    result = selectors.values(user, keys, **kwargs)
    return {item.metric.key: item for item in result.values}


_TOTAL = object()


def number(item, value=_TOTAL):
    return selectors.number(item.metric, item.value if value is _TOTAL else value)


@pytest.mark.parametrize(("code", "registered"), [
    ("520100", 12), ("520102", 8), ("520102001", 8), (COMMUNITY, 8), (GRID_1, 5), (GRID_2, 2), ("520103", 4),
])
def test_values_sum_up_the_region_tree(city, personas, code, registered):
    values = read(personas["commander"], "core.persons_registered", region_code=code, date_to=MARCH_2)
    assert number(values["core.persons_registered"]) == registered


def test_cumulative_counts_every_day_up_to_the_end_and_flows_only_the_period(city, personas):
    values = read(personas["commander"], ["core.persons_registered", "core.persons_new"],
                  date_from=MARCH_1, date_to=MARCH_1)
    assert number(values["core.persons_registered"]) == 11  # includes the person of 2019
    assert number(values["core.persons_new"]) == 10
    values = read(personas["commander"], ["core.persons_registered", "core.persons_new"],
                  date_from=A_YEAR_BEFORE, date_to=MARCH_2)
    assert number(values["core.persons_registered"]) == 12
    assert number(values["core.persons_new"]) == 12


def test_children_values_for_drill_down(city, personas):
    item = read(personas["commander"], "core.persons_registered", region_code=COMMUNITY, date_to=MARCH_2,
                group="children")["core.persons_registered"]
    assert [(child.code, number(item, value)) for child, value in item.children] == [(GRID_1, 5), (GRID_2, 2)]
    assert number(item, item.direct_value) == 1  # registered at the community itself
    assert number(item) == 8
    city_item = read(personas["commander"], "core.persons_registered", date_to=MARCH_2,
                     group="children")["core.persons_registered"]
    assert [(child.code, number(city_item, v)) for child, v in city_item.children] == [("520102", 8), ("520103", 4)]


def test_daily_series_of_cumulative_and_new(city, personas):
    values = read(personas["commander"], ["core.persons_registered", "core.persons_new"],
                  date_from=datetime.date(2020, 2, 28), date_to=MARCH_2, group="day")
    series = {key: [(day.day, number(item, v)) for day, v in item.series] for key, item in values.items()}
    assert series["core.persons_new"] == [(28, 0), (29, 0), (1, 10), (2, 1)]
    assert series["core.persons_registered"] == [(28, 1), (29, 1), (1, 11), (2, 12)]
    assert number(values["core.persons_new"]) == 11
    assert number(values["core.persons_registered"]) == 12


def test_ratio_and_year_on_year_come_from_the_summed_components(city, personas, test_metrics):
    keys = ["test.new_share", "test.registered_yoy", "test.new_yoy"]
    values = read(personas["commander"], keys, date_from=MARCH_1, date_to=MARCH_1)
    assert number(values["test.new_share"]) == round(10 / 11 * 100, 2)
    assert number(values["test.registered_yoy"]) == 1000.0  # 11 against 1 a year before
    assert number(values["test.new_yoy"]) == 900.0  # 10 new against 1 new on 1 March 2019
    # no base a year earlier: no growth rather than a division by zero
    values = read(personas["commander"], keys, date_from=A_YEAR_BEFORE, date_to=A_YEAR_BEFORE)
    assert values["test.registered_yoy"].value is None
    assert number(values["test.new_share"]) == 100.0


def test_derived_metrics_per_child_and_per_day(city, personas, test_metrics):
    item = read(personas["commander"], "test.new_share", date_from=MARCH_2, date_to=MARCH_2,
                group="children")["test.new_share"]
    assert [(c.code, number(item, v)) for c, v in item.children] == [("520102", 12.5), ("520103", 0.0)]
    item = read(personas["commander"], "test.new_yoy", date_from=datetime.date(2020, 2, 29), date_to=MARCH_1,
                group="day")["test.new_yoy"]
    # 29 Feb 2020 compares with 28 Feb 2019 (none: no growth); 1 March with 1 March 2019
    assert [(d.day, number(item, v)) for d, v in item.series] == [(29, None), (1, 900.0)]


def test_reading_never_touches_the_person_table(city, personas, test_metrics):
    with CaptureQueriesContext(connection) as queries:
        for group in (None, "children", "day"):
            selectors.values(personas["commander"], None, date_from=MARCH_1, date_to=MARCH_2, group=group)
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "core_person" in q["sql"]]


def test_default_region_is_the_callers_top_region(city, personas):
    assert selectors.values(personas["nanming"], "core.persons_new").region.code == "520102"
    assert selectors.values(personas["commander"], "core.persons_new").region.code == "520100"


def test_scope_out_of_jurisdiction_is_not_found_and_no_permission_is_forbidden(personas):
    with pytest.raises(Http404):
        selectors.values(personas["nanming"], None, region_code="520103")
    with pytest.raises(Http404):
        selectors.values(personas["nanming"], None, region_code="520100")  # above the jurisdiction
    with pytest.raises(Http404):
        selectors.values(personas["commander"], None, region_code="999999")
    for persona in ("norole", "grid_nanming", "auditor"):
        with pytest.raises(PermissionDenied):
            selectors.values(personas[persona], None)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"keys": "core.persons_new,no.such"}, "keys"),
    ({"date_from": MARCH_2, "date_to": MARCH_1}, "from"),
    ({"date_from": datetime.date(1900, 1, 1)}, "from"),
    ({"date_from": datetime.date(2019, 1, 1), "date_to": MARCH_1, "group": "day"}, "to"),
])
def test_bad_parameters_are_field_errors(personas, kwargs, field):
    with pytest.raises(ValidationError) as raised:
        selectors.values(personas["commander"], **kwargs)
    assert field in raised.value.message_dict
