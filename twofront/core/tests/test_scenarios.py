"""The reference scenario (guiyang-2020) and the demo data: figures computed by the metrics engine from the
loaded records, refusal of a second load, determinism, and the `demo` command.

Core may not import the domain apps (import-linter), so these tests see the apps' records only through
the scenario's expectations, the metrics and the audit trail; each app tests its own part in
`<app>/tests/test_scenario.py`.
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from twofront.core import scenarios
from twofront.core.models import AuditEvent, Person, User
from twofront.core.regions_seed import ensure_demo_grids, load_divisions
from twofront.metrics.models import Rollup

SMALL = 0.02  # 92 urban compound groups, 179 village groups, 40 commissioners ...


@pytest.fixture
def city(personas):
    """The whole division tree (the small test tree is a part of it) and the demo grids."""
    load_divisions()
    ensure_demo_grids()
    return personas


@pytest.fixture
def admin(city):
    return User.objects.create_superuser("scenario_admin", password=None)


def values(ctx) -> dict:
    return {e.key: e.actual for e in ctx.expectations if e.key}


def test_every_app_contributes_steps():
    steps = [s.name for s in scenarios.steps("guiyang-2020")]
    assert steps[0] == "command.work_groups"
    assert {"prevention.compounds", "prevention.quarantine", "medical.hospitals", "enterprise.enterprises"} <= set(steps)
    assert "guiyang-2020" in scenarios.names() and "demo" in scenarios.names()
    assert "command.work_groups" not in [s.name for s in scenarios.steps("demo")]


def test_guiyang_2020_figures_come_from_the_records(admin):
    ctx = scenarios.load("guiyang-2020", actor=admin, scale=SMALL)

    assert scenarios.verify(ctx) == []
    got = values(ctx)
    # The article's figures that do not scale ...
    assert got["prevention.quarantine_sites_hubei"] == 12
    assert got["medical.fever_clinics"] == 18
    assert got["medical.hospitals_designated"] == 12
    assert got["prevention.test_coverage_all"] == 100
    assert got["prevention.screening_rate"] == 100
    by_figure = {e.figure: e.actual for e in ctx.expectations if e.key is None}
    assert by_figure["抽调114人组建8个专项工作小组：8 groups"] == 8
    assert by_figure["抽调114人组建8个专项工作小组：114 staff"] == 114
    # ... and those that do, at the scenario's scale.
    assert got["prevention.compounds_closed_urban"] == ctx.n(4586) == 92
    assert got["prevention.compounds_closed_village"] == ctx.n(8957) == 179
    assert got["prevention.posts_active_urban"] == ctx.n(3952)
    assert got["prevention.posts_active_village"] == ctx.n(4737)
    assert got["enterprise.commissioners"] == ctx.n(1990)
    # Figures are read as of the article's day; the day before the compounds were closed they are 0.
    before = scenarios.ScenarioContext("guiyang-2020", actor=admin)
    before.expect("prevention.compounds_closed_urban", 0, "before", period=(ctx.start, ctx.start))
    assert scenarios.verify(before) == []
    # One audit event marks the load.
    assert AuditEvent.objects.filter(action=scenarios.LOADED_ACTION, object_repr="guiyang-2020").count() == 1


def test_a_second_load_is_refused_and_changes_nothing(admin):
    scenarios.load("guiyang-2020", actor=admin, scale=SMALL, rebuild=False)
    persons, rollups = Person.objects.count(), Rollup.objects.count()

    with pytest.raises(scenarios.AlreadyLoaded):
        scenarios.load("guiyang-2020", actor=admin, scale=SMALL)

    assert (Person.objects.count(), Rollup.objects.count()) == (persons, rollups)


def test_the_scenario_is_deterministic(admin):
    class Undo(Exception):
        pass

    def snapshot():
        people = list(Person.objects.filter(created_at__isnull=False).order_by("id_number_index")
                      .values_list("name", "id_number_masked", "region__code"))
        marks = list(AuditEvent.objects.filter(action__startswith="prevention.").order_by("id")
                     .values_list("action", "object_repr"))
        return people, marks

    try:
        with transaction.atomic():
            first_ctx = scenarios.load("guiyang-2020", actor=admin, scale=SMALL, rebuild=False)
            first = snapshot()
            raise Undo
    except Undo:
        pass
    second_ctx = scenarios.load("guiyang-2020", actor=admin, scale=SMALL, rebuild=False)
    assert snapshot() == first
    assert [(e.key, e.value) for e in second_ctx.expectations] == [(e.key, e.value) for e in first_ctx.expectations]


def test_unknown_scenario_and_bad_scale(admin):
    with pytest.raises(LookupError):
        scenarios.load("wuhan-2020", actor=admin)
    with pytest.raises(ValueError):
        scenarios.load("guiyang-2020", actor=admin, scale=0)


def test_demo_command_loads_the_scenario_once(city, capsys):
    call_command("demo", persons=0, no_activity=True, scenario="guiyang-2020", scale=SMALL)
    out = capsys.readouterr().out
    assert "| 在全省率先指定12家定点接待酒店 (designated hotels) | article | `prevention.quarantine_sites_hubei` |" in out
    assert "figures computed as intended" in out

    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo", persons=0, no_activity=True, scenario="guiyang-2020", scale=SMALL)
    call_command("demo", persons=0, no_activity=True, scenario="guiyang-2020", if_missing=True)
    assert "already loaded" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unknown scenario"):
        call_command("demo", persons=0, scenario="nowhere")


def test_plain_demo_gives_every_page_records_and_is_idempotent(city):
    call_command("demo", persons=10)
    admin = User.objects.get(username="admin")
    assert scenarios.is_loaded("demo")
    # The demo's own figures, on a database that held nothing else: read "as of today".
    ctx = scenarios.ScenarioContext("demo", actor=admin)
    events = AuditEvent.objects.filter(action=scenarios.LOADED_ACTION, object_repr="demo")
    assert events.count() == 1
    assert Rollup.objects.filter(key="enterprise.checkins").exists()
    assert Rollup.objects.filter(key="prevention.passages").exists()
    assert Rollup.objects.filter(key="prevention.quarantine_guests", value__gt=Decimal(0)).exists()
    assert ctx.reference is False

    persons = Person.objects.count()
    call_command("demo", persons=0)
    assert events.count() == 1 and Person.objects.count() == persons


def test_demo_scenario_figures(admin):
    ctx = scenarios.load("demo", actor=admin)
    assert scenarios.verify(ctx) == []
    got = values(ctx)
    assert got["prevention.quarantine_sites_hubei"] == 2 and got["medical.fever_clinics"] == 3
    assert got["enterprise.checkins"] > 0 and got["prevention.passages"] > 0
