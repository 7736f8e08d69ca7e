"""Reading metrics: only rollups, scoped to the caller's jurisdiction.

Rollups are pre-summed up the region tree, so a stored metric of a region is the sum of that region's
rows over the period's days (its children's rows for a breakdown): a few small indexed queries,
whatever the number of records. Ratios and year-on-year growth are computed here from the summed
components of the same region and period, never stored.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import scope
from twofront.core.models import Region
from twofront.metrics import registry
from twofront.metrics.models import Rollup
from twofront.metrics.registry import Metric, Ratio, YearOverYear

PERMISSION = "core.view_metric"
GROUPS = ("children", "day")
EARLIEST, LATEST = datetime.date(1970, 1, 1), datetime.date(2099, 12, 31)
MAX_SERIES_DAYS = 366
ZERO = Decimal(0)

Period = tuple[datetime.date, datetime.date]
Frame = dict  # group -> value; None is the whole region and period, then child codes ("" = the region's own
              # records, in no child) or days


@dataclass
class MetricValue:
    metric: Metric
    value: Decimal | None
    direct_value: Decimal | None = None
    children: list[tuple[Region, Decimal | None]] | None = None
    series: list[tuple[datetime.date, Decimal | None]] | None = None


@dataclass
class MetricValues:
    region: Region
    date_from: datetime.date
    date_to: datetime.date
    group: str | None
    values: list[MetricValue]


def year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _days(period: Period) -> list[datetime.date]:
    first, last = period
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def parse_keys(keys: str | list[str] | None) -> list[Metric]:
    """Declared metrics by key ("a,b" or a list); all of them when none is given. Unknown -> 422."""
    if isinstance(keys, str):
        keys = keys.split(",")
    wanted = list(dict.fromkeys(k.strip() for k in keys or () if k.strip()))
    unknown = [k for k in wanted if not registry.is_declared(k)]
    if unknown:
        raise ValidationError({"keys": [_("Unknown metric: %(keys)s") % {"keys": ", ".join(unknown)[:200]}]})
    return [registry.get(k) for k in wanted] if wanted else registry.all_metrics()


def clean_period(date_from: datetime.date | None, date_to: datetime.date | None, group: str | None) -> Period:
    """`to` defaults to today, `from` to `to` (one day)."""
    date_to = date_to or max(min(timezone.localdate(), LATEST), date_from or EARLIEST)
    date_from = date_from or date_to
    errors = {}
    for name, value in (("from", date_from), ("to", date_to)):
        if not EARLIEST <= value <= LATEST:
            errors[name] = [_("Choose a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}]
    if not errors and date_from > date_to:
        errors["from"] = [_("The period cannot start after it ends.")]
    if not errors and group == "day" and (date_to - date_from).days >= MAX_SERIES_DAYS:
        errors["to"] = [_("A daily series covers at most %(days)s days.") % {"days": MAX_SERIES_DAYS}]
    if group not in (None, *GROUPS):
        errors["group"] = [_("Group by children or day.")]
    if errors:
        raise ValidationError(errors)
    return date_from, date_to


def top_region(user) -> Region | None:
    """The region of the user's highest assignment that lets them read metrics."""
    regions = [a.region for a in scope.granting(user, PERMISSION) if a.region_id]
    if regions:
        return min(regions, key=lambda r: (r.depth, r.path))
    if getattr(user, "is_superuser", False) and user.is_active:
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def visible_region(user, code: str | None) -> Region:
    """The region asked for (default: the user's top region); outside the jurisdiction -> 404."""
    if not scope.has_permission_anywhere(user, PERMISSION):
        raise PermissionDenied(PERMISSION)
    region = Region.objects.filter(code=code).first() if code else top_region(user)
    if region is None and not code:
        raise PermissionDenied(PERMISSION)
    if region is None or not scope.covers(user, PERMISSION, region=region):
        raise Http404
    return region


class _Reader:
    """Evaluates metrics for one region and group, fetching each period's stored rollups once."""

    def __init__(self, region: Region, group: str | None, children: list[Region]):
        self.region, self.group, self.children = region, group, children
        self.stored: dict[Period, dict[str, Frame]] = {}

    def groups(self, period: Period) -> list:
        if self.group == "children":
            return [None, "", *(child.code for child in self.children)]
        if self.group == "day":
            return [None, *_days(period)]
        return [None]

    def needs(self, metric: Metric, period: Period, wanted: dict[Period, set[str]]) -> None:
        kind = metric.kind
        if metric.stored:
            wanted.setdefault(period, set()).add(metric.key)
        elif isinstance(kind, YearOverYear):
            base = registry.get(kind.base_key)
            self.needs(base, period, wanted)
            self.needs(base, (year_earlier(period[0]), year_earlier(period[1])), wanted)
        else:
            for key in metric.depends_on:
                self.needs(registry.get(key), period, wanted)

    def load(self, metrics: list[Metric], period: Period) -> None:
        wanted: dict[Period, set[str]] = {}
        for metric in metrics:
            self.needs(metric, period, wanted)
        for each_period, keys in wanted.items():
            self.stored[each_period] = self.fetch([registry.get(k) for k in sorted(keys)], each_period)

    def frame(self, metric: Metric, period: Period) -> Frame:
        kind = metric.kind
        if metric.stored:
            return self.stored[period][metric.key]
        if isinstance(kind, Ratio):
            numerator = self.frame(registry.get(kind.numerator_key), period)
            denominator = self.frame(registry.get(kind.denominator_key), period)
            days = len(_days(period)) if kind.per_day else 1
            return {g: ratio(numerator[g], denominator[g] * (1 if isinstance(g, datetime.date) else days),
                             kind.percent) for g in numerator}
        base = self.frame(registry.get(kind.base_key), period)
        earlier = self.frame(registry.get(kind.base_key), (year_earlier(period[0]), year_earlier(period[1])))
        return {g: growth(value, earlier[year_earlier(g) if isinstance(g, datetime.date) else g])
                for g, value in base.items()}

    def fetch(self, metrics: list[Metric], period: Period) -> dict[str, Frame]:
        """Sums of the pre-summed rollups of the region (and of its children): (children x days) rows."""
        first, last = period
        cumulative = [m.key for m in metrics if m.cumulative]
        flows = [m.key for m in metrics if not m.cumulative]
        frames: dict[str, Frame] = {m.key: dict.fromkeys(self.groups(period), ZERO) for m in metrics}
        own = Rollup.objects.filter(region=self.region)
        if self.group == "day":
            rows = (own.filter(key__in=cumulative + flows, day__range=period)
                    .values_list("key", "day").annotate(total=Sum("value")).order_by())
            for key, day, total in rows:
                frames[key][day] = total
            opening = dict(own.filter(key__in=cumulative, day__lt=first).values_list("key")
                           .annotate(total=Sum("value")).order_by()) if cumulative else {}
            for key, frame in frames.items():
                running = opening.get(key) or ZERO
                for day in _days(period):
                    running += frame[day]
                    if key in cumulative:
                        frame[day] = running
                frame[None] = running
            return frames
        codes = {self.region.pk: None, **{child.pk: child.code for child in self.children}}
        days = Q(key__in=cumulative, day__lte=last) | Q(key__in=flows, day__range=period)
        rows = (Rollup.objects.filter(days, region_id__in=list(codes)).values_list("key", "region_id")
                .annotate(total=Sum("value")).order_by())
        for key, region_id, total in rows:
            frames[key][codes[region_id]] = total
        if self.group == "children":  # the region's own records, in no child: metrics add up
            for frame in frames.values():
                frame[""] = frame[None] - sum(frame[child.code] for child in self.children)
        return frames


def ratio(numerator, denominator, percent: bool) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * (100 if percent else 1)


def growth(value, earlier) -> Decimal | None:
    if value is None or not earlier:
        return None
    return (value - earlier) / earlier * 100


def values(user, keys: str | list[str] | None = None, region_code: str | None = None,
           date_from: datetime.date | None = None, date_to: datetime.date | None = None,
           group: str | None = None) -> MetricValues:
    """Metric values for a region in the caller's jurisdiction (default: their top region) over
    [date_from, date_to]; group "children" adds a value per child region, "day" a daily series.
    Not allowed to read metrics -> 403, unknown keys or bad dates -> 422, region outside -> 404."""
    if not scope.has_permission_anywhere(user, PERMISSION):
        raise PermissionDenied(PERMISSION)
    metrics = parse_keys(keys)
    period = clean_period(date_from, date_to, group)
    region = visible_region(user, region_code)
    children = list(Region.objects.filter(parent=region).order_by("code")) if group == "children" else []
    reader = _Reader(region, group, children)
    reader.load(metrics, period)
    results = []
    for metric in metrics:
        frame = reader.frame(metric, period)
        result = MetricValue(metric, frame[None])
        if group == "children":
            result.direct_value = frame[""]
            result.children = [(child, frame[child.code]) for child in children]
        elif group == "day":
            result.series = [(day, frame[day]) for day in _days(period)]
        results.append(result)
    return MetricValues(region, period[0], period[1], group, results)


def number(metric: Metric, value: Decimal | None) -> int | float | None:
    """Counts and sums as plain numbers (int when whole), ratios and growth rounded to 2 places."""
    if value is None:
        return None
    if not metric.stored:
        return round(float(value), 2)
    return int(value) if value == value.to_integral_value() else float(value)


def catalog(user) -> list[Metric]:
    if not scope.has_permission_anywhere(user, PERMISSION):
        raise PermissionDenied(PERMISSION)
    return registry.all_metrics()


def visible_ancestors(user, region: Region) -> list[Region]:
    """The region and those above it that the user may read, top down (a breadcrumb)."""
    ancestors = Region.objects.filter(code__in=region.ancestor_codes).order_by("depth")
    return [r for r in ancestors if scope.covers(user, PERMISSION, region=r)]
