from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CheckpointKind(models.TextChoices):
    STATION = "station", _("Railway / bus station")
    AIRPORT = "airport", _("Airport")
    EXPRESSWAY = "expressway", _("Expressway entry")
    ROAD = "road", _("Road entry")


class VehicleType(models.TextChoices):
    CAR = "car", _("Car")
    BUS = "bus", _("Bus / coach")
    TRUCK = "truck", _("Truck")
    VAN = "van", _("Van")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    NONE = "none", _("On foot / no vehicle")


class PassageStatus(models.TextChoices):
    PENDING = "pending", _("Self-registered, awaiting staff")
    CONFIRMED = "confirmed", pgettext_lazy("passage", "Confirmed")  # by staff; not a confirmed case (确诊)


class Decision(models.TextChoices):
    PASS = "pass", _("Pass")
    HANDOVER = "handover", _("Hand over to community")
    QUARANTINE = "quarantine", _("Send to quarantine")
    TURN_BACK = "turn_back", _("Turn back")


class CompoundKind(models.TextChoices):
    URBAN = "urban", _("Urban residential compound group")
    VILLAGE = "village", _("Village group")


class LeadStatus(models.TextChoices):
    PENDING = "pending", _("To visit")
    VISITED = "visited", _("Visited")
    NOT_FOUND = "not_found", _("Not found")


class TestResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class StayStatus(models.TextChoices):
    ACTIVE = "active", _("In quarantine")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred to hospital")


class VenueKind(models.TextChoices):
    KTV = "ktv", _("KTV")
    INTERNET_CAFE = "internet_cafe", _("Internet café")
    LIBRARY = "library", _("Library")
    MUSEUM = "museum", _("Museum")
    SCENIC_SPOT = "scenic_spot", _("Scenic spot")
    CINEMA = "cinema", _("Cinema")
    GYM = "gym", _("Gym")
    OTHER = "other", _("Other")


class VenueState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DISINFECTED = "disinfected", _("Closed and disinfected")
    REOPENED = "reopened", _("Reopened")
