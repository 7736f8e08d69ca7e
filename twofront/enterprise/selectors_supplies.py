"""Scoped reads of supply requests and suppliers, shared by pages and API."""

from django.db.models import Count, Prefetch, Q, QuerySet

from twofront.core.models import Region
from twofront.enterprise.choices import SupplyStatus
from twofront.enterprise.models import Allocation, Supplier, SupplyRequest, SupplyRequestLine
from twofront.enterprise.services.supplies import OPEN_STATUSES


def supply_requests(user, *, status: str | None = None, enterprise_id: int | None = None,
                    open_only: bool = False) -> QuerySet:
    lines = SupplyRequestLine.objects.order_by("pk").prefetch_related(
        Prefetch("allocations", Allocation.objects.select_related("supplier").order_by("pk")))
    qs = (SupplyRequest.objects.visible_to(user).select_related("enterprise__region")
          .prefetch_related(Prefetch("lines", lines)))
    if status:
        qs = qs.filter(status=status)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs


def supply_figures(user) -> dict[str, int]:
    """Open and fulfilled (received) requests the user can see."""
    return SupplyRequest.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        fulfilled=Count("pk", filter=Q(status=SupplyStatus.RECEIVED)))


def suppliers(user, *, region: str | None = None, name: str | None = None) -> QuerySet:
    qs = Supplier.objects.visible_to(user).select_related("region").prefetch_related("stock")
    if region:
        target = Region.objects.filter(code=region).only("path").first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if name:
        qs = qs.filter(name__contains=name.strip())
    return qs
