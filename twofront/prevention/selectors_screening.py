"""Scoped reads of households, campaigns, leads and visits, and the completion rates (pages and API).

A grid worker's role is over their grid, so `visible_to` already limits them to its households and leads.
"""

import datetime

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from twofront.core import scope
from twofront.metrics import selectors as metric_values
from twofront.prevention.choices import LeadStatus
from twofront.prevention.metrics_screening import HOUSEHOLDS, LEADS, SCREENED, VISITED
from twofront.prevention.models import Household, HouseholdMember, Lead, ScreeningCampaign, ScreeningVisit
from twofront.prevention.selectors_compounds import in_region, require_view

PENDING = Q(leads__status=LeadStatus.PENDING)
RATE_KEYS = [HOUSEHOLDS, SCREENED, "prevention.screening_rate", LEADS, VISITED, "prevention.lead_completion"]


def _with_counts(qs: QuerySet) -> QuerySet:
    return (qs.select_related("region").annotate(member_count=Count("memberships", distinct=True),
                                                 pending_leads=Count("leads", filter=PENDING, distinct=True))
            .order_by("region__path", "address", "pk"))


def households(user, *, region: str | None = None, q: str | None = None, pending: bool | None = None) -> QuerySet:
    require_view(user, Household)
    qs = in_region(_with_counts(Household.objects.visible_to(user)), region)
    if q:
        qs = qs.filter(address__contains=q.strip())
    if pending is not None:
        qs = qs.filter(pending_leads__gt=0) if pending else qs.filter(pending_leads=0)
    return qs


def household_or_404(user, pk: int) -> Household:
    return scope.get_visible_or_404(_with_counts(Household.objects.all()), user, pk=pk)


def pending_leads() -> QuerySet:
    return (Lead.objects.filter(status=LeadStatus.PENDING).select_related("person", "campaign", "assigned_to")
            .order_by(F("due_on").asc(nulls_last=True), "pk"))


def todays_households(user) -> QuerySet:
    """The worker's day: households with pending leads, the most urgent (earliest due) first, each with
    its pending leads."""
    require_view(user, Household)
    return (Household.objects.visible_to(user).filter(PENDING).select_related("region")
            .annotate(first_due=Min("leads__due_on", filter=PENDING), pending_leads=Count("leads", filter=PENDING))
            .order_by(F("first_due").asc(nulls_last=True), "address", "pk")
            .prefetch_related(Prefetch("leads", queryset=pending_leads(), to_attr="pending")))


def members(household: Household) -> QuerySet:
    return HouseholdMember.objects.filter(household=household).select_related("person").order_by("pk")


def visits(user, *, household: Household | None = None) -> QuerySet:
    require_view(user, ScreeningVisit)
    qs = (ScreeningVisit.objects.visible_to(user).select_related("household", "campaign", "visited_by", "key_category")
          .prefetch_related("members_present"))
    return qs.filter(household=household) if household is not None else qs


def campaigns(user, *, region: str | None = None) -> QuerySet:
    require_view(user, ScreeningCampaign)
    return in_region(ScreeningCampaign.objects.visible_to(user), region).select_related("region")


def campaign_or_404(user, pk: int) -> ScreeningCampaign:
    return scope.get_visible_or_404(ScreeningCampaign.objects.select_related("region"), user, pk=pk)


def leads(user, *, campaign: int | None = None, status: str | None = None, region: str | None = None,
          mine: bool = False) -> QuerySet:
    require_view(user, Lead)
    qs = (in_region(Lead.objects.visible_to(user), region)
          .select_related("campaign", "household", "person", "region", "assigned_to"))
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assigned_to=user)
    return qs.order_by(F("due_on").asc(nulls_last=True), "pk")


def lead_or_404(user, pk: int) -> Lead:
    return scope.get_visible_or_404(Lead.objects.select_related("campaign", "household", "person", "region"),
                                    user, pk=pk)


def lead_counts(user, campaign: ScreeningCampaign) -> dict[str, int]:
    """Leads of the campaign the user can see, by status (straight from the records: one campaign)."""
    rows = Lead.objects.visible_to(user).filter(campaign=campaign).values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(LeadStatus.values, 0) | dict(rows.order_by())
    return {**counts, "total": sum(counts.values())}


def completion_rates(user, *, region: str | None = None, day: datetime.date | None = None):
    """Households screened / total and leads visited / total as of `day`, for a region and each of its
    children, from the metrics rollups (403 without metric access, 404 outside the jurisdiction)."""
    day = day or timezone.localdate()
    return metric_values.values(user, RATE_KEYS, region, day, day, group="children")


RATE_NAMES = ("households", "households_screened", "screening_rate", "leads", "leads_visited", "lead_completion")


def rate_table(result) -> dict:
    """completion_rates() as rows: the region's total and one row per child region (counts and percents)."""

    def row(region, values) -> dict:
        cells = {name: metric_values.number(item.metric, value) for name, item, value in
                 zip(RATE_NAMES, result.values, values, strict=True)}
        return {"region_code": region.code, "region_name": region.name, "region": region, **cells}

    children = [row(child, [item.children[i][1] for item in result.values])
                for i, (child, _value) in enumerate(result.values[0].children)]
    return {"day": result.date_to, "total": row(result.region, [item.value for item in result.values]),
            "children": children}
