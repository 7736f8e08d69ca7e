"""Venue closures: venues closed, disinfected and reopened, each counted on its day, read cumulatively
(the state as of today, by the day it was reached)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric
from twofront.prevention.choices import VenueState
from twofront.prevention.models import Venue

METRICS = [
    Metric("prevention.venues_closed", _("Venues closed"), unit=_("venues"),
           kind=Count(Venue, filter=Q(state__in=[VenueState.CLOSED, VenueState.DISINFECTED]), day="closed_on",
                      cumulative=True)),
    Metric("prevention.venues_disinfected", _("Venues disinfected"), unit=_("venues"),
           kind=Count(Venue, filter=Q(state__in=[VenueState.DISINFECTED, VenueState.REOPENED]), day="disinfected_on",
                      cumulative=True)),
    Metric("prevention.venues_reopened", _("Venues reopened"), unit=_("venues"),
           kind=Count(Venue, filter=Q(state=VenueState.REOPENED), day="reopened_on", cumulative=True)),
]
