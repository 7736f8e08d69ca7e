"""值班带班: the command posts' duty roster on core's one roster model (core.DutyShift).

The command centre and the district (and street) command posts keep their rosters here. Checkpoints and
monitoring posts keep theirs on their own pages (the prevention app writes them with the post's id); the
calendar and "on duty now" show every kind, but only command-post shifts are changed through these
functions. A shift that has begun is part of the record: it can be handed over, not moved or removed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.command.services.operations_checks import clean_moment, clean_text
from twofront.core import audit, scope
from twofront.core.errors import Conflict
from twofront.core.models import DutyShift, PostType, Region, User

PERMISSION = "core.change_dutyshift"
COMMAND_POSTS = (PostType.COMMAND_CENTRE, PostType.DISTRICT_POST)
MAX_SHIFT = datetime.timedelta(hours=24)
ROSTER_AHEAD_DAYS = 62  # rosters are planned at most two months ahead
SHIFT_FIELDS = ["post_type", "post_name", "region_id", "starts_at", "ends_at", "user_id", "staff_name", "is_leader"]


def is_command_post(shift: DutyShift) -> bool:
    return shift.post_type in COMMAND_POSTS and shift.post_id is None


def _clean(*, post_type: str, post_name: str, region: Region | None, starts_at, ends_at, staff_name: str,
           user: User | None) -> dict:
    errors: dict = {}

    def check(call):  # collect every field's error, not only the first
        try:
            return call()
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return None

    if post_type not in COMMAND_POSTS:
        errors["post_type"] = [_("Choose the city command centre or a district command post; checkpoint and "
                                 "monitoring-post rosters are kept on the post's own page.")]
    elif region is None:
        errors["region"] = [_("Choose a region.")]
    elif post_type == PostType.COMMAND_CENTRE and region.depth != 0:
        errors["region"] = [_("The city command centre sits at the city.")]
    elif post_type == PostType.DISTRICT_POST and region.depth not in (1, 2):
        errors["region"] = [_("A command post sits at a district or a street / town.")]
    post_name = check(lambda: clean_text(post_name, "post_name", max_length=128))
    if not post_name and region is not None and "post_type" not in errors:
        post_name = f"{region.name}{PostType(post_type).label}"
    staff_name = check(lambda: clean_text(
        staff_name or (user.display_name or user.get_username() if user else ""), "staff_name", required=True,
        max_length=64))
    starts_at = check(lambda: clean_moment(starts_at, "starts_at", future_days=ROSTER_AHEAD_DAYS))
    ends_at = check(lambda: clean_moment(ends_at, "ends_at", future_days=ROSTER_AHEAD_DAYS + 1))
    if starts_at and ends_at and not datetime.timedelta(0) < ends_at - starts_at <= MAX_SHIFT:
        errors["ends_at"] = [_("A shift ends after it starts and lasts at most 24 hours.")]
    if user is not None and region is not None and not errors.get("region") \
            and not scope.covers(user, "core.view_dutyshift", region=region):
        errors["user"] = [_("Choose an account that works in this region.")]
    if errors:
        raise ValidationError(errors)
    return {"post_type": post_type, "post_name": post_name[:128], "region": region, "starts_at": starts_at,
            "ends_at": ends_at, "user": user, "staff_name": staff_name}


def _refuse_double_booking(fields: dict, exclude: int | None = None) -> None:
    """One person cannot hold two overlapping shifts."""
    clash = DutyShift.objects.filter(starts_at__lt=fields["ends_at"], ends_at__gt=fields["starts_at"])
    clash = clash.filter(user=fields["user"]) if fields["user"] else clash.filter(
        user__isnull=True, staff_name=fields["staff_name"], region=fields["region"])
    if exclude:
        clash = clash.exclude(pk=exclude)
    other = clash.first()
    if other is not None:
        raise Conflict(_("%(name)s is already on duty at %(post)s from %(start)s to %(end)s.") % {
            "name": fields["staff_name"], "post": other.post_name,
            "start": timezone.localtime(other.starts_at).strftime("%m-%d %H:%M"),
            "end": timezone.localtime(other.ends_at).strftime("%m-%d %H:%M")})


def build_shift(*, post_type: str, region: Region | None, starts_at, ends_at, staff_name: str = "",
                user: User | None = None, is_leader: bool = False, post_name: str = "") -> DutyShift:
    """Checks and saves a shift without policy or audit: the callers (create_shift, the roster import) do
    those. Field errors -> ValidationError, a double booking -> Conflict."""
    fields = _clean(post_type=post_type, post_name=post_name, region=region, starts_at=starts_at, ends_at=ends_at,
                    staff_name=staff_name, user=user)
    _refuse_double_booking(fields)
    return DutyShift.objects.create(is_leader=bool(is_leader), **fields)


@transaction.atomic
def create_shift(*, actor, post_type: str, region: Region | None, starts_at, ends_at, staff_name: str = "",
                 user: User | None = None, is_leader: bool = False, post_name: str = "") -> DutyShift:
    """A shift at the city command centre or a district / street command post."""
    if region is not None:
        scope.require(actor, PERMISSION, region=region)
    shift = build_shift(post_type=post_type, region=region, starts_at=starts_at, ends_at=ends_at,
                        staff_name=staff_name, user=user, is_leader=is_leader, post_name=post_name)
    audit.record(actor, "command.duty.shift_created", shift,
                 changes=audit.diff({}, audit.snapshot(shift, SHIFT_FIELDS)))
    return shift


def _changeable(shift: DutyShift, actor) -> DutyShift:
    scope.require(actor, PERMISSION, shift)
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    if not is_command_post(shift):
        raise Conflict(_("This shift belongs to a post's own roster; change it there."))
    if shift.starts_at <= timezone.now():
        raise Conflict(_("This shift has begun; it can be handed over, not changed or removed."))
    return shift


@transaction.atomic
def update_shift(shift: DutyShift, *, actor, post_type: str, region: Region | None, starts_at, ends_at,
                 staff_name: str = "", user: User | None = None, is_leader: bool = False,
                 post_name: str = "") -> DutyShift:
    shift = _changeable(shift, actor)
    if region is not None and region.pk != shift.region_id:
        scope.require(actor, PERMISSION, region=region)  # moving it needs the right over the new region too
    fields = _clean(post_type=post_type, post_name=post_name, region=region, starts_at=starts_at, ends_at=ends_at,
                    staff_name=staff_name, user=user)
    _refuse_double_booking(fields, exclude=shift.pk)
    before = audit.snapshot(shift, SHIFT_FIELDS)
    for name, value in {**fields, "is_leader": bool(is_leader)}.items():
        setattr(shift, name, value)
    changes = audit.diff(before, audit.snapshot(shift, SHIFT_FIELDS))
    if changes:
        shift.save(update_fields=["post_type", "post_name", "region", "starts_at", "ends_at", "user", "staff_name",
                                  "is_leader"])
        audit.record(actor, "command.duty.shift_updated", shift, changes=changes)
    return shift


@transaction.atomic
def remove_shift(shift: DutyShift, *, actor) -> None:
    shift = _changeable(shift, actor)
    pk, label, region = shift.pk, str(shift), shift.region
    before = audit.snapshot(shift, SHIFT_FIELDS)
    shift.delete()
    shift.pk = pk
    audit.record(actor, "command.duty.shift_removed", shift, changes=audit.diff(before, {}), region=region,
                 object_repr=label)


def may_hand_over(shift: DutyShift, actor) -> bool:
    """The person on the shift, or whoever keeps the roster of its region."""
    return bool(shift.user_id and shift.user_id == getattr(actor, "pk", None)) or scope.covers(actor, PERMISSION,
                                                                                               shift)


@transaction.atomic
def record_handover(shift: DutyShift, *, actor, note: str) -> DutyShift:
    """交接班: what the next shift must know, written from the shift's start (normally at its end).
    Writing it again replaces the note; the audit trail keeps every version."""
    if not may_hand_over(shift, actor):
        raise PermissionDenied(PERMISSION)
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    note = clean_text(note, "note", required=True, max_length=2000)
    if shift.starts_at > timezone.now():
        raise Conflict(_("The shift has not begun; write the handover note during or at the end of it."))
    if note == shift.handover_note:
        return shift
    before = shift.handover_note
    shift.handover_note = note
    shift.save(update_fields=["handover_note"])
    audit.record(actor, "command.duty.handed_over", shift, changes={"handover_note": [before, note]})
    return shift

