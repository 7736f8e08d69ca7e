"""Quarantine occupancy (guests in / capacity of the designated sites), releases due and releases."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric, Ratio, Sum
from twofront.prevention.choices import StayStatus
from twofront.prevention.models import QuarantineSite, QuarantineStay

ACTIVE = Q(status=StayStatus.ACTIVE)

METRICS = [
    # Guests still in quarantine, counted on the day they arrived: read cumulatively, "in quarantine now".
    Metric("prevention.quarantine_guests", _("Persons in quarantine"), unit=_("persons"),
           kind=Count(QuarantineStay, filter=ACTIVE, region="site__region", day="starts_on", cumulative=True)),
    Metric("prevention.quarantine_sites", _("Designated quarantine sites"), unit=_("sites"),
           kind=Count(QuarantineSite, filter=Q(active=True), region="region", day="opened_on", cumulative=True),
           description=_("Active designated quarantine hotels, from the day they were designated.")),
    Metric("prevention.quarantine_sites_hubei", _("Designated hotels for travellers from Hubei"), unit=_("sites"),
           kind=Count(QuarantineSite, filter=Q(active=True, for_hubei_travellers=True), region="region",
                      day="opened_on", cumulative=True)),
    Metric("prevention.quarantine_rooms", _("Rooms in designated quarantine sites"), unit=_("rooms"),
           kind=Sum(QuarantineSite, "rooms", filter=Q(active=True), region="region", day="opened_on",
                    cumulative=True)),
    Metric("prevention.quarantine_capacity", _("Quarantine capacity"), unit=_("persons"),
           kind=Sum(QuarantineSite, "capacity", filter=Q(active=True), region="region", day="opened_on",
                    cumulative=True)),
    Metric("prevention.quarantine_occupancy", _("Quarantine occupancy"),
           kind=Ratio("prevention.quarantine_guests", "prevention.quarantine_capacity")),
    Metric("prevention.quarantine_releases_due", _("Quarantine releases due"), unit=_("persons"),
           kind=Count(QuarantineStay, filter=ACTIVE, region="site__region", day="ends_on"),
           description=_("Guests still in quarantine whose planned end falls on the day.")),
    Metric("prevention.quarantine_released", _("Released from quarantine"), unit=_("persons"),
           kind=Count(QuarantineStay, filter=Q(status=StayStatus.RELEASED), region="site__region", day="released_at")),
]
