"""Scoped reads of checkpoints, passages and checkpoint rosters, shared by pages and API."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from twofront.core import risk, scope
from twofront.core.models import DutyShift, Person, PostType, Region
from twofront.prevention.choices import PassageStatus
from twofront.prevention.facts_checkpoints import province_name
from twofront.prevention.models import Checkpoint, Passage, PassageTraveller, PendingTraveller


def _subtree(code: str) -> Region | None:
    return Region.objects.filter(code=code).only("path").first()


EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def clamp_day(day: datetime.date) -> datetime.date:
    """Days typed into filters and addresses, kept inside the years the records can hold."""
    return min(max(day, EARLIEST), LATEST)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(clamp_day(day), datetime.time.min))


def checkpoints(user, *, region: str | None = None, kind: str | None = None, q: str | None = None) -> QuerySet:
    qs = Checkpoint.objects.visible_to(user).select_related("region")
    if region:
        target = _subtree(region)
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs


def checkpoint_by_token(token: str) -> Checkpoint | None:
    """The open checkpoint a QR code names (tokens are URL-safe base64; anything else names none)."""
    if not token or len(token) > 32 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in token):
        return None
    return Checkpoint.objects.filter(self_registration_token=token, active=True).select_related("region").first()


def desk_checkpoints(user) -> QuerySet:
    """The checkpoints where the user registers passages (their staff assignments)."""
    qs = Checkpoint.objects.filter(active=True).select_related("region", "organisation")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(organisation_id__in=[a.organisation_id for a in scope.granting(user, "prevention.add_passage")
                                          if a.organisation_id])


def passage_queryset(qs: QuerySet | None = None) -> QuerySet:
    qs = Passage.objects.all() if qs is None else qs
    return qs.select_related("checkpoint__organisation", "region", "destination").prefetch_related(
        Prefetch("travellers", PassageTraveller.objects.select_related("person").order_by("id")), "pending_travellers")


def passages(user, *, checkpoint: int | None = None, status: str | None = None, decision: str | None = None,
             plate: str | None = None, since: datetime.date | None = None, until: datetime.date | None = None,
             destination: str | None = None, origin_province: str | None = None) -> QuerySet:
    qs = passage_queryset(Passage.objects.visible_to(user))
    if checkpoint:
        qs = qs.filter(checkpoint_id=checkpoint)
    if status:
        qs = qs.filter(status=status)
    if decision:
        qs = qs.filter(Exists(PassageTraveller.objects.filter(passage=OuterRef("pk"), decision=decision)))
    if plate:
        qs = qs.filter(plate__contains=plate.strip().upper())
    if since:
        qs = qs.filter(registered_at__gte=_start_of(since))
    if until:
        qs = qs.filter(registered_at__lt=_start_of(clamp_day(until) + datetime.timedelta(days=1)))
    if destination:
        target = _subtree(destination)
        qs = qs.filter(destination__path__startswith=target.path) if target else qs.none()
    if origin_province:
        qs = qs.filter(origin_province=province_name(origin_province) or origin_province.strip())
    return qs


def pending_passages(checkpoint: Checkpoint) -> list[Passage]:
    """Self-registrations waiting for staff, oldest first, each claim with the registry's risk status
    (`claim.status`, None when the ID is not registered yet)."""
    pending = list(Passage.objects.filter(checkpoint=checkpoint, status=PassageStatus.PENDING)
                   .select_related("destination").prefetch_related("pending_travellers").order_by("registered_at")[:50])
    with_statuses([c for p in pending for c in p.pending_travellers.all()])
    return pending


def with_statuses(claims: list[PendingTraveller]) -> list[PendingTraveller]:
    """Sets `claim.status`: the registry's risk status of the claimed ID (None when not registered yet)."""
    persons = dict(Person.objects.filter(id_number_index__in=[c.id_number_index for c in claims])
                   .values_list("id_number_index", "pk"))
    statuses = risk.statuses_for(list(persons.values())) if persons else {}
    for claim in claims:
        claim.status = statuses.get(persons.get(claim.id_number_index))
    return claims


def recent_passages(checkpoint: Checkpoint, limit: int = 10) -> list[Passage]:
    return list(passage_queryset().filter(checkpoint=checkpoint, status=PassageStatus.CONFIRMED)[:limit])


def shifts(checkpoint: Checkpoint, first: datetime.date, days: int = 7) -> QuerySet:
    """The checkpoint's duty shifts that overlap [first, first + days)."""
    first = clamp_day(first)
    return (DutyShift.objects.filter(post_type=PostType.CHECKPOINT, post_id=checkpoint.pk,
                                     starts_at__lt=_start_of(first + datetime.timedelta(days=days)),
                                     ends_at__gt=_start_of(first))
            .select_related("user").order_by("starts_at", "-is_leader", "staff_name"))
