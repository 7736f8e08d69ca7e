"""Scoped reads of the enterprise platform: every query starts from `Model.objects.visible_to(user)`.

The supplies/commissioners side and the enterprise metrics may use these too (`enterprises`, `coverage`,
`resumption_stats`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from twofront.core import scope
from twofront.core.models import Region
from twofront.core.services.people import id_number_index
from twofront.enterprise.choices import DeclarationStatus, Industry, Scale
from twofront.enterprise.models import Employee, Enterprise, HealthCheckin, ResumptionDeclaration

# Length of a division code at each depth of the tree (district, street, community, grid).
CODE_LENGTH = {1: 6, 2: 9, 3: 12, 4: 15}


def _in_region(qs: QuerySet, field: str, code: str | None) -> QuerySet:
    if not code:
        return qs
    region = Region.objects.filter(code=code).first()
    return qs.filter(**{f"{field}__path__startswith": region.path}) if region else qs.none()


def enterprises(user, *, q: str | None = None, region: str | None = None, industry: str | None = None,
                scale: str | None = None, resumed: bool | None = None, key_project: bool | None = None) -> QuerySet:
    qs = Enterprise.objects.visible_to(user).select_related("region")
    qs = _in_region(qs, "region", region)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.strip().upper()))
    if industry:
        qs = qs.filter(industry=industry)
    if scale:
        qs = qs.filter(scale=scale)
    if resumed is not None:
        qs = qs.filter(resumed_on__isnull=not resumed)
    if key_project is not None:
        qs = qs.filter(key_project=key_project)
    return qs


def enterprises_for(user, permission: str) -> QuerySet:
    """The enterprises on which the user holds `permission` (e.g. the choices of HR's declaration form)."""
    condition = scope.scope_q(user, permission, Enterprise)
    if condition is False:
        return Enterprise.objects.none()
    return Enterprise.objects.all() if condition is None else Enterprise.objects.filter(condition)


def is_overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(status=DeclarationStatus.SUBMITTED, review_due__lt=now or timezone.now())


def declarations(user, *, status: str | None = None, overdue: bool | None = None, enterprise: int | None = None,
                 region: str | None = None) -> QuerySet:
    qs = ResumptionDeclaration.objects.visible_to(user).select_related("enterprise", "enterprise__region")
    qs = _in_region(qs, "enterprise__region", region)
    if status:
        qs = qs.filter(status=status)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if overdue is not None:
        qs = qs.filter(is_overdue_q()) if overdue else qs.exclude(is_overdue_q())
    return qs


def review_queue(user, *, overdue: bool | None = None) -> QuerySet:
    """Submitted declarations the user may review, the longest-waiting first."""
    qs = ResumptionDeclaration.objects.visible_to(user, "review").filter(status=DeclarationStatus.SUBMITTED)
    if overdue is not None:
        qs = qs.filter(is_overdue_q()) if overdue else qs.exclude(is_overdue_q())
    return qs.select_related("enterprise", "enterprise__region").order_by("review_due", "id")


def overdue_reviews(user) -> int:
    if not scope.has_permission_anywhere(user, "enterprise.review_resumptiondeclaration"):
        return 0
    return review_queue(user, overdue=True).count()


def employees(user, *, enterprise: int | None = None, name: str | None = None, id_number: str | None = None,
              active: bool | None = True, out_of_town: bool | None = None) -> QuerySet:
    qs = Employee.objects.visible_to(user).select_related("person", "enterprise", "person__region")
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if name:
        qs = qs.filter(person__name__icontains=name)
    if id_number:
        index = id_number_index(id_number)
        qs = qs.filter(person__id_number_index=index) if index else qs.none()
    if active is not None:
        qs = qs.filter(active=active)
    if out_of_town is not None:
        qs = qs.filter(out_of_town=out_of_town)
    return qs


def checkins(user, *, day: datetime.date | None = None, abnormal: bool | None = None,
             enterprise: int | None = None, region: str | None = None) -> QuerySet:
    qs = HealthCheckin.objects.visible_to(user).select_related("employee__person", "enterprise", "residence_region")
    if day:
        qs = qs.filter(day=day)
    if abnormal is not None:
        qs = qs.filter(abnormal=abnormal)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if region:
        target = Region.objects.filter(code=region).first()
        qs = qs.filter(Q(region__path__startswith=target.path) | Q(residence_region__path__startswith=target.path)) \
            if target else qs.none()
    return qs


@dataclass
class Coverage:
    day: datetime.date
    roster: int
    checked_in: int
    abnormal: int
    missing: QuerySet  # active employees without a check-in that day
    abnormal_checkins: QuerySet

    @property
    def rate(self) -> float | None:
        return round(self.checked_in / self.roster, 4) if self.roster else None


def coverage(enterprise: Enterprise, day: datetime.date | None = None) -> Coverage:
    """Today's (or `day`'s) check-in coverage of a visible enterprise's active roster."""
    day = day or timezone.localdate()
    roster = Employee.objects.filter(enterprise=enterprise, active=True)
    done = HealthCheckin.objects.filter(employee=OuterRef("pk"), day=day)
    todays = HealthCheckin.objects.filter(enterprise=enterprise, day=day, employee__active=True)
    counts = todays.aggregate(checked_in=Count("pk"), abnormal=Count("pk", filter=Q(abnormal=True)))
    return Coverage(day=day, roster=roster.count(), checked_in=counts["checked_in"], abnormal=counts["abnormal"],
                    missing=roster.filter(~Exists(done)).select_related("person").order_by("person__name"),
                    abnormal_checkins=todays.filter(abnormal=True).select_related("employee__person"))


@dataclass
class StatsRow:
    key: str
    label: str
    registered: int = 0
    resumed: int = 0
    employees_expected: int = 0
    employees_back: int = 0

    @property
    def resumption_rate(self) -> float | None:
        return round(self.resumed / self.registered, 4) if self.registered else None

    @property
    def return_rate(self) -> float | None:
        return round(self.employees_back / self.employees_expected, 4) if self.employees_expected else None


def stats_parent(user, code: str | None = None) -> Region:
    """The region whose children a regional breakdown shows: the one asked for, else the user's only region
    assignment, else the city. (Region names are public; the counts only ever cover visible enterprises.)"""
    region = Region.objects.filter(code=code).first() if code else None
    if region is not None:
        return region
    regions = {a.region for a in scope.assignments(user) if a.region_id}
    return regions.pop() if len(regions) == 1 else Region.objects.get(depth=0)


def resumption_stats(user, *, by: str = "region", parent: Region | None = None,
                     day: datetime.date | None = None) -> list[StatsRow]:
    """Enterprises resumed / registered and employees back / expected (the active roster) among the
    enterprises the user may see, by region (children of `parent`), industry or scale."""
    day = day or timezone.localdate()
    firms = Enterprise.objects.visible_to(user)
    staff = Employee.objects.filter(enterprise__in=firms.values("pk"), active=True)
    if by == "region":
        parent = parent or Region.objects.get(depth=0)
        length = CODE_LENGTH.get(parent.depth + 1, 15)
        firms = firms.filter(region__path__startswith=parent.path)
        staff = staff.filter(enterprise__region__path__startswith=parent.path)
        start = len(parent.path) + 1
        firm_key, staff_key = Substr("region__path", start, length), Substr("enterprise__region__path", start, length)
        labels = dict(Region.objects.filter(parent=parent).values_list("code", "name"))
        labels[""] = parent.name
    elif by in ("industry", "scale"):
        firm_key, staff_key = F(by), F(f"enterprise__{by}")
        labels = {k: str(v) for k, v in (Industry if by == "industry" else Scale).choices}
    else:
        raise ValueError(by)
    rows: dict[str, StatsRow] = {}
    for key, registered, resumed in firms.annotate(k=firm_key).values("k").annotate(
            n=Count("pk"), r=Count("pk", filter=Q(resumed_on__lte=day))).values_list("k", "n", "r"):
        rows[key] = StatsRow(key, labels.get(key, key), registered, resumed)
    for key, expected, back in staff.annotate(k=staff_key).values("k").annotate(
            n=Count("pk"), b=Count("pk", filter=Q(actual_return_date__lte=day))).values_list("k", "n", "b"):
        row = rows.setdefault(key, StatsRow(key, labels.get(key, key)))
        row.employees_expected, row.employees_back = expected, back
    return sorted(rows.values(), key=lambda r: r.key)


def stats_total(rows: list[StatsRow]) -> StatsRow:
    total = StatsRow("", "")
    for row in rows:
        total.registered += row.registered
        total.resumed += row.resumed
        total.employees_expected += row.employees_expected
        total.employees_back += row.employees_back
    return total
