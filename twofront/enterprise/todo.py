"""The enterprise platform's to-do items: resumption declarations waiting for the official's review, appeals past
their deadline."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.todo import Todo
from twofront.enterprise import selectors, selectors_commissioners


def review_todos(user) -> list[Todo]:
    if not scope.has_permission_anywhere(user, "enterprise.review_resumptiondeclaration"):
        return []
    queue = selectors.review_queue(user).order_by().aggregate(  # one query for both counts
        waiting=Count("pk"), overdue=Count("pk", filter=selectors.is_overdue_q()))
    url = reverse("enterprise_review_queue")
    return [Todo("enterprise.declarations.overdue", _("Resumption declarations past their review deadline"),
                 queue["overdue"], url, urgent=True, order=40),
            Todo("enterprise.declarations.to_review", _("Resumption declarations waiting for my review"),
                 queue["waiting"], url, order=50)]


def appeal_todos(user) -> list[Todo]:
    if not scope.has_permission_anywhere(user, "enterprise.view_appeal"):
        return []
    overdue = selectors_commissioners.appeals(user, overdue=True).count()
    return [Todo("enterprise.appeals.overdue", _("Enterprise appeals past their deadline"), overdue,
                 reverse("appeal_overdue"), urgent=True, order=45)]
