"""Venue closures: a register of public venues and their close -> disinfect -> reopen cycle, with dates.

A venue holds the dates of its current cycle; closing a reopened venue starts a new cycle (the audit
trail keeps the earlier ones). Wrong state -> Conflict (409); a date out of order -> field error (422).
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from twofront.core import audit, scope
from twofront.core.choices import RegionLevel
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region
from twofront.metrics.dirty import touch_many
from twofront.prevention.choices import VenueKind, VenueState
from twofront.prevention.models import Venue
from twofront.prevention.services.community import clean_day, clean_text, require_level

STATE_FIELDS = ["state", "closed_on", "disinfected_on", "reopened_on"]


@transaction.atomic
def create_venue(*, actor, name: str, kind: str, region: Region, address: str = "") -> Venue:
    scope.require(actor, "prevention.add_venue", region=region)
    require_level(region, "region_code", RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
    if kind not in VenueKind.values:
        raise field_error("kind", _("Choose a listed kind of venue."))
    venue = Venue.objects.create(name=clean_text(name, "name", required=True, max_length=128), kind=kind,
                                 region=region, address=clean_text(address, "address", max_length=255))
    audit.record(actor, "prevention.venue.created", venue, changes=audit.diff({}, audit.snapshot(venue)))
    return venue


def _change(venue: Venue, *, actor, verb: str, allowed_from: tuple[str, ...], refusal: str, apply) -> Venue:
    scope.require(actor, "prevention.change_venue", venue)
    venue = Venue.objects.select_for_update().get(pk=venue.pk)  # one state change at a time
    if venue.state not in allowed_from:
        raise Conflict(f"{refusal} ({venue.get_state_display()})")
    before = audit.snapshot(venue, STATE_FIELDS)
    apply(venue)
    venue.save(update_fields=STATE_FIELDS)
    after = audit.snapshot(venue, STATE_FIELDS)
    audit.record(actor, f"prevention.venue.{verb}", venue, changes=audit.diff(before, after))
    # every dated metric of the venue counts on one of these days: mark the old and the new cells
    days = {v[f] for v in (before, after) for f in ("closed_on", "disinfected_on", "reopened_on") if v[f]}
    touch_many(Venue, [(venue.region_id, datetime.date.fromisoformat(d)) for d in days])
    return venue


@transaction.atomic
def close_venue(venue: Venue, *, actor, on: datetime.date) -> Venue:
    def apply(v: Venue) -> None:
        v.closed_on = clean_day(on, "on", not_before=v.reopened_on)
        v.state, v.disinfected_on, v.reopened_on = VenueState.CLOSED, None, None

    return _change(venue, actor=actor, verb="closed", allowed_from=(VenueState.OPEN, VenueState.REOPENED),
                   refusal=_("The venue is already closed."), apply=apply)


@transaction.atomic
def disinfect_venue(venue: Venue, *, actor, on: datetime.date) -> Venue:
    def apply(v: Venue) -> None:
        v.disinfected_on = clean_day(on, "on", not_before=v.disinfected_on or v.closed_on)
        v.state = VenueState.DISINFECTED

    return _change(venue, actor=actor, verb="disinfected", allowed_from=(VenueState.CLOSED, VenueState.DISINFECTED),
                   refusal=_("Only a closed venue is disinfected."), apply=apply)


@transaction.atomic
def reopen_venue(venue: Venue, *, actor, on: datetime.date) -> Venue:
    """Only a disinfected venue reopens (the city's rule: disinfect before reopening)."""
    def apply(v: Venue) -> None:
        v.reopened_on = clean_day(on, "on", not_before=v.disinfected_on)
        v.state = VenueState.REOPENED

    return _change(venue, actor=actor, verb="reopened", allowed_from=(VenueState.DISINFECTED,),
                   refusal=_("Only a closed and disinfected venue reopens."), apply=apply)
