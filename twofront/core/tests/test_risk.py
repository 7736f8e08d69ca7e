"""Risk rules case by case: levels, expiry, clearing facts, versions and overrides."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twofront.core import risk
from twofront.core.models import AuditEvent, RiskRuleSet
from twofront.core.services import risk as risk_services

D = datetime.date(2020, 2, 10)
RULES = risk.DEFAULT_RULES


def at(days: int) -> datetime.date:
    return D + datetime.timedelta(days=days)


def status(*facts, today=D):
    return risk.evaluate(facts, RULES, today)


def test_no_facts_is_green():
    result = status()
    assert result.level == "green" and result.reasons == [] and result.changes_on is None


def test_close_contact_is_red_for_14_days_then_green():
    fact = risk.Fact("key_category", at(-3), "close_contact")
    red = status(fact)
    assert red.level == "red" and red.reasons[0].rule == "close_contact"
    assert red.changes_on == at(11)
    assert status(fact, today=at(10)).level == "red"
    assert status(fact, today=at(11)).level == "green"


def test_quarantine_holds_while_the_stay_lasts():
    stay = risk.Fact("quarantine", at(-2), until=at(5))
    assert status(stay).level == "red" and status(stay).changes_on == at(6)
    assert status(stay, today=at(6)).level == "green"
    open_stay = risk.Fact("quarantine", at(-2))
    assert status(open_stay).changes_on is None


def test_hubei_travel_is_yellow_and_a_later_negative_test_clears_it():
    travel = risk.Fact("travel", at(-2), "420106")
    assert status(travel).level == "yellow"
    assert status(travel, risk.Fact("test_result", at(-1), "negative")).level == "green"
    # a negative test from before the trip does not clear it
    assert status(travel, risk.Fact("test_result", at(-5), "negative")).level == "yellow"
    # travel elsewhere is not a reason
    assert status(risk.Fact("travel", at(-2), "510104")).level == "green"


def test_worst_level_wins_and_all_reasons_are_listed():
    result = status(risk.Fact("travel", at(-1), "420100"), risk.Fact("key_category", at(-1), "close_contact"))
    assert result.level == "red"
    assert [r.rule for r in result.reasons] == ["close_contact", "hubei_travel"]


def test_future_facts_do_not_count_yet():
    assert status(risk.Fact("key_category", at(2), "close_contact")).level == "green"


@pytest.mark.parametrize("bad", [[], [{"id": "x"}], [{"id": "x", "fact": "f", "level": "green", "reason": {"zh": "绿"}}],
                                 [{"id": "x", "fact": "f", "level": "red", "reason": {"zh": "a"}, "lasts_days": 0}],
                                 [{"id": "x", "fact": "no_such_kind", "level": "red", "reason": {"zh": "a"}}],
                                 [{"id": "x", "fact": "travel", "match": {"value_in": []}, "level": "red",
                                   "reason": {"zh": "a"}}],
                                 [{"id": "x", "fact": "travel", "level": "red", "reason": {"zh": "a"},
                                   "cleared_by": {"value_in": ["negative"]}}],
                                 [{"id": "x", "fact": "travel", "level": "red", "reason": {"zh": "a"},
                                   "cleared_by": {"fact": "no_such_kind"}}]])
def test_invalid_rule_sets_are_refused(bad):
    with pytest.raises(ValidationError):
        risk.validate_rules(bad)


def test_the_fact_kinds_rules_may_name_are_those_the_apps_declare():
    kinds = risk.fact_kinds()
    assert {"key_category", "quarantine", "test_result", "travel", "abnormal_checkin", "case_closed"} <= set(kinds)
    assert risk.validate_rules(risk.DEFAULT_RULES) == risk.DEFAULT_RULES  # the seeded rules name only those


def test_publishing_a_version_changes_the_evaluation(personas, person_nanming):
    assert RiskRuleSet.objects.get(active=True).version == 1  # seeded by migration
    new_rules = [*RULES, {"id": "abroad", "fact": "travel", "match": {"value_prefix_in": ["99"]}, "level": "red",
                          "lasts_days": 14, "reason": {"zh": "境外旅居史", "en": "abroad"}}]
    with pytest.raises(PermissionDenied):
        risk_services.publish_rule_set(actor=personas["nanming"], rules=new_rules)
    rule_set = risk_services.publish_rule_set(actor=personas["commander"], rules=new_rules, notes="境外输入")
    assert rule_set.version == 2 and RiskRuleSet.objects.filter(active=True).get() == rule_set
    version, rules = risk.active_rule_set()
    assert version == 2 and rules[-1]["id"] == "abroad"
    assert risk.evaluate([risk.Fact("travel", D, "990001")], rules, D).level == "red"


def test_override_replaces_the_status_until_a_date_and_is_audited(personas, person_nanming):
    from django.utils import timezone

    today = timezone.localdate()
    until = today + datetime.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        risk_services.override_risk(person_nanming, actor=personas["yunyan"], level="red", reason="流调发现", until=until)
    with pytest.raises(ValidationError):
        risk_services.override_risk(person_nanming, actor=personas["nanming"], level="red", reason="", until=until)
    risk_services.override_risk(person_nanming, actor=personas["nanming"], level="red", reason="流调发现密接", until=until)
    result = risk.status_for(person_nanming)
    assert result.level == "red" and result.overridden and result.changes_on == until + datetime.timedelta(days=1)
    assert risk.status_for(person_nanming, today=until + datetime.timedelta(days=1)).level == "green"
    assert AuditEvent.objects.filter(action="core.risk.overridden", reason="流调发现密接").exists()


def test_the_active_rule_set_is_read_once_per_version(personas, person_nanming):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert risk.statuses_for([person_nanming.pk])[person_nanming.pk].rule_version == 1
    with CaptureQueriesContext(connection) as queries:
        risk.statuses_for([person_nanming.pk])
    assert len(queries.captured_queries) == 1  # the presence query names the active set; its rules are cached
    risk_services.publish_rule_set(actor=personas["commander"], rules=RULES, notes="v2")
    assert risk.statuses_for([person_nanming.pk])[person_nanming.pk].rule_version == 2


def test_providers_are_asked_only_about_persons_their_presence_sql_finds(monkeypatch, person_nanming):
    from twofront.core.models import Person

    asked = {"with": [], "without": []}

    def provider(name):
        def facts(person_ids, since):
            asked[name].append(list(person_ids))
            return {pid: [risk.Fact("key_category", D, "close_contact")] for pid in person_ids}
        return facts

    monkeypatch.setattr(risk, "_PROVIDERS", {})
    monkeypatch.setattr(risk, "_PRESENCE", {})
    monkeypatch.setattr(risk, "_SQL", {})
    table = Person._meta.db_table
    # "with" has records of person_nanming only; "without" declares no presence SQL, so it is always asked
    risk.register_fact_provider("with", provider("with"), presence=[
        f"SELECT id FROM {table} WHERE id IN {{ids}} AND id = {person_nanming.pk}"])  # noqa: S608
    risk.register_fact_provider("without", provider("without"))
    statuses = risk.statuses_for([person_nanming.pk, 10**9], today=D)
    assert asked == {"with": [[person_nanming.pk]], "without": [[person_nanming.pk, 10**9]]}
    assert statuses[person_nanming.pk].level == statuses[10**9].level == "red"


@pytest.mark.django_db
def test_many_persons_are_evaluated_in_bounded_statements():
    ids = list(range(10**9, 10**9 + 450))
    statuses = risk.statuses_for(ids)
    assert set(statuses) == set(ids) and {s.level for s in statuses.values()} == {"green"}
