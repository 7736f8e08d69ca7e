"""The enterprise platform's figures: resumption, employees, check-ins, supplies, appeals, commissioners.

Every metric is counted in the region of the enterprise (a check-in in the enterprise's region, not
the employee's home). The day dimension is the day the fact became true, so a rollup only changes
when a record changes (and the service that changes it marks the cell dirty):

- "as of" figures are cumulative: the total of every day up to the end of the period;
- figures filtered on a status that can still change ("open", "overdue") count the records in that
  status *now*, on the day named below; for today they are exact, for a past day they leave out
  records that were open then but have been closed since.

Overdue needs no nightly job: an open appeal is counted on `overdue_on` (deadline + 1 day, the first
day it is late), cumulatively, so "overdue at the end of the period" is every still-open appeal whose
overdue_on is on or before that day. Time passing moves the reading window, not the rollups; closing
the appeal marks its overdue_on cell dirty and the count drops.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from twofront.enterprise.choices import AppealStatus, DeclarationStatus, Scale, SupplyStatus
from twofront.enterprise.models import (
    Appeal,
    CommissionerAssignment,
    Employee,
    Enterprise,
    HealthCheckin,
    ResumptionDeclaration,
    SupplyRequest,
)
from twofront.metrics.registry import Count, Metric, Ratio, Sum

_REGION = "enterprise__region"


def _first_per(model, group: str, day: str, extra: Q | None = None) -> Q:
    """The record is the first of its `group` (by `day`, then id): counts each group once."""
    others = model.objects.filter(extra or Q(), **{group: OuterRef(group)})
    earlier = others.filter(Q(**{f"{day}__lt": OuterRef(day)}) | Q(**{day: OuterRef(day), "pk__lt": OuterRef("pk")}))
    return ~Q(Exists(earlier))


_SUBMITTED = Q(submitted_at__isnull=False) & ~Q(status=DeclarationStatus.DRAFT)
_APPROVED = Q(status=DeclarationStatus.APPROVED, reviewed_at__isnull=False)
_SUPPLY_OPEN = Q(status__in=[SupplyStatus.SUBMITTED, SupplyStatus.APPROVED, SupplyStatus.ALLOCATED,
                             SupplyStatus.DELIVERED])
_APPEAL_OPEN = Q(status__in=[AppealStatus.OPEN, AppealStatus.ESCALATED])

METRICS = [
    # Resumption (复工复产)
    Metric("enterprise.registered", _("Enterprises registered"), unit=_("enterprises"),
           kind=Count(Enterprise, region="region", day="created_at", cumulative=True),
           description=_("Enterprises on the platform at the end of the period, by the day they were registered.")),
    Metric("enterprise.above_designated", _("Enterprises above designated size"), unit=_("enterprises"),
           kind=Count(Enterprise, filter=Q(scale=Scale.ABOVE_DESIGNATED), region="region", day="created_at",
                      cumulative=True)),
    Metric("enterprise.key_projects", _("Key projects"), unit=_("enterprises"),
           kind=Count(Enterprise, filter=Q(key_project=True), region="region", day="created_at", cumulative=True),
           description=_("Enterprises registered as major projects (重大工程和项目).")),
    Metric("enterprise.declared", _("Enterprises that declared resumption"), unit=_("enterprises"),
           kind=Count(ResumptionDeclaration, filter=_SUBMITTED & _first_per(ResumptionDeclaration, "enterprise",
                                                                              "submitted_at", _SUBMITTED),
                      region=_REGION, day="submitted_at", cumulative=True),
           description=_("Enterprises with a submitted resumption declaration, each counted once, on the day "
                         "of its first submission still on record.")),
    Metric("enterprise.approved", _("Enterprises approved to resume"), unit=_("enterprises"),
           kind=Count(ResumptionDeclaration, filter=_APPROVED & _first_per(ResumptionDeclaration, "enterprise",
                                                                             "reviewed_at", _APPROVED),
                      region=_REGION, day="reviewed_at", cumulative=True),
           description=_("Enterprises with an approved declaration, each counted once, on the day of approval.")),
    Metric("enterprise.resumed", _("Enterprises resumed"), unit=_("enterprises"),
           kind=Count(Enterprise, filter=Q(resumed_on__isnull=False), region="region", day="resumed_on",
                      cumulative=True),
           description=_("Enterprises back at work by the end of the period, on the day they resumed.")),
    Metric("enterprise.resumption_rate", _("Resumption rate"),
           kind=Ratio("enterprise.resumed", "enterprise.registered"),
           description=_("Enterprises resumed per enterprise registered.")),
    # Employees and health check-ins
    Metric("enterprise.employees_expected", _("Employees expected back"), unit=_("persons"),
           kind=Count(Employee, filter=Q(active=True), region=_REGION, day="created_at", cumulative=True),
           description=_("Employees on enterprises' rosters, on the day they were added to the roster.")),
    Metric("enterprise.employees_back", _("Employees back at work"), unit=_("persons"),
           kind=Count(Employee, filter=Q(active=True), region=_REGION, day="actual_return_date", cumulative=True),
           description=_("Employees on a roster who are back, on the day they returned.")),
    Metric("enterprise.employees_back_rate", _("Employees back, share"),
           kind=Ratio("enterprise.employees_back", "enterprise.employees_expected"),
           description=_("Employees back per employee on the rosters.")),
    Metric("enterprise.checkins", _("Health check-ins"), unit=_("check-ins"),
           kind=Count(HealthCheckin, region="region", day="day"),
           description=_("Daily health check-ins during the period (read one day for 'today'), in the "
                         "enterprise's region.")),
    Metric("enterprise.checkin_coverage", _("Check-in coverage"),
           kind=Ratio("enterprise.checkins", "enterprise.employees_expected", per_day=True),
           description=_("The share of employees on the rosters who checked in, averaged over the days of "
                         "the period.")),
    Metric("enterprise.checkins_abnormal", _("Abnormal check-ins"), unit=_("check-ins"),
           kind=Count(HealthCheckin, filter=Q(abnormal=True), region="region", day="day"),
           description=_("Check-ins with a fever, symptoms or risk contact during the period.")),
    # Epidemic supplies (防疫物资)
    Metric("enterprise.supply_requests_open", _("Supply requests open"), unit=_("requests"),
           kind=Count(SupplyRequest, filter=_SUPPLY_OPEN, region=_REGION, day="submitted_at", cumulative=True),
           description=_("Requests submitted by the end of the period and not yet received or rejected, on "
                         "the day submitted.")),
    Metric("enterprise.supply_requests_fulfilled", _("Supply requests fulfilled"), unit=_("requests"),
           kind=Count(SupplyRequest, filter=Q(status=SupplyStatus.RECEIVED), region=_REGION, day="received_at",
                      cumulative=True),
           description=_("Requests whose supplies the enterprise confirmed receiving, on the day received.")),
    # Appeals (诉求)
    Metric("enterprise.appeals_open", _("Appeals open"), unit=_("appeals"),
           kind=Count(Appeal, filter=_APPEAL_OPEN, region=_REGION, day="created_at", cumulative=True),
           description=_("Appeals raised by the end of the period and still open or escalated, on the day "
                         "raised.")),
    Metric("enterprise.appeals_closed", _("Appeals closed"), unit=_("appeals"),
           kind=Count(Appeal, filter=Q(status=AppealStatus.CLOSED), region=_REGION, day="closed_at",
                      cumulative=True),
           description=_("Appeals answered and closed by the end of the period, on the day closed.")),
    Metric("enterprise.appeals_overdue", _("Appeals overdue"), unit=_("appeals"),
           kind=Count(Appeal, filter=_APPEAL_OPEN, region=_REGION, day="overdue_on", cumulative=True),
           description=_("Appeals still open or escalated past their deadline at the end of the period, on "
                         "the first day they were late (deadline + 1).")),
    Metric("enterprise.appeal_hours_to_close", _("Hours taken to close appeals"), unit=_("hours"),
           kind=Sum(Appeal, "hours_to_close", filter=Q(status=AppealStatus.CLOSED), region=_REGION,
                    day="closed_at", cumulative=True),
           description=_("The hours from raising to closing, summed over closed appeals (for the average).")),
    Metric("enterprise.appeal_average_hours", _("Average time to close an appeal"), unit=_("hours"),
           kind=Ratio("enterprise.appeal_hours_to_close", "enterprise.appeals_closed", percent=False),
           description=_("Hours from raising to closing, averaged over the appeals closed by the end of the "
                         "period.")),
    # Commissioners (驻企专员)
    Metric("enterprise.commissioners", _("Commissioners stationed"), unit=_("persons"),
           kind=Count(CommissionerAssignment, filter=_first_per(CommissionerAssignment, "commissioner", "since"),
                      region=_REGION, day="since", cumulative=True),
           description=_("Commissioners serving at least one enterprise, each counted once, in the region of "
                         "their first enterprise, from the day they started.")),
    Metric("enterprise.covered", _("Enterprises with a commissioner"), unit=_("enterprises"),
           kind=Count(CommissionerAssignment, filter=_first_per(CommissionerAssignment, "enterprise", "since"),
                      region=_REGION, day="since", cumulative=True),
           description=_("Enterprises served by at least one commissioner, from the day the first one started.")),
    Metric("enterprise.coverage_rate", _("Commissioner coverage"),
           kind=Ratio("enterprise.covered", "enterprise.registered"),
           description=_("Enterprises with a commissioner per enterprise registered.")),
]
