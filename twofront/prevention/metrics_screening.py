"""Grid screening: households (total and screened), leads (total and visited) and their completion rates.

A household is "screened" by its first visit in any campaign, counted on that visit's day in the visit's
grid; totals count households and leads on the day they were registered. All read cumulatively, so a
rate for a period is "as of its last day", and the rates page drills grid -> community -> street ->
district through the rollups.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric, Ratio
from twofront.prevention.choices import LeadStatus
from twofront.prevention.models import Household, Lead, ScreeningVisit

EARLIER_CAMPAIGN_VISIT = ScreeningVisit.objects.filter(household=OuterRef("household"), campaign__isnull=False,
                                                       pk__lt=OuterRef("pk"))
FIRST_CAMPAIGN_VISIT = Q(campaign__isnull=False) & ~Exists(EARLIER_CAMPAIGN_VISIT)

HOUSEHOLDS, SCREENED = "prevention.households", "prevention.households_screened"
LEADS, VISITED = "prevention.leads", "prevention.leads_visited"

METRICS = [
    Metric(HOUSEHOLDS, _("Households registered"), unit=_("households"),
           kind=Count(Household, day="created_at", cumulative=True)),
    Metric(SCREENED, _("Households screened"), unit=_("households"),
           kind=Count(ScreeningVisit, filter=FIRST_CAMPAIGN_VISIT, day="visited_at", cumulative=True),
           description=_("Households visited at least once in a screening campaign.")),
    Metric("prevention.screening_rate", _("Household screening completion"), kind=Ratio(SCREENED, HOUSEHOLDS)),
    Metric(LEADS, _("Screening leads"), unit=_("leads"), kind=Count(Lead, day="created_at", cumulative=True)),
    Metric(VISITED, _("Screening leads visited"), unit=_("leads"),
           kind=Count(Lead, filter=Q(status=LeadStatus.VISITED), day="visit__visited_at", cumulative=True)),
    Metric("prevention.lead_completion", _("Lead completion"), kind=Ratio(VISITED, LEADS)),
    Metric("prevention.visits", _("Screening visits"), unit=_("visits"), kind=Count(ScreeningVisit, day="visited_at")),
]
