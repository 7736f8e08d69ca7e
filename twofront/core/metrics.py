"""Metrics the core registries contribute to the dashboard and reports."""

from django.utils.translation import gettext_lazy as _

from twofront.core.models import Person
from twofront.metrics.registry import Count, Metric

METRICS = [
    Metric("core.persons_registered", _("Persons registered"), unit=_("persons"),
           kind=Count(Person, region="region", day="created_at", cumulative=True),
           description=_("Persons in the registry at the end of the period, by the region they live in.")),
    Metric("core.persons_new", _("Persons newly registered"), unit=_("persons"),
           kind=Count(Person, region="region", day="created_at"),
           description=_("Persons added to the registry during the period.")),
]
