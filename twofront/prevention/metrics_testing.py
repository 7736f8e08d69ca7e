"""Key people per category and their testing coverage; nucleic-acid tests sampled and positive per day.

People "in a category" are those not yet released from it, counted on the day they entered it and read
cumulatively (so the figure for a period is "as of its last day" for people still in the category).
"Tested" means sampled on or after that day, the rule of the coverage page.
"""

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from twofront.metrics.registry import Count, Metric, Ratio
from twofront.prevention.choices import TestResult
from twofront.prevention.models import KeyPersonEntry, NucleicTest
from twofront.prevention.selectors_testing import TESTED_SINCE_ENTRY

# The five seeded categories (五类人员); a category added later is counted in the totals.
CATEGORIES = [
    ("confirmed", _("confirmed cases")),
    ("suspected", _("suspected cases")),
    ("fever", _("fever patients, infection not excluded")),
    ("close_contact", _("close contacts")),
    ("high_risk_arrival", _("arrivals from high-risk areas")),
]
OPEN = Q(until__isnull=True)


def _in_category(key: str, label, condition: Q) -> list[Metric]:
    return [
        Metric(f"prevention.key_people_{key}", format_lazy(_("Key people: {who}"), who=label), unit=_("persons"),
               kind=Count(KeyPersonEntry, filter=OPEN & condition, day="since", cumulative=True)),
        Metric(f"prevention.key_people_{key}_tested", format_lazy(_("Key people tested: {who}"), who=label),
               unit=_("persons"),
               kind=Count(KeyPersonEntry, filter=OPEN & condition & Q(TESTED_SINCE_ENTRY), day="since", cumulative=True)),
        Metric(f"prevention.test_coverage_{key}", format_lazy(_("Testing coverage: {who}"), who=label),
               kind=Ratio(f"prevention.key_people_{key}_tested", f"prevention.key_people_{key}")),
    ]


METRICS = [
    *_in_category("all", _("all categories"), Q()),
    *[metric for code, label in CATEGORIES for metric in _in_category(code, label, Q(category__code=code))],
    Metric("prevention.tests_sampled", _("Nucleic-acid samples taken"), unit=_("samples"),
           kind=Count(NucleicTest, day="sampled_at"), description=_("Samples taken per day, by residence.")),
    Metric("prevention.tests_positive", _("Positive nucleic-acid results"), unit=_("samples"),
           kind=Count(NucleicTest, filter=Q(result=TestResult.POSITIVE), day="result_at"),
           description=_("Positive results per day of the result, by residence.")),
]
