"""Scoped reads of compound groups, closures, monitoring posts, rosters and daily counts (pages and API)."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from twofront.core import scope
from twofront.core.errors import field_error
from twofront.core.models import DutyShift, PostType, Region
from twofront.core.scope import in_region as in_region
from twofront.core.scope import require_view as require_view
from twofront.prevention.models import ClosurePeriod, CompoundGroup, MonitoringPost, PostDailyCount
from twofront.prevention.services.community import clean_day
from twofront.prevention.services.compounds import ROSTER_AHEAD_DAYS


def _with_closure(qs: QuerySet) -> QuerySet:
    """`closed_since`: the start of the open closure (None when the compound is open)."""
    open_closure = ClosurePeriod.objects.filter(compound=OuterRef("pk"), ends_on__isnull=True)
    return qs.select_related("region").annotate(closed_since=Subquery(open_closure.values("starts_on")[:1]))


def compounds(user, *, region: str | None = None, kind: str | None = None, closed: bool | None = None,
              q: str | None = None) -> QuerySet:
    require_view(user, CompoundGroup)
    qs = in_region(_with_closure(CompoundGroup.objects.visible_to(user)), region)
    if kind:
        qs = qs.filter(kind=kind)
    if closed is not None:
        qs = qs.filter(closed_since__isnull=not closed)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs


def compound_or_404(user, pk: int) -> CompoundGroup:
    return scope.get_visible_or_404(_with_closure(CompoundGroup.objects.all()), user, pk=pk)


def posts(user, *, compound: CompoundGroup | None = None, region: str | None = None) -> QuerySet:
    require_view(user, MonitoringPost)
    qs = in_region(MonitoringPost.objects.visible_to(user), region).select_related("compound", "region")
    return qs.filter(compound=compound) if compound is not None else qs


def post_or_404(user, pk: int) -> MonitoringPost:
    return scope.get_visible_or_404(MonitoringPost.objects.select_related("compound", "region"), user, pk=pk)


def shifts(post: MonitoringPost, *, day: datetime.date | None = None, days: int = 1) -> QuerySet:
    """The post's roster overlapping [day, day + days) (default: today); the post is already visible."""
    day = clean_day(day or timezone.localdate(), "day", future_days=ROSTER_AHEAD_DAYS)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=days)
    return (DutyShift.objects.filter(post_type=PostType.MONITORING_POST, post_id=post.pk, starts_at__lt=end,
                                     ends_at__gt=start).select_related("user").order_by("starts_at", "pk"))


def shift_or_404(user, post: MonitoringPost, pk: int) -> DutyShift:
    qs = DutyShift.objects.filter(post_type=PostType.MONITORING_POST, post_id=post.pk)
    return scope.get_visible_or_404(qs, user, pk=pk)


def counts(user, post: MonitoringPost) -> QuerySet:
    require_view(user, PostDailyCount)
    return PostDailyCount.objects.visible_to(user).filter(post=post).select_related("recorded_by")


def region_or_422(code: str, field: str = "region_code") -> Region:
    """A region named in a request body: an unknown code is a field error, not a missing resource."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise field_error(field, "区划代码不存在 / unknown division code")
    return region
