"""Scoped reads of the venue register (pages and API)."""

from django.db.models import QuerySet

from twofront.core import scope
from twofront.prevention.models import Venue
from twofront.prevention.selectors_compounds import in_region, require_view


def venues(user, *, region: str | None = None, kind: str | None = None, state: str | None = None,
           q: str | None = None) -> QuerySet:
    require_view(user, Venue)
    qs = in_region(Venue.objects.visible_to(user), region).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs


def venue_or_404(user, pk: int) -> Venue:
    return scope.get_visible_or_404(Venue.objects.select_related("region"), user, pk=pk)
