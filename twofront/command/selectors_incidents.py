"""Reads of incidents in the reader's jurisdiction."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from twofront.command.models import Incident
from twofront.command.services.incidents import VIEW
from twofront.core import scope
from twofront.core.models import Region


def require_view(user) -> None:
    if not scope.has_permission_anywhere(user, VIEW):
        raise PermissionDenied(VIEW)


def incidents(user, *, status: str | None = None, level: str | None = None, region: str | None = None,
              q: str | None = None) -> QuerySet:
    require_view(user)
    qs = Incident.objects.visible_to(user).select_related("region").prefetch_related("assigned")
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if region:
        target = Region.objects.filter(code=region).first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if q:
        qs = qs.filter(title__icontains=q[:100])
    # open first, the gravest first (level "1" is I), then the latest
    return qs.order_by("-status", "level", "-occurred_at")  # "open" after "closed" alphabetically


def incident_or_404(user, pk: int) -> Incident:
    return scope.get_visible_or_404(Incident.objects.select_related("region", "created_by"), user, pk=pk)
