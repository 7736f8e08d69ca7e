"""Closed management: compound groups closed, monitoring posts active and reporting, people in and out.

"Under closed management" counts open closure periods on the day they started, read cumulatively: the
figure is right as of today (an ended closure leaves the count on the day it ends); earlier periods
show the closures still open now. "Posts reporting" counts posts that entered their daily in/out
count (one record per post and day), which is how we read "posts staffed": a roster shift says who
should be there, a count says someone was.
"""

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric, Sum
from twofront.prevention.choices import CompoundKind
from twofront.prevention.models import ClosurePeriod, MonitoringPost, PostDailyCount

OPEN = Q(ends_on__isnull=True)
KINDS = [("", Q(), _("all")), ("_urban", Q(kind=CompoundKind.URBAN), _("urban compound groups")),
         ("_village", Q(kind=CompoundKind.VILLAGE), _("village groups"))]


def _prefixed(condition: Q, prefix: str) -> Q:
    return Q(**{f"{prefix}__{key}": value for key, value in condition.children}) if condition else Q()


METRICS = [
    *[Metric(f"prevention.compounds_closed{suffix}", format_lazy(_("Under closed management: {what}"), what=label),
             unit=_("compound groups"),
             kind=Count(ClosurePeriod, filter=OPEN & _prefixed(kind, "compound"), region="compound__region",
                        day="starts_on", cumulative=True))
      for suffix, kind, label in KINDS],
    *[Metric(f"prevention.posts_active{suffix}", format_lazy(_("Active monitoring posts: {what}"), what=label),
             unit=_("posts"),
             kind=Count(MonitoringPost, filter=Q(active=True) & _prefixed(kind, "compound"), day="created_at",
                        cumulative=True))
      for suffix, kind, label in KINDS],
    Metric("prevention.posts_reporting", _("Monitoring posts reporting (staffed)"), unit=_("posts"),
           kind=Count(PostDailyCount, day="day"),
           description=_("Posts that entered their in/out count for the day.")),
    Metric("prevention.post_entries", _("People in at monitoring posts"), unit=_("persons"),
           kind=Sum(PostDailyCount, "entries", day="day")),
    Metric("prevention.post_exits", _("People out at monitoring posts"), unit=_("persons"),
           kind=Sum(PostDailyCount, "exits", day="day")),
]
