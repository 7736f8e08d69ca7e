"""The command centre's to-do items: supervision tasks waiting for the user's unit, or for their acceptance."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twofront.command import selectors_tasks as selectors
from twofront.command.choices import TaskStatus
from twofront.command.services import supervision
from twofront.core import scope
from twofront.core.todo import Todo


def supervision_todos(user) -> list[Todo]:
    if not scope.has_permission_anywhere(user, "command.view_supervisiontask"):
        return []
    items = []
    if scope.has_permission_anywhere(user, supervision.REPORT):
        mine = (selectors.tasks(user, box="mine").filter(status__in=supervision.OPEN_STATUSES)
                .aggregate(open=Count("pk"), late=Count("pk", filter=supervision.overdue_q())))  # one query
        items.append(Todo("command.tasks.mine", _("Supervision tasks for my unit to do"), mine["open"],
                          reverse("supervision_mine"), urgent=mine["late"] > 0, order=10))
    if scope.has_permission_anywhere(user, supervision.REVIEW):
        submitted = selectors.tasks(user, box="issued", status=TaskStatus.SUBMITTED).count()
        items.append(Todo("command.tasks.to_accept", _("Submitted work waiting for my acceptance"), submitted,
                          f"{reverse('supervision_issued')}?status={TaskStatus.SUBMITTED}", order=20))
    overdue = selectors.tasks(user, box="overdue").count()
    items.append(Todo("command.tasks.overdue", _("Overdue supervision tasks in my jurisdiction"), overdue,
                      reverse("supervision_overdue"), urgent=True, order=30))
    return items
