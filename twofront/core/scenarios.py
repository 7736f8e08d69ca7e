"""Reference scenarios: named data sets that domain apps fill in together, e.g. `guiyang-2020`.

core imports no domain app, so each app contributes its part in its own `twofront/<app>/scenario.py`:

    from twofront.core.scenarios import step

    @step("guiyang-2020", order=20)
    def compounds(ctx):  # ctx: ScenarioContext
        ...
        ctx.expect("prevention.compounds_closed_urban", 4586, figure="4,586 城市小区组团封闭管理")

`discover()` imports every installed app's `scenario` module (like the metrics registry); `load()` runs the
steps of a scenario in order inside one transaction, records one audit event (which is also the marker
that refuses a second load), and rebuilds the metrics. Steps write through the apps' services for small
counts (rules and audit hold) and `bulk_create` for large ones, touching the metric cells they change.

Every figure a step announces with `ctx.expect()` is checked after the rebuild against what the metrics
engine computes from the records (`verify()`); nothing is stored as a number.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from twofront.core import audit
from twofront.core.models import AuditEvent, Person, Region
from twofront.core.services.bulk import person_from_row
from twofront.core.synthetic import generate_persons
from twofront.metrics import selectors as metrics_selectors
from twofront.metrics import services as metrics_services
from twofront.metrics.dirty import touch_many

LOADED_ACTION = "core.scenario.loaded"
# Scenario persons come from their own seeded stream, apart from the plain demo's residents.
PERSON_SEED_OFFSET = 7919


# name -> (first day, as-of day or None for today, what it is). Apps add steps to these names.
SCENARIOS = {
    "guiyang-2020": (datetime.date(2020, 1, 20), datetime.date(2020, 4, 26),
                     "Guiyang, 20 January to 26 April 2020: the figures of the Guiyang Daily article"),
    "demo": (None, None, "a small, recent data set so that every page has something to show"),
}
DEMO_DAYS = 30  # the plain demo's records fall in the last 30 days


def period_of(scenario: str) -> tuple[datetime.date, datetime.date]:
    first, last, _description = SCENARIOS.get(scenario, (None, None, ""))
    last = last or timezone.localdate()
    return first or last - datetime.timedelta(days=DEMO_DAYS), last


class AlreadyLoaded(Exception):
    """The scenario's records are already in the database; loading twice would double every figure."""


@dataclass(frozen=True)
class Step:
    scenario: str
    order: int
    name: str
    func: Callable[[ScenarioContext], None]


_STEPS: dict[str, dict[str, Step]] = {}


def step(*scenarios: str, order: int, name: str | None = None):
    """Registers the decorated function as a step of each named scenario; steps run by `order`, then name."""

    def register(func: Callable[[ScenarioContext], None]):
        key = name or f"{func.__module__.removeprefix('twofront.')}.{func.__qualname__}"
        for scenario in scenarios:
            _STEPS.setdefault(scenario, {})[key] = Step(scenario, order, key, func)
        return func

    return register


def discover() -> None:
    autodiscover_modules("scenario")


def names() -> list[str]:
    discover()
    return sorted(_STEPS)


def steps(scenario: str) -> list[Step]:
    discover()
    return sorted(_STEPS.get(scenario, {}).values(), key=lambda s: (s.order, s.name))


@dataclass
class Expectation:
    key: str | None  # a metric key; None when no metric can compute the figure yet (counted from records)
    value: Decimal | int
    figure: str  # the article's wording, or what the figure is
    period: tuple[datetime.date, datetime.date]
    source: str  # "article" or "synthetic"
    count: Callable[[], int] | None = None  # for key None: how many records hold it
    actual: Decimal | int | None = None


@dataclass
class ScenarioContext:
    """What a step gets: scale, seeded randomness, the acting account, dates and shared records."""

    scenario: str
    actor: object
    scale: float = 1.0
    seed: int = 2020
    start: datetime.date = datetime.date(2020, 1, 20)  # the first day records fall on
    as_of: datetime.date = datetime.date(2020, 4, 26)  # the last: figures are read as of this day
    rng: random.Random = field(init=False)
    expectations: list[Expectation] = field(default_factory=list)
    shared: dict = field(default_factory=dict)  # e.g. person ids one app leaves for another
    timings: dict[str, float] = field(default_factory=dict)
    _person_cursor: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.scenario}:{self.seed}")

    # -- sizes and dates ------------------------------------------------------------------------
    @property
    def reference(self) -> bool:
        """The article's scenario (figures to reproduce), rather than the plain demo."""
        return self.scenario == "guiyang-2020"

    def n(self, value: int, *, minimum: int = 1) -> int:
        """`value` at the scenario's scale (article figures at scale 1), at least `minimum`."""
        return max(minimum, round(value * self.scale))

    def day(self, first: datetime.date, last: datetime.date | None = None) -> datetime.date:
        """A seeded day between `first` and `last` (default: the scenario's as-of day)."""
        last = last or self.as_of
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    @staticmethod
    def moment(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
        """An aware time on `day` in the project's time zone (Asia/Shanghai), never in the future."""
        naive = datetime.datetime.combine(day, datetime.time(hour % 24, minute % 60))
        return min(timezone.make_aware(naive, timezone.get_default_timezone()), timezone.now())

    @staticmethod
    def regions(level: str) -> list[Region]:
        return list(Region.objects.filter(level=level).order_by("path"))

    # -- persons ---------------------------------------------------------------------------------
    def persons(self, count: int, regions: list[Region]) -> list[Person]:
        """`count` new synthetic residents spread over `regions`, inserted in bulk (encrypted, indexed,
        masked like every person), from the scenario's own deterministic stream. Numbers that are already
        registered (e.g. by the plain demo) are skipped, so each call returns fresh persons."""
        if count <= 0:
            return []
        codes = [r.code for r in regions]
        region_ids = {r.code: r.pk for r in regions}
        made: list[Person] = []
        while len(made) < count:
            want = count - len(made)
            first = self._person_cursor
            rows = list(generate_persons(first + want, ["520100"], seed=self.seed + PERSON_SEED_OFFSET))[first:]
            self._person_cursor += want
            batch = []
            for i, row in enumerate(rows):
                row["region_code"] = codes[(first + i) % len(codes)]
                batch.append(person_from_row(row, region_ids))
            taken = set(Person.objects.filter(id_number_index__in=[p.id_number_index for p in batch])
                        .values_list("id_number_index", flat=True))
            batch = [p for p in batch if p.id_number_index not in taken]
            Person.objects.bulk_create(batch, batch_size=2000)
            made.extend(batch)
        if not made[0].pk:  # backends that do not return ids from bulk inserts
            by_index = dict(Person.objects.filter(id_number_index__in=[p.id_number_index for p in made])
                            .values_list("id_number_index", "pk"))
            for person in made:
                person.pk = by_index[person.id_number_index]
        touch_many(Person, [(rid, None) for rid in {p.region_id for p in made}])
        return made

    # -- figures ---------------------------------------------------------------------------------
    def expect(self, key: str | None, value, figure: str, *, source: str = "article",
               period: tuple[datetime.date, datetime.date] | None = None,
               count: Callable[[], int] | None = None) -> None:
        """Announces a figure the records must produce: metric `key` for the city over `period` (default:
        as of the as-of day, which is what a cumulative metric needs; pass (start, as_of) for a flow)."""
        self.expectations.append(Expectation(key, value, figure, period or (self.as_of, self.as_of), source, count))


@contextmanager
def given_timestamps(model):
    """Inside the block, bulk inserts of `model` keep the times the scenario set on auto_now_add fields
    (created_at ...) instead of stamping them with now: scenario records happened in 2020. Meant for the
    single-threaded demo command and tests; it changes the field definitions for the block's duration."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def bulk_create(model, rows: list, *, batch_size: int = 2000) -> list:
    """bulk_create keeping the rows' own creation times (see given_timestamps)."""
    with given_timestamps(model):
        return model.objects.bulk_create(rows, batch_size=batch_size)


def is_loaded(scenario: str) -> bool:
    return AuditEvent.objects.filter(action=LOADED_ACTION, object_repr=scenario).exists()


def load(scenario: str, *, actor, scale: float = 1.0, seed: int = 2020, rebuild: bool = True,
         echo: Callable[[str], None] | None = None) -> ScenarioContext:
    """Runs every step of `scenario` in one transaction, then rebuilds the metrics (unless `rebuild` is false:
    the caller rebuilds once after several loads); `verify(ctx)` then compares the figures.
    Raises AlreadyLoaded when it was loaded before, LookupError for an unknown scenario."""
    todo = steps(scenario)
    if not todo:
        raise LookupError(f"unknown scenario {scenario!r}; known: {', '.join(names()) or 'none'}")
    if not 0 < scale <= 10:
        raise ValueError("scale must be above 0 and at most 10")
    start, as_of = period_of(scenario)
    ctx = ScenarioContext(scenario=scenario, actor=actor, scale=scale, seed=seed, start=start, as_of=as_of)
    with transaction.atomic():
        # The city row is the lock: a second, concurrent load waits here and then finds the marker.
        city = Region.objects.select_for_update().filter(parent__isnull=True).order_by("path").first()
        if is_loaded(scenario):
            raise AlreadyLoaded(scenario)
        for each in todo:
            began = time.perf_counter()
            each.func(ctx)
            ctx.timings[each.name] = time.perf_counter() - began
            if echo:
                echo(f"  {each.name}: {ctx.timings[each.name]:.1f} s")
        audit.record(actor, LOADED_ACTION, None, region=city, object_repr=scenario,
                     changes={"scale": scale, "seed": seed, "steps": [s.name for s in todo]})
    if rebuild:
        began = time.perf_counter()
        metrics_services.rebuild()
        ctx.timings["metrics rebuild"] = time.perf_counter() - began
    return ctx


def verify(ctx: ScenarioContext) -> list[Expectation]:
    """Reads every announced figure back from the metrics (city level) and returns the ones that differ."""
    city = Region.objects.filter(parent__isnull=True).order_by("path").first()
    wrong = []
    by_period: dict[tuple, list[Expectation]] = {}
    for exp in ctx.expectations:
        if exp.key is None:
            exp.actual = exp.count() if exp.count else None
        else:
            by_period.setdefault(exp.period, []).append(exp)
    for (first, last), group in by_period.items():
        result = metrics_selectors.values(ctx.actor, [e.key for e in group], city.code, first, last)
        found = {v.metric.key: v.value for v in result.values}
        for exp in group:
            exp.actual = found.get(exp.key)
    for exp in ctx.expectations:
        if exp.actual is None or Decimal(str(exp.actual)) != Decimal(str(exp.value)):
            wrong.append(exp)
    return wrong


def table(ctx: ScenarioContext) -> str:
    """The figures as a Markdown table (figure, metric, period, expected, computed)."""
    lines = ["| figure | source | metric | period | intended | computed |", "|---|---|---|---|---|---|"]
    for exp in ctx.expectations:
        first, last = exp.period
        period = f"as of {last}" if first == last else f"{first} – {last}"
        key = f"`{exp.key}`" if exp.key else "(records, no metric yet)"
        lines.append(f"| {exp.figure} | {exp.source} | {key} | {period} | {_fmt(exp.value)} | {_fmt(exp.actual)} |")
    return "\n".join(lines)


def _fmt(value) -> str:
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,}"
