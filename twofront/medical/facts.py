"""Cases as facts for the risk engine (core.risk), from each case's transition history:

- a suspected or confirmed spell -> "key_category" with that value, from the day it began; a spell that
  ended has `until` = the day before the next state began, so the new state decides that day;
- an asymptomatic infection -> "test_result" positive (what it is: a positive test without symptoms);
- recovered, excluded or died -> "case_closed" on that day (lifts the positive-test rule).
"""

import datetime
from collections import defaultdict

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.risk import Fact, register_fact_provider
from twofront.medical.choices import CaseState
from twofront.medical.models import Case, CaseTransition

OPEN_STATES = (CaseState.SUSPECTED, CaseState.CONFIRMED, CaseState.ASYMPTOMATIC)
LABELS = {CaseState.SUSPECTED: "疑似病例", CaseState.CONFIRMED: "确诊病例"}


def case_facts(person_ids: list[int], since: datetime.date) -> dict[int, list[Fact]]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    cases = (Case.objects.filter(person_id__in=person_ids)
             .filter(Q(state__in=OPEN_STATES) | Q(state_changed_at__gte=start))
             .prefetch_related(Prefetch("transitions", CaseTransition.objects.order_by("at", "id"))))
    facts: dict[int, list[Fact]] = defaultdict(list)
    for case in cases:
        steps = list(case.transitions.all())
        for step, following in zip(steps, [*steps[1:], None], strict=True):
            day = timezone.localdate(step.at)
            if step.to_state in LABELS:
                until = timezone.localdate(following.at) - datetime.timedelta(days=1) if following else None
                facts[case.person_id].append(Fact("key_category", day, step.to_state, until, LABELS[step.to_state]))
            elif step.to_state == CaseState.ASYMPTOMATIC:
                facts[case.person_id].append(Fact("test_result", day, "positive"))
            else:
                facts[case.person_id].append(Fact("case_closed", day, step.to_state))
    return facts


register_fact_provider("medical.cases", case_facts, presence=[
    f"SELECT person_id FROM {Case._meta.db_table} WHERE person_id IN {{ids}}"],  # noqa: S608
    kinds={"key_category": _("Key-person category"), "test_result": _("Nucleic-acid test result"),
           "case_closed": _("Case closed (recovered, excluded or died)")})
