"""Metric declarations. Each app lists `METRICS = [Metric(...), ...]` in `<app>/metrics.py`; the engine
discovers them when Django starts (MetricsConfig.ready) and serves every one the same way.

Count and Sum are *stored*: the engine keeps their daily per-region rollups. Ratio and YearOverYear are
*derived*: computed at read time from the summed rollups of the metrics they name, never stored.
"""

import sys
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class _Stored:
    model: type[models.Model] | str
    filter: Q | None
    region: str
    day: str
    cumulative: bool

    @property
    def source(self) -> type[models.Model]:
        return apps.get_model(self.model) if isinstance(self.model, str) else self.model

    def source_filter(self) -> Q:
        return self.filter if self.filter is not None else Q()


@dataclass(frozen=True)
class Count(_Stored):
    """How many records of `model` (matching `filter`) fall on each (region, day).

    `region` and `day` are lookups on the model ("region", "site__region", "created_at", "resumed_on");
    `day` may be a DateField or a DateTimeField (cut into days in settings.TIME_ZONE). A cumulative
    metric reads as the total of every day up to the end of the period (e.g. persons registered as of a
    date); otherwise as the total of the days inside the period."""

    model: type[models.Model] | str
    filter: Q | None = None
    region: str = "region"
    day: str = "created_at"
    cumulative: bool = False

    name = "count"

    def aggregate(self) -> models.Aggregate:
        return models.Count("pk")


@dataclass(frozen=True)
class Sum(_Stored):
    """The total of `field` over the records of each (region, day); empty (NULL) values are left out."""

    model: type[models.Model] | str
    field: str
    filter: Q | None = None
    region: str = "region"
    day: str = "created_at"
    cumulative: bool = False

    name = "sum"

    def aggregate(self) -> models.Aggregate:
        return models.Sum(self.field)

    def source_filter(self) -> Q:
        return super().source_filter() & Q(**{f"{self.field}__isnull": False})


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator (x 100 when `percent`), from the summed components; None when the denominator is 0."""

    numerator_key: str
    denominator_key: str
    percent: bool = True
    # A daily flow over a stock (check-ins per employee): over several days, divide by the number of
    # days too, so the figure reads as the daily average share and never passes 100 % by adding days.
    per_day: bool = False

    name = "ratio"
    cumulative = False

    @property
    def depends_on(self) -> tuple[str, ...]:
        return (self.numerator_key, self.denominator_key)


@dataclass(frozen=True)
class YearOverYear:
    """Growth in percent of `base_key` over the same period one year earlier; None when that base is 0."""

    base_key: str

    name = "yoy"
    cumulative = False

    @property
    def depends_on(self) -> tuple[str, ...]:
        return (self.base_key,)


Kind = Count | Sum | Ratio | YearOverYear
KIND_LABELS = {"count": _("Count"), "sum": _("Sum"), "ratio": _("Ratio"), "yoy": _("Year-on-year growth")}


@dataclass(frozen=True)
class Metric:
    key: str  # "<app>.<name>", stable: rollups and API clients use it
    label: Any  # lazy gettext, English source
    kind: Kind
    unit: Any = ""  # lazy gettext; "%" by default for percentages
    description: Any = ""
    dimensions: tuple[str, ...] = field(default=("region", "day"), init=False)

    @property
    def stored(self) -> bool:
        return isinstance(self.kind, _Stored)

    @property
    def cumulative(self) -> bool:
        return bool(self.kind.cumulative)

    @property
    def display_unit(self):
        if self.unit:
            return self.unit
        return "%" if isinstance(self.kind, YearOverYear) or getattr(self.kind, "percent", False) else ""

    @property
    def depends_on(self) -> tuple[str, ...]:
        return getattr(self.kind, "depends_on", ())


_METRICS: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for metric in metrics:
        known = _METRICS.get(metric.key)
        if known is not None and known != metric:
            raise ImproperlyConfigured(f"metric {metric.key!r} is declared twice")
        _METRICS[metric.key] = metric


def unregister(*keys: str) -> None:
    for key in keys:
        _METRICS.pop(key, None)


def get(key: str) -> Metric:
    return _METRICS[key]


def is_declared(key: str) -> bool:
    return key in _METRICS


def all_metrics() -> list[Metric]:
    return list(_METRICS.values())


def stored_metrics(source_label: str | None = None) -> list[Metric]:
    """Metrics with rollups, optionally only those computed from one model ("core.person")."""
    return [m for m in _METRICS.values()
            if m.stored and (source_label is None or m.kind.source._meta.label_lower == source_label)]


def stored_dependencies(key: str) -> set[str]:
    """The stored metrics a metric is computed from (itself when stored)."""
    metric = get(key)
    if metric.stored:
        return {key}
    return set().union(*(stored_dependencies(k) for k in metric.depends_on))


def check() -> None:
    """Every referenced key is declared and no metric depends on itself."""

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in path:
            raise ImproperlyConfigured(f"metric {key!r} depends on itself: {' -> '.join((*path, key))}")
        if key not in _METRICS:
            raise ImproperlyConfigured(f"metric {path[-1]!r} refers to undeclared metric {key!r}")
        for dependency in _METRICS[key].depends_on:
            visit(dependency, (*path, key))

    for key in _METRICS:
        visit(key, ())


def discover() -> None:
    """Imports `<app>.metrics` of every installed app and registers its METRICS."""
    autodiscover_modules("metrics")
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.metrics")
        if module is not None:
            register(*getattr(module, "METRICS", ()))
    check()
