"""Scoped reads of commissioners, visits and appeals, shared by pages and API."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from twofront.core import scope
from twofront.core.choices import OrganisationKind
from twofront.core.models import Organisation, Region, User
from twofront.core.roles import Role
from twofront.enterprise.models import Appeal, CommissionerAssignment, Enterprise, Visit
from twofront.enterprise.services.commissioners import OPEN_STATUSES


def enterprises_for(user, permission: str) -> QuerySet:
    """Enterprises on which the user may do `permission` (e.g. the choices of a create form)."""
    condition = scope.scope_q(user, permission, Enterprise)
    if condition is None:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(condition) if condition is not False else Enterprise.objects.none()


def assignable_commissioners(user) -> QuerySet:
    """Users holding the commissioner role in a region of the user's jurisdiction."""
    regions = scope.regions_for(user, "enterprise.add_commissionerassignment")
    return (User.objects.filter(role_assignments__role=Role.COMMISSIONER, role_assignments__region__in=regions,
                                is_active=True).distinct().order_by("username"))


def departments() -> QuerySet:
    """Appeals may go to any government department of the city."""
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")


def assignments(user, *, enterprise_id: int | None = None, commissioner: str | None = None) -> QuerySet:
    qs = CommissionerAssignment.objects.visible_to(user).select_related("commissioner", "enterprise__region")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if commissioner:
        qs = qs.filter(commissioner__username=commissioner)
    return qs.order_by("enterprise__name", "commissioner__username")


def visits(user, *, enterprise_id: int | None = None) -> QuerySet:
    qs = Visit.objects.visible_to(user).select_related("enterprise", "commissioner")
    return qs.filter(enterprise_id=enterprise_id) if enterprise_id else qs


def overdue_q() -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())


def is_overdue(appeal: Appeal) -> bool:
    return appeal.status in OPEN_STATUSES and appeal.deadline < timezone.localdate()


def appeals(user, *, status: str | None = None, category: str | None = None, enterprise_id: int | None = None,
            overdue: bool = False) -> QuerySet:
    qs = Appeal.objects.visible_to(user).select_related("enterprise__region", "commissioner", "escalated_to")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if overdue:
        qs = qs.filter(overdue_q()).order_by("deadline", "pk")
    return qs


def _top_region(user) -> Region | None:
    regions = [a.region for a in scope.granting(user, "enterprise.view_appeal") if a.region_id]
    return min(regions, key=lambda r: r.depth) if regions else Region.objects.filter(depth=0).first()


def overdue_summary(user) -> dict:
    """Overdue appeals the user can see: the total, per category, and per child region of the user's
    top region (the district's streets, the city's districts), largest first."""
    overdue = Appeal.objects.visible_to(user).filter(overdue_q())
    region = _top_region(user)
    by_child: dict[str, int] = {}
    for path, n in overdue.values_list("enterprise__region__path").annotate(n=Count("pk")).order_by():
        if region is not None and path.startswith(region.path):
            child = path[len(region.path):].split("/", 1)[0]  # "" = in the region itself
            by_child[child] = by_child.get(child, 0) + n
    names = dict(Region.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    return {
        "region": region,
        "total": overdue.count(),
        "by_category": dict(overdue.values_list("category").annotate(n=Count("pk")).order_by()),
        "by_region": sorted(((code, names.get(code) or region.name, n) for code, n in by_child.items()),
                            key=lambda row: (-row[2], row[0])),
    }
