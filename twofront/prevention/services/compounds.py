"""Closed management (封闭式管理) of compound groups: closures, monitoring posts, their rosters and daily counts.

Pages, API and commands call these; every one checks the policy, writes one audit event and marks the
metric cells it changes.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from twofront.core import audit, scope
from twofront.core.choices import RegionLevel
from twofront.core.errors import Conflict, field_error
from twofront.core.models import DutyShift, PostType, Region
from twofront.metrics.dirty import touch
from twofront.prevention.choices import CompoundKind
from twofront.prevention.models import ClosurePeriod, CompoundGroup, MonitoringPost, PostDailyCount
from twofront.prevention.services.community import clean_day, clean_moment, clean_text, require_level

MAX_DAILY_COUNT = 1_000_000
MAX_SHIFT = datetime.timedelta(hours=24)
ROSTER_AHEAD_DAYS = 31


@transaction.atomic
def create_compound(*, actor, name: str, kind: str, region: Region, households: int = 0) -> CompoundGroup:
    """A compound group under a community / village (or one of its grids)."""
    scope.require(actor, "prevention.add_compoundgroup", region=region)
    require_level(region, "region_code", RegionLevel.COMMUNITY, RegionLevel.GRID)
    if kind not in CompoundKind.values:
        raise field_error("kind", _("Choose urban compound group or village group."))
    if not 0 <= households <= MAX_DAILY_COUNT:
        raise field_error("households", _("Enter 0 to %(n)s.") % {"n": MAX_DAILY_COUNT})
    compound = CompoundGroup.objects.create(name=clean_text(name, "name", required=True, max_length=128), kind=kind,
                                            region=region, households=households)
    audit.record(actor, "prevention.compound.created", compound, changes=audit.diff({}, audit.snapshot(compound)))
    return compound


def _locked(compound: CompoundGroup) -> CompoundGroup:
    """Row lock on the compound: two officials cannot open (or end) the same closure at once."""
    return CompoundGroup.objects.select_for_update().select_related("region").get(pk=compound.pk)


def _touch_closure(closure: ClosurePeriod, region_id: int) -> None:
    touch(ClosurePeriod, region_id=region_id, day=closure.starts_on)


@transaction.atomic
def start_closure(compound: CompoundGroup, *, actor, starts_on: datetime.date, note: str = "") -> ClosurePeriod:
    scope.require(actor, "prevention.change_compoundgroup", compound)
    compound = _locked(compound)
    if compound.closures.filter(ends_on__isnull=True).exists():
        raise Conflict(_("The compound is already under closed management."))
    last = compound.closures.order_by("-ends_on").values_list("ends_on", flat=True).first()
    starts_on = clean_day(starts_on, "starts_on", not_before=last)
    closure = ClosurePeriod.objects.create(compound=compound, starts_on=starts_on,
                                           note=clean_text(note, "note"))
    audit.record(actor, "prevention.closure.started", compound, changes={"starts_on": [None, str(starts_on)]},
                 reason=closure.note)
    _touch_closure(closure, compound.region_id)
    return closure


@transaction.atomic
def end_closure(compound: CompoundGroup, *, actor, ends_on: datetime.date, note: str = "") -> ClosurePeriod:
    scope.require(actor, "prevention.change_compoundgroup", compound)
    compound = _locked(compound)
    closure = compound.closures.filter(ends_on__isnull=True).first()
    if closure is None:
        raise Conflict(_("The compound is not under closed management."))
    closure.ends_on = clean_day(ends_on, "ends_on", not_before=closure.starts_on)
    closure.note = clean_text(note, "note") or closure.note
    closure.save(update_fields=["ends_on", "note"])
    audit.record(actor, "prevention.closure.ended", compound, changes={"ends_on": [None, str(closure.ends_on)]},
                 reason=note)
    _touch_closure(closure, compound.region_id)
    return closure


@transaction.atomic
def create_post(compound: CompoundGroup, *, actor, name: str) -> MonitoringPost:
    """A monitoring post (监测岗) at one of the compound's gates; it lies in the compound's region."""
    scope.require(actor, "prevention.add_monitoringpost", compound)
    post = MonitoringPost.objects.create(compound=compound, name=clean_text(name, "name", required=True, max_length=128),
                                         region=compound.region)
    audit.record(actor, "prevention.post.created", post, changes={"compound": compound.pk, "name": post.name})
    touch(MonitoringPost, region_id=post.region_id, day=post.created_at)
    return post


@transaction.atomic
def add_post_shift(post: MonitoringPost, *, actor, starts_at: datetime.datetime, ends_at: datetime.datetime,
                   staff_name: str, user=None, is_leader: bool = False, handover_note: str = "") -> DutyShift:
    """One shift on the post's roster, in the one roster model of core (post_type monitoring_post)."""
    scope.require(actor, "core.change_dutyshift", post)
    staff_name = clean_text(staff_name or (user.display_name or user.get_username() if user else ""), "staff_name",
                            required=True, max_length=64)
    starts_at = clean_moment(starts_at, "starts_at", future_days=ROSTER_AHEAD_DAYS)
    ends_at = clean_moment(ends_at, "ends_at", future_days=ROSTER_AHEAD_DAYS + 1)
    if not datetime.timedelta(0) < ends_at - starts_at <= MAX_SHIFT:
        raise field_error("ends_at", _("A shift ends after it starts and lasts at most 24 hours."))
    shift = DutyShift.objects.create(
        post_type=PostType.MONITORING_POST, post_id=post.pk, post_name=str(post)[:128], region=post.region,
        starts_at=starts_at, ends_at=ends_at, user=user, staff_name=staff_name, is_leader=is_leader,
        handover_note=clean_text(handover_note, "handover_note", max_length=2000))
    audit.record(actor, "prevention.post.shift_added", shift, changes={
        "post": post.pk, "starts_at": str(starts_at), "ends_at": str(ends_at), "staff_name": staff_name,
        "is_leader": is_leader})
    return shift


@transaction.atomic
def remove_post_shift(shift: DutyShift, *, actor) -> None:
    scope.require(actor, "core.change_dutyshift", shift)
    snapshot = {"post": shift.post_id, "starts_at": str(shift.starts_at), "staff_name": shift.staff_name}
    pk, label, region = shift.pk, str(shift), shift.region
    shift.delete()
    shift.pk = pk
    audit.record(actor, "prevention.post.shift_removed", shift, changes=audit.diff(snapshot, {}), region=region,
                 object_repr=label)


@transaction.atomic
def record_post_count(post: MonitoringPost, *, actor, day: datetime.date, entries: int,
                      exits: int) -> PostDailyCount:
    """The day's people in and out at a post: one record per post and day; a second entry replaces it."""
    scope.require(actor, "prevention.add_postdailycount", post)
    if not post.active:
        raise Conflict(_("The post is no longer active."))
    day = clean_day(day, "day")
    for field, value in (("entries", entries), ("exits", exits)):
        if not isinstance(value, int) or not 0 <= value <= MAX_DAILY_COUNT:
            raise field_error(field, _("Enter 0 to %(n)s.") % {"n": MAX_DAILY_COUNT})
    count = PostDailyCount.objects.select_for_update().filter(post=post, day=day).first()
    if count is None:
        try:
            with transaction.atomic():  # a concurrent first entry wins the unique (post, day); then update it
                count = PostDailyCount.objects.create(post=post, day=day, entries=entries, exits=exits,
                                                      recorded_by=actor, region=post.region)
        except IntegrityError:
            count = PostDailyCount.objects.select_for_update().get(post=post, day=day)
        else:
            audit.record(actor, "prevention.post_count.recorded", count,
                         changes={"day": str(day), "entries": [None, entries], "exits": [None, exits]})
            touch(PostDailyCount, region_id=post.region_id, day=day)
            return count
    before = audit.snapshot(count, ["entries", "exits", "recorded_by_id"])
    count.entries, count.exits, count.recorded_by = entries, exits, actor
    count.save(update_fields=["entries", "exits", "recorded_by"])
    audit.record(actor, "prevention.post_count.updated", count,
                 changes=audit.diff(before, audit.snapshot(count, ["entries", "exits", "recorded_by_id"])))
    touch(PostDailyCount, region_id=post.region_id, day=day)
    return count
