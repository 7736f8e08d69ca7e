"""Reads of the duty roster: the calendar window and who is on duty now, in the reader's jurisdiction."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.command.services.operations_checks import EARLIEST_DAY
from twofront.core import scope
from twofront.core.errors import field_error
from twofront.core.models import DutyShift, PostType, Region

VIEW = "core.view_dutyshift"
MAX_WINDOW_DAYS = 42  # a month grid: six weeks
LATEST_DAYS_AHEAD = 400


def require_view(user) -> None:
    if not scope.has_permission_anywhere(user, VIEW):
        raise PermissionDenied(VIEW)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def shifts(user, *, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
           post_type: str | None = None, region: str | None = None) -> QuerySet:
    """Shifts overlapping the local days [date_from, date_to] (default: today), newest rosters last."""
    require_view(user)
    latest = timezone.localdate() + datetime.timedelta(days=LATEST_DAYS_AHEAD)
    for name, value in (("from", date_from), ("to", date_to)):
        if value is not None and not EARLIEST_DAY <= value <= latest:
            raise field_error(name, _("Enter a date from %(first)s to %(last)s.")
                              % {"first": EARLIEST_DAY.isoformat(), "last": latest.isoformat()})
    date_from = date_from or timezone.localdate()
    date_to = max(date_to or date_from, date_from)
    date_to = min(date_to, date_from + datetime.timedelta(days=MAX_WINDOW_DAYS - 1))
    qs = DutyShift.objects.visible_to(user).filter(starts_at__lt=local_midnight(date_to + datetime.timedelta(days=1)),
                                                   ends_at__gt=local_midnight(date_from))
    if post_type:
        qs = qs.filter(post_type=post_type)
    if region:
        target = Region.objects.filter(code=region).first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    return qs.select_related("region", "user").order_by("starts_at", "post_name", "-is_leader", "staff_name")


def shift_or_404(user, pk: int) -> DutyShift:
    return scope.get_visible_or_404(DutyShift.objects.select_related("region", "user"), user, pk=pk)


def days_of(shift: DutyShift) -> set[datetime.date]:
    """The local days a shift covers (a night shift covers two)."""
    first = timezone.localtime(shift.starts_at).date()
    last = timezone.localtime(shift.ends_at - datetime.timedelta(microseconds=1)).date()
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


@dataclass
class PostOnDuty:
    post_type: str
    post_name: str
    region: Region
    leaders: list[DutyShift] = field(default_factory=list)
    staff: list[DutyShift] = field(default_factory=list)

    @property
    def post_type_label(self) -> str:
        return PostType(self.post_type).label


_POST_ORDER = {value: index for index, value in enumerate(PostType.values)}


def on_duty(user, *, at: datetime.datetime | None = None, region: str | None = None,
            post_type: str | None = None) -> list[PostOnDuty]:
    """Who is on duty at `at` (default now), per post: the shift leaders (带班) and the staff (值班)."""
    require_view(user)
    at = at or timezone.now()
    qs = DutyShift.objects.visible_to(user).filter(starts_at__lte=at, ends_at__gt=at)
    if post_type:
        qs = qs.filter(post_type=post_type)
    if region:
        target = Region.objects.filter(code=region).first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    posts: dict[tuple, PostOnDuty] = {}
    for shift in qs.select_related("region", "user").order_by("staff_name"):
        key = (shift.post_type, shift.post_id, shift.post_name, shift.region_id)
        post = posts.setdefault(key, PostOnDuty(shift.post_type, shift.post_name, shift.region))
        (post.leaders if shift.is_leader else post.staff).append(shift)
    return sorted(posts.values(), key=lambda p: (_POST_ORDER.get(p.post_type, 99), p.region.path, p.post_name))
