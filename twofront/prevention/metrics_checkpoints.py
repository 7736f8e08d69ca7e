"""Checkpoint figures (逐车逐人检查登记): by the checkpoint's region and the day of registration. Only
confirmed passages count; a self-registration counts once staff confirm it (services touch the cells)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric
from twofront.prevention.choices import Decision, PassageStatus
from twofront.prevention.models import Checkpoint, Passage, PassageTraveller

_CONFIRMED = Q(passage__status=PassageStatus.CONFIRMED)
_PER_PERSON = {"region": "passage__region", "day": "passage__registered_at"}

METRICS = [
    Metric("prevention.checkpoints", _("Checkpoints in operation"), unit=_("checkpoints"),
           kind=Count(Checkpoint, filter=Q(active=True), region="region", day="opened_on", cumulative=True),
           description=_("Active checkpoints at stations and road entries, from the day they were set up.")),
    Metric("prevention.passages", _("Vehicles checked at checkpoints"), unit=_("passages"),
           kind=Count(Passage, filter=Q(status=PassageStatus.CONFIRMED), region="region", day="registered_at"),
           description=_("Passages (a vehicle, or a person on foot) registered at the checkpoints.")),
    Metric("prevention.passage_persons", _("Persons checked at checkpoints"), unit=_("persons"),
           kind=Count(PassageTraveller, filter=_CONFIRMED, **_PER_PERSON),
           description=_("Every person in every registered passage.")),
    Metric("prevention.passage_referrals", _("Checkpoint referrals"), unit=_("persons"),
           kind=Count(PassageTraveller, filter=_CONFIRMED & Q(decision__in=[Decision.HANDOVER, Decision.QUARANTINE]),
                      **_PER_PERSON),
           description=_("Persons handed over to their community or sent to quarantine from a checkpoint.")),
    Metric("prevention.passage_turned_back", _("Turned back at checkpoints"), unit=_("persons"),
           kind=Count(PassageTraveller, filter=_CONFIRMED & Q(decision=Decision.TURN_BACK), **_PER_PERSON),
           description=_("Persons not let into the city at a checkpoint.")),
]
