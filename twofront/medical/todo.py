"""Medical's to-do item: today's capacity report of the hospital staff's own hospital, until it is filed."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.todo import Todo
from twofront.medical import selectors
from twofront.medical.models import CapacityReport


def report_todos(user) -> list[Todo]:
    if not scope.has_permission_anywhere(user, "medical.add_capacityreport"):
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    mine = [h for h in selectors.hospitals(user) if scope.covers(user, "medical.add_capacityreport", h)]
    filed = set(CapacityReport.objects.filter(day=today, hospital__in=mine).values_list("hospital_id", flat=True))
    missing = sum(1 for h in mine if h.pk not in filed)
    return [Todo("medical.capacity.today", _("Today's capacity report to file"), missing,
                 reverse("medical:report_create"), urgent=now >= selectors.deadline(today), order=55)]
