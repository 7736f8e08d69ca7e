"""Rollups follow the records: after a refresh they equal the raw counts, whatever changed."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from twofront.core.models import Person, User
from twofront.core.services import people
from twofront.metrics import registry, services
from twofront.metrics.dirty import touch, touch_many
from twofront.metrics.models import DirtyCell, Rollup
from twofront.metrics.tests.conftest import COMMUNITY, GRID_1, GRID_2, YUNYAN_GRID, rollups

MARCH_1 = datetime.date(2020, 3, 1)


def test_rollups_after_refresh_equal_raw_counts(persons_on, refresh, raw_counts):
    # given persons in several regions and days
    persons_on(MARCH_1, GRID_1, 3)
    persons_on(MARCH_1, GRID_2, 2)
    persons_on(MARCH_1 + datetime.timedelta(days=1), GRID_2)
    persons_on(datetime.date(2019, 12, 31), COMMUNITY)
    persons_on(MARCH_1, YUNYAN_GRID, 4)
    # when the dirty cells are refreshed
    assert refresh() > 0
    # then every rollup is the raw count of its cell, for both person metrics, and no cell is left
    assert rollups("core.persons_new") == raw_counts()
    assert rollups("core.persons_registered") == raw_counts()
    assert not DirtyCell.objects.exists()


def test_moving_a_person_to_another_region_moves_the_count(persons_on, refresh, raw_counts, personas):
    person = persons_on(MARCH_1, GRID_1)[0]
    persons_on(MARCH_1, GRID_1)
    refresh()
    people.update_person(person, actor=personas["commander"], region=personas.region(YUNYAN_GRID))
    refresh()
    assert rollups() == raw_counts()
    by_code = {code: rollups().get((region.pk, MARCH_1)) for code, region in personas.regions.items()}
    assert (by_code[GRID_1], by_code[YUNYAN_GRID], by_code["520102"], by_code["520103"], by_code["520100"]) == (
        1, 1, 1, 1, 2)


def test_deleting_the_last_person_of_a_cell_removes_its_rollup(persons_on, refresh, raw_counts, personas):
    person, other = persons_on(MARCH_1, GRID_1)[0], persons_on(MARCH_1, GRID_2)[0]
    refresh()
    people.delete_person(person, actor=personas["commander"])
    refresh()
    assert rollups() == raw_counts()
    assert (person.region_id, MARCH_1) not in rollups()
    assert rollups()[(other.region_id, MARCH_1)] == 1


def test_registration_day_is_cut_in_the_city_time_zone(make_person, refresh, personas):
    # 2020-02-29 23:30 in Guiyang is 15:30 UTC: the person counts on the 29th, not the 1st
    person = make_person(GRID_1)
    late = datetime.datetime(2020, 2, 29, 15, 30, tzinfo=datetime.UTC)
    Person.objects.filter(pk=person.pk).update(created_at=late)
    touch(Person, region_id=person.region_id, day=late)
    refresh()
    assert set(Rollup.objects.filter(key="core.persons_new").values_list("day", flat=True)) == {
        datetime.date(2020, 2, 29)}


def test_refresh_recomputes_only_dirty_cells(persons_on, refresh, personas):
    persons_on(MARCH_1, GRID_1, 2)
    refresh()
    # a rollup of a cell nobody marked is left alone (it is trusted until its records change)
    Rollup.objects.filter(key="core.persons_new").update(value=99)
    person = persons_on(MARCH_1, YUNYAN_GRID)[0]
    refresh()
    now = rollups()
    assert (now[(personas.region(GRID_1).pk, MARCH_1)], now[(person.region_id, MARCH_1)]) == (99, 1)
    assert now[(personas.region("520100").pk, MARCH_1)] == 99 + 1  # Nanming as it was, plus Yunyan


def test_rebuild_recomputes_everything_and_drops_undeclared_keys(persons_on, raw_counts, personas):
    persons_on(MARCH_1, GRID_1, 2)
    persons_on(MARCH_1, YUNYAN_GRID)
    Rollup.objects.create(key="gone.metric", region=personas.region(GRID_1), day=MARCH_1, value=5)
    rows = services.rebuild()
    # two grids and the regions above them (the city once)
    assert (rows["core.persons_registered"], rows["core.persons_new"]) == (9, 9)
    assert rollups() == raw_counts()
    assert not Rollup.objects.filter(key="gone.metric").exists()


def test_rebuild_of_a_derived_metric_rebuilds_its_components(persons_on, test_metrics):
    persons_on(MARCH_1, GRID_1)
    assert set(services.rebuild(["test.new_share"])) == {"core.persons_new", "core.persons_registered"}


def test_filtered_count_and_sum(persons_on, refresh, test_metrics, personas):
    persons = persons_on(MARCH_1, GRID_1, 6)
    refresh()
    women = sum(1 for p in persons if p.sex == "F")
    city = personas.region("520100").pk
    assert rollups("test.women").get((city, MARCH_1), 0) == women
    assert rollups("test.id_total")[(city, MARCH_1)] == sum(p.pk for p in persons)


def test_metrics_rebuild_command(persons_on, capsys):
    persons_on(MARCH_1, GRID_1)
    call_command("metrics_rebuild", "core.persons_new", verbosity=2)
    assert "core.persons_new: 5 rollup rows" in capsys.readouterr().out  # the grid and 4 levels above
    with pytest.raises(CommandError):
        call_command("metrics_rebuild", "no.such_metric")


def test_cells_of_unmeasured_models_are_consumed(refresh, personas):
    touch_many(User, [(personas.region(GRID_1).pk, MARCH_1)])
    assert refresh() == 1
    assert not DirtyCell.objects.exists()


def test_touch_marks_each_cell_once_per_call_and_refresh_consumes_every_mark(refresh, personas):
    grid = personas.region(GRID_1).pk
    assert touch_many(Person, [(grid, MARCH_1), (grid, MARCH_1), (grid, None)]) == 2
    touch(Person, region_id=grid, day=MARCH_1)  # another writer's mark of the same cell: the log keeps both
    assert DirtyCell.objects.count() == 3
    assert DirtyCell.objects.values("source", "region_id", "day").distinct().count() == 2
    assert refresh() == 3
    assert not DirtyCell.objects.exists()


def test_deferred_touches_of_several_models_are_marked_together_at_the_end(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from twofront.metrics import dirty

    grid, other = personas.region(GRID_1).pk, personas.region(GRID_2).pk
    with CaptureQueriesContext(connection) as queries, dirty.deferred():
        touch_many(Person, [(grid, MARCH_1), (other, MARCH_1)])
        with dirty.deferred():  # a nested block joins the outer one
            touch(User, region_id=grid, day=MARCH_1)
        touch(Person, region_id=grid, day=MARCH_1)
        assert not DirtyCell.objects.exists()
    assert len(queries.captured_queries) == 2  # the check above, then one statement for the three cells
    assert set(DirtyCell.objects.values_list("source", "region_id", "day")) == {
        ("core.person", grid, MARCH_1), ("core.person", other, MARCH_1), ("core.user", grid, MARCH_1)}


def test_deferred_touches_are_dropped_when_the_block_fails(personas):
    from twofront.metrics import dirty

    with pytest.raises(RuntimeError), dirty.deferred():
        touch(Person, region_id=personas.region(GRID_1).pk, day=MARCH_1)
        raise RuntimeError("the write failed")
    assert not DirtyCell.objects.exists()


def test_refresh_works_in_batches(persons_on, refresh, raw_counts):
    for offset in range(5):
        persons_on(MARCH_1 + datetime.timedelta(days=offset), GRID_1)
    assert services.refresh_dirty(batch_size=2) >= 5
    assert rollups() == raw_counts()
    assert not DirtyCell.objects.exists()


def test_registry_rejects_references_to_undeclared_metrics():
    from django.core.exceptions import ImproperlyConfigured

    from twofront.metrics.registry import Count, Metric, Ratio

    registry.register(Metric("test.broken", "Broken", kind=Ratio("core.persons_new", "test.missing")))
    try:
        with pytest.raises(ImproperlyConfigured, match="test.missing"):
            registry.check()
    finally:
        registry.unregister("test.broken")
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        registry.register(Metric("core.persons_new", "Other", kind=Count(Person, filter=Q(sex="F"))))
