"""What prevention knows about a person, as facts for the risk engine in core (core.risk):

- "key_category": value = category code, at = since, until = the day released from it (open while in it);
- "quarantine": at = start; open while the stay lasts, until = the day released;
- "test_result": value = negative / positive, at = the day of the result.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.risk import Fact, register_fact_provider
from twofront.prevention.choices import StayStatus, TestResult
from twofront.prevention.models import KeyPersonEntry, NucleicTest, QuarantineStay


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def health_facts(person_ids: list[int], since: datetime.date) -> dict[int, list[Fact]]:
    facts: dict[int, list[Fact]] = defaultdict(list)
    entries = (KeyPersonEntry.objects.filter(person_id__in=person_ids)
               .filter(Q(until__isnull=True) | Q(until__gte=since)).select_related("category"))
    for entry in entries:
        facts[entry.person_id].append(Fact("key_category", entry.since, entry.category.code, entry.until,
                                           entry.category.name))
    stays = (QuarantineStay.objects.filter(person_id__in=person_ids)
             .filter(Q(status=StayStatus.ACTIVE) | Q(released_at__gte=_start_of(since))).select_related("site"))
    for stay in stays:
        until = None if stay.status == StayStatus.ACTIVE else timezone.localdate(stay.released_at)
        facts[stay.person_id].append(Fact("quarantine", stay.starts_on, until=until, label=stay.site.name))
    results = NucleicTest.objects.filter(person_id__in=person_ids, result__in=[TestResult.NEGATIVE, TestResult.POSITIVE],
                                         result_at__gte=_start_of(since))
    for person_id, result, result_at in results.values_list("person_id", "result", "result_at"):
        facts[person_id].append(Fact("test_result", timezone.localdate(result_at), result))
    return facts


register_fact_provider("prevention.health", health_facts, presence=[
    f"SELECT person_id FROM {model._meta.db_table} WHERE person_id IN {{ids}}"  # noqa: S608 (the model's table)
    for model in (KeyPersonEntry, QuarantineStay, NucleicTest)],
    kinds={"key_category": _("Key-person category"), "quarantine": _("Quarantine stay"),
           "test_result": _("Nucleic-acid test result")})
