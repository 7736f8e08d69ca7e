"""Reads of the daily information reports, in the reader's jurisdiction (a district: its own; the city: all)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from twofront.command.models import InformationReport
from twofront.command.services.reports import VIEW, figure_keys
from twofront.core import scope
from twofront.core.models import Region
from twofront.metrics import registry


def require_view(user) -> None:
    if not scope.has_permission_anywhere(user, VIEW):
        raise PermissionDenied(VIEW)


def reports(user, *, day=None, region: str | None = None, status: str | None = None) -> QuerySet:
    require_view(user)
    qs = InformationReport.objects.visible_to(user).select_related("region", "submitted_by")
    if day:
        qs = qs.filter(day=day)
    if region:
        target = Region.objects.filter(code=region).first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-day", "region__code")


def report_or_404(user, pk: int) -> InformationReport:
    return scope.get_visible_or_404(InformationReport.objects.select_related("region", "submitted_by"), user, pk=pk)


@dataclass
class Figure:
    key: str
    label: Any
    unit: Any
    value: float | int | None


def figure_rows(figures: dict) -> list[Figure]:
    """A report's figures in the configured order, labelled from the registry (unknown keys last, raw)."""
    keys = [k for k in figure_keys() if k in figures] + [k for k in figures if k not in figure_keys()]
    rows = []
    for key in keys:
        metric = registry.get(key) if registry.is_declared(key) else None
        rows.append(Figure(key, metric.label if metric else key, metric.display_unit if metric else "",
                           figures[key]))
    return rows
