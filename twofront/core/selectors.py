"""Scoped reads of the core registries, shared by pages and API."""

from django.db.models import QuerySet

from twofront.core.models import AuditEvent, Person, Region
from twofront.core.services.people import find_by_id_number


def region_subtree(code: str) -> QuerySet:
    region = Region.objects.filter(code=code).only("path").first()
    return Region.objects.filter(path__startswith=region.path) if region else Region.objects.none()


def persons(user, *, region: str | None = None, name: str | None = None, id_number: str | None = None) -> QuerySet:
    qs = Person.objects.visible_to(user).select_related("region")
    if region:
        target = Region.objects.filter(code=region).only("path").first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if name:
        qs = qs.filter(name__contains=name.strip())
    if id_number:
        qs = find_by_id_number(qs, id_number)
    return qs


def audit_events(user, *, action=None, actor=None, object_type=None, object_id=None, region=None, since=None,
                 until=None) -> QuerySet:
    qs = AuditEvent.objects.visible_to(user).select_related("region")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_username=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if region:
        target = Region.objects.filter(code=region).only("path").first()
        qs = qs.filter(region__path__startswith=target.path) if target else qs.none()
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs


def regions(user, *, parent: str | None = None, level: str | None = None, q: str | None = None) -> QuerySet:
    qs = Region.objects.visible_to(user).select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__contains=q)
    return qs
