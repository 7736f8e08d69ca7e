"""The command centre's dashboard (指挥大屏) and the figures of the daily briefing, read from the metrics engine.

Nothing here knows another app's models: tiles, trends and breakdowns are chosen by metric key among the
declared metrics (`twofront.metrics.registry`), and every figure comes from `twofront.metrics.selectors`,
which reads only the daily rollups and scopes the region to the caller's jurisdiction (outside it: 404;
no `core.view_metric`: 403). A key that no app declares is left out, so a missing metric is a missing tile.
Ratios and year-on-year growth are the engine's (`selectors.values`, `selectors.growth`), never typed here.
"""

import datetime
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.metrics import registry, selectors
from twofront.metrics.registry import Metric

DEFAULT_DAYS = 30
REFRESH_SECONDS = 60
MAX_TILES_PER_FRONT = 20


@dataclass(frozen=True)
class Front:
    """A front of the dashboard: the metrics whose keys start with one of `prefixes`; `tiles` are key
    patterns (fnmatch) in the order shown, then any other ratio of the front's prefixes."""

    key: str
    label: object
    prefixes: tuple[str, ...]
    tiles: tuple[str, ...]


@dataclass(frozen=True)
class Trend:
    key: str
    title: object
    keys: tuple[str, ...]


FRONTS = (
    Front("prevention", _("Prevention and control"), ("prevention.", "medical.", "hotline.", "volunteers."), (
        "medical.cases_confirmed", "medical.cases_suspected", "medical.cases_asymptomatic", "medical.cases_recovered",
        "medical.bed_use", "medical.fever_clinic_visits",
        "prevention.passage_persons", "prevention.passages",
        "prevention.households_screened", "prevention.screening_rate",
        "prevention.key_people_all", "prevention.test_coverage_all", "prevention.tests_sampled",
        "prevention.quarantine_guests", "prevention.quarantine_occupancy",
        "prevention.compounds_closed", "prevention.posts_active", "prevention.venues_closed",
        "hotline.*",
    )),
    Front("resumption", _("Work resumption"), ("enterprise.", "relief.", "finance.", "jobs.", "services."), (
        "enterprise.registered", "enterprise.resumed", "enterprise.resumption_rate",
        "enterprise.employees_back", "enterprise.employees_back_rate",
        "enterprise.checkins", "enterprise.checkin_coverage", "enterprise.checkins_abnormal",
        "enterprise.supply_requests_open", "enterprise.appeals_open", "enterprise.appeals_overdue",
        "enterprise.coverage_rate",
    )),
    Front("basic", _("Basic data"), ("core.",), ("core.persons_registered", "core.persons_new")),
)

TRENDS = (
    Trend("checkins", _("Health check-ins"), ("enterprise.checkins", "enterprise.checkins_abnormal")),
    Trend("shares", _("Completion and use"), (
        "enterprise.resumption_rate", "enterprise.checkin_coverage", "prevention.screening_rate",
        "prevention.test_coverage_all", "prevention.quarantine_occupancy", "medical.bed_use")),
    Trend("cases", _("Cases by state"), (
        "medical.cases_confirmed", "medical.cases_suspected", "medical.cases_asymptomatic", "medical.cases_recovered")),
    Trend("checkpoints", _("Checkpoints"), ("prevention.passages", "prevention.passage_persons",
                                            "prevention.passage_referrals")),
    Trend("registrations", _("Registrations"), ("core.persons_new", "medical.fever_clinic_visits",
                                                "prevention.tests_sampled")),
)

# The figures of the per-district table of the briefing (the dashboard lets the user pick any tile).
BREAKDOWN = ("core.persons_registered", "enterprise.resumed", "enterprise.resumption_rate", "enterprise.checkins",
             "enterprise.checkins_abnormal", "prevention.screening_rate", "prevention.test_coverage_all",
             "prevention.quarantine_guests", "prevention.quarantine_occupancy", "medical.cases_confirmed",
             "medical.bed_use")
DEFAULT_BAR = ("core.persons_registered", "enterprise.resumption_rate")


def is_percent(metric: Metric) -> bool:
    return str(metric.display_unit) == "%"


def declared(keys) -> list[Metric]:
    return [registry.get(k) for k in keys if registry.is_declared(k)]


def front_metrics(front: Front) -> list[Metric]:
    """The front's tile metrics: its patterns in order, then its other ratios and growth figures."""
    everything = [m for m in registry.all_metrics() if m.key.startswith(front.prefixes)]
    chosen: dict[str, Metric] = {}
    for pattern in front.tiles:
        for metric in everything:
            if fnmatchcase(metric.key, pattern):
                chosen.setdefault(metric.key, metric)
    for metric in everything:
        if not metric.stored and metric.kind.name in ("ratio", "yoy") and not metric.key.startswith(
                ("prevention.test_coverage_", "prevention.lead_")):
            chosen.setdefault(metric.key, metric)
    return list(chosen.values())[:MAX_TILES_PER_FRONT]


def default_period(date_from: datetime.date | None, date_to: datetime.date | None,
                   days: int = DEFAULT_DAYS) -> tuple[datetime.date, datetime.date]:
    date_to = date_to or timezone.localdate()
    if date_from is None:  # out-of-range days are left for selectors.clean_period to refuse (422)
        date_from = max(date_to, selectors.EARLIEST + datetime.timedelta(days=days - 1)) - datetime.timedelta(
            days=days - 1)
    return date_from, date_to


@dataclass
class Tile:
    metric: Metric
    value: object
    yoy: object = None
    direct: object = None
    children: list = field(default_factory=list)


@dataclass
class Dashboard:
    region: object
    trail: list
    children: list
    date_from: datetime.date
    date_to: datetime.date
    fronts: list  # (Front, [Tile])
    trends: list  # (Trend, [(Metric, [value per day])])
    days: list
    default_bar: str | None


def build(user, region_code: str | None = None, date_from: datetime.date | None = None,
          date_to: datetime.date | None = None, *, with_trends: bool = True) -> Dashboard:
    """The dashboard of a region of the user's jurisdiction over [from, to] (default: the last 30 days).

    Three reads of the rollups: the tiles with their per-child values (cumulative ones as of `to`, flows
    over the period), the trends as daily series, and the same tiles one year earlier for the growth."""
    date_from, date_to = default_period(date_from, date_to)
    fronts = [(front, front_metrics(front)) for front in FRONTS]
    tile_keys = list(dict.fromkeys(m.key for _f, metrics in fronts for m in metrics))
    if not tile_keys:  # nothing declared at all: still check the caller and the region
        region = selectors.visible_region(user, region_code)
        selectors.clean_period(date_from, date_to, None)
        return Dashboard(region, selectors.visible_ancestors(user, region), [], date_from, date_to, [], [], [], None)
    now = selectors.values(user, tile_keys, region_code, date_from, date_to, group="children")
    region = now.region
    by_key = {item.metric.key: item for item in now.values}
    stored = [k for k in tile_keys if registry.get(k).stored]
    earlier = {}
    if stored and date_from.year > selectors.EARLIEST.year:
        before = selectors.values(user, stored, region.code, selectors.year_earlier(date_from),
                                  selectors.year_earlier(date_to))
        earlier = {item.metric.key: item.value for item in before.values}
    children = [child for child, _value in now.values[0].children]

    def tile(metric: Metric) -> Tile:
        item = by_key[metric.key]
        yoy = selectors.growth(item.value, earlier.get(metric.key)) if metric.key in earlier else None
        return Tile(metric, item.value, yoy, item.direct_value, [value for _child, value in item.children])

    trends, days = [], []
    if with_trends:
        trend_metrics = [(trend, declared(trend.keys)) for trend in TRENDS]
        trend_keys = list(dict.fromkeys(m.key for _t, metrics in trend_metrics for m in metrics))
        if trend_keys and (date_to - date_from).days < selectors.MAX_SERIES_DAYS:
            series = selectors.values(user, trend_keys, region.code, date_from, date_to, group="day")
            by_series = {item.metric.key: item.series for item in series.values}
            days = [day for day, _value in series.values[0].series]
            trends = [(trend, [(m, [value for _day, value in by_series[m.key]]) for m in metrics])
                      for trend, metrics in trend_metrics if metrics]
    default_bar = next((k for k in DEFAULT_BAR if k in by_key), tile_keys[0])
    return Dashboard(
        region=region, trail=selectors.visible_ancestors(user, region), children=children,
        date_from=date_from, date_to=date_to,
        fronts=[(front, [tile(m) for m in metrics]) for front, metrics in fronts if metrics],
        trends=trends, days=days, default_bar=default_bar)


def breakdown_tiles(dashboard: Dashboard) -> list[Tile]:
    """The briefing's per-district columns: the BREAKDOWN figures among the tiles, in that order."""
    tiles = {tile.metric.key: tile for _front, front_tiles in dashboard.fronts for tile in front_tiles}
    return [tiles[k] for k in BREAKDOWN if k in tiles]


def to_json(dashboard: Dashboard) -> dict:
    """The data of the page (GET /api/v1/command/dashboard): numbers as the metrics API gives them."""

    def number(metric, value):
        return selectors.number(metric, value)

    def tile_out(tile: Tile) -> dict:
        metric = tile.metric
        return {"key": metric.key, "label": str(metric.label), "unit": str(metric.display_unit),
                "kind": metric.kind.name, "cumulative": metric.cumulative, "percent": is_percent(metric),
                "value": number(metric, tile.value),
                "yoy": None if tile.yoy is None else round(float(tile.yoy), 2),
                "direct_value": number(metric, tile.direct),
                "children": [number(metric, value) for value in tile.children]}

    region = dashboard.region
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "trail": [{"code": r.code, "name": r.name, "level": r.level} for r in dashboard.trail],
        "children": [{"code": r.code, "name": r.name, "level": r.level} for r in dashboard.children],
        "from": dashboard.date_from, "to": dashboard.date_to,
        "generated_at": timezone.now(),
        "refresh_seconds": REFRESH_SECONDS,
        "default_bar": dashboard.default_bar,
        "fronts": [{"key": front.key, "label": str(front.label), "tiles": [tile_out(t) for t in tiles]}
                   for front, tiles in dashboard.fronts],
        "days": dashboard.days,
        "trends": [{"key": trend.key, "title": str(trend.title), "percent": all(is_percent(m) for m, _v in lines),
                    "series": [{"key": m.key, "label": str(m.label), "unit": str(m.display_unit),
                                "values": [number(m, v) for v in values]} for m, values in lines]}
                   for trend, lines in dashboard.trends],
    }
