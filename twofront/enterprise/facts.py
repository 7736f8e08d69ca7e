"""What health check-ins tell the risk engine in core (core.risk) about a person:

- "abnormal_checkin": at = the day of an abnormal check-in (on any roster the person is on); value = what made it
  abnormal, the most serious first: "risk_contact", else "fever" (from 37.3 °C), else "symptoms"; label = the
  enterprise's name. The default rule "abnormal_checkin" keeps a person yellow for 3 days after it.

Read from the check-in table only when asked (pages, checkpoints): the QR check-in itself never asks.
"""

import datetime
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from twofront.core.risk import Fact, register_fact_provider
from twofront.enterprise.models import Employee, HealthCheckin
from twofront.enterprise.services.checkins import FEVER_FROM


def abnormal_code(temperature, risk_contact: bool) -> str:
    if risk_contact:
        return "risk_contact"
    return "fever" if temperature is not None and temperature >= FEVER_FROM else "symptoms"


def checkin_facts(person_ids: list[int], since: datetime.date) -> dict[int, list[Fact]]:
    facts: dict[int, list[Fact]] = defaultdict(list)
    rows = (HealthCheckin.objects.filter(employee__person_id__in=person_ids, abnormal=True, day__gte=since)
            .order_by().values_list("employee__person_id", "day", "temperature", "risk_contact", "enterprise__name"))
    for person_id, day, temperature, risk_contact, enterprise in rows:
        facts[person_id].append(Fact("abnormal_checkin", day, abnormal_code(temperature, risk_contact), label=enterprise))
    return facts


register_fact_provider("enterprise.checkins", checkin_facts, presence=[
    f"SELECT e.person_id FROM {Employee._meta.db_table} e JOIN {HealthCheckin._meta.db_table} c "  # noqa: S608
    "ON c.employee_id = e.id WHERE c.abnormal AND e.person_id IN {ids}"],
    kinds={"abnormal_checkin": _("Abnormal health check-in")})
