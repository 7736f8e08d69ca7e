"""Scoped reads of work groups, consultations, supervision tasks and inspections, shared by pages and API.
Every read starts from Model.objects.visible_to(user)."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from twofront.command.choices import MemberRole
from twofront.command.models import (
    Consultation,
    Decision,
    Finding,
    Inspection,
    SupervisionTask,
    TaskProgress,
    WorkGroup,
    WorkGroupMember,
)
from twofront.command.services import supervision
from twofront.core import scope
from twofront.core.models import Region
from twofront.core.scope import in_region as in_region
from twofront.core.scope import require_view as require_view

BOXES = ("mine", "issued", "overdue", "all")


_ROLE_ORDER = Case(When(role=MemberRole.LEADER, then=Value(0)), When(role=MemberRole.DEPUTY, then=Value(1)),
                   default=Value(2), output_field=IntegerField())


def members_in_order(group: WorkGroup) -> QuerySet:
    return group.members.select_related("user").order_by(_ROLE_ORDER, "name", "pk")


def groups(user, *, region: str | None = None, q: str | None = None) -> QuerySet:
    qs = (WorkGroup.objects.visible_to(user).select_related("region")
          .annotate(member_count=Count("members")).order_by("region__path", "-leading", "name"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(remit__icontains=q))
    return in_region(qs, region)


def group_detail(user) -> QuerySet:
    members = WorkGroupMember.objects.select_related("user").order_by(_ROLE_ORDER, "name", "pk")
    return WorkGroup.objects.visible_to(user).select_related("region").prefetch_related(Prefetch("members", members))


def consultations(user, *, region: str | None = None, q: str | None = None) -> QuerySet:
    qs = (Consultation.objects.visible_to(user).select_related("region", "created_by")
          .annotate(decision_count=Count("decisions", distinct=True),
                    task_count=Count("decisions__tasks", distinct=True))
          .order_by("-held_at", "-pk"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return in_region(qs, region)


def consultation_detail(user) -> QuerySet:
    decisions = Decision.objects.prefetch_related(
        Prefetch("tasks", SupervisionTask.objects.select_related("assignee_region").order_by("pk")))
    return (Consultation.objects.visible_to(user).select_related("region", "created_by")
            .prefetch_related("attendees", Prefetch("decisions", decisions)))


def _regions(user, permission: str) -> list[Region]:
    return [a.region for a in scope.granting(user, permission) if a.region_id]


def _any(parts: list[Q]) -> Q:
    q = Q(pk__in=[])
    for part in parts:
        q |= part
    return q


def box_q(user, box: str) -> Q:
    """mine: assigned to my unit (or to me) by a level above me; issued: issued by my command post or one
    below it; overdue: past the deadline and not submitted; all: everything I see."""
    superuser = getattr(user, "is_superuser", False) and user.is_active
    if box == "mine":
        if superuser:
            return Q()
        parts = [Q(assignee_region__path__startswith=r.path, assignee__isnull=True)
                 & ~Q(issuer_region__path__startswith=r.path) for r in _regions(user, supervision.REPORT)]
        return _any([*parts, Q(assignee=user.pk)])
    if box == "issued":
        if superuser:
            return Q()
        return _any([Q(issuer_region__path__startswith=r.path)
                     for r in _regions(user, "command.view_supervisiontask")])
    if box == "overdue":
        return supervision.overdue_q()
    return Q()


def tasks(user, *, box: str = "all", status: str | None = None, source: str | None = None,
          region: str | None = None, q: str | None = None, escalated: bool | None = None) -> QuerySet:
    qs = (SupervisionTask.objects.visible_to(user).filter(box_q(user, box))
          .select_related("issuer_region", "assignee_region", "assignee", "created_by"))
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if q:
        qs = qs.filter(title__icontains=q)
    if escalated:
        qs = qs.filter(supervision.escalated_to_q(user))
    if box == "overdue":
        qs = qs.order_by("-escalation_level", "deadline", "pk")
    return in_region(qs, region, "assignee_region")


def task_detail(user) -> QuerySet:
    progress = TaskProgress.objects.select_related("by").order_by("at", "pk")
    return (SupervisionTask.objects.visible_to(user)
            .select_related("issuer_region", "assignee_region", "assignee", "created_by", "decision__consultation",
                            "finding__inspection")
            .prefetch_related(Prefetch("progress", progress)))


def overdue_summary(user) -> dict:
    today = timezone.localdate()
    overdue = SupervisionTask.objects.visible_to(user).filter(supervision.overdue_q(today))
    by_region = (overdue.values("assignee_region__name", "assignee_region__code").annotate(n=Count("pk"))
                 .order_by("-n", "assignee_region__code"))
    return {"overdue": overdue.count(), "escalated_to_me": overdue.filter(supervision.escalated_to_q(user)).count(),
            "by_region": list(by_region)}


def inspections(user, *, region: str | None = None, q: str | None = None) -> QuerySet:
    qs = (Inspection.objects.visible_to(user).select_related("region", "created_by")
          .annotate(finding_count=Count("findings", distinct=True),
                    task_count=Count("findings__tasks", distinct=True))
          .order_by("-inspected_on", "-pk"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return in_region(qs, region)


def inspection_detail(user) -> QuerySet:
    findings = (Finding.objects.order_by("pk")
                .prefetch_related(Prefetch("tasks", SupervisionTask.objects.select_related("assignee_region"))))
    return (Inspection.objects.visible_to(user).select_related("region", "created_by")
            .prefetch_related(Prefetch("findings", findings)))
