"""Scoped reads of quarantine sites and stays: occupancy, today's guests, releases due."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from twofront.prevention.choices import StayStatus
from twofront.prevention.models import QuarantineSite, QuarantineStay, StayHealthCheck
from twofront.prevention.selectors_testing import in_region, require_view


def _due(today) -> Q:
    return Q(stays__status=StayStatus.ACTIVE, stays__ends_on__lte=today)


def sites(user, *, region: str | None = None, active: bool | None = None) -> QuerySet:
    """Sites with their guests now and releases due (planned end today or past, not yet released)."""
    today = timezone.localdate()
    qs = (QuarantineSite.objects.visible_to(user).select_related("region")
          .annotate(guests=Count("stays", filter=Q(stays__status=StayStatus.ACTIVE)),
                    releases_due=Count("stays", filter=_due(today)))
          .order_by("name"))  # GROUP BY queries drop Meta.ordering
    if active is not None:
        qs = qs.filter(active=active)
    return in_region(qs, region)


def stays(user, *, site_id: int | None = None, status: str | None = None, due: bool | None = None,
          person_id: int | None = None) -> QuerySet:
    today = timezone.localdate()
    qs = (QuarantineStay.objects.visible_to(user).select_related("person", "site")
          .prefetch_related(Prefetch("checks", StayHealthCheck.objects.order_by("day")))
          .annotate(checked_today=Exists(StayHealthCheck.objects.filter(stay=OuterRef("pk"), day=today))))
    if site_id:
        qs = qs.filter(site_id=site_id)
    if status:
        qs = qs.filter(status=status)
    if due is not None:
        due_q = Q(status=StayStatus.ACTIVE, ends_on__lte=today)
        qs = qs.filter(due_q) if due else qs.exclude(due_q)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs


def require_stay_view(user) -> None:
    require_view(user, QuarantineStay)
