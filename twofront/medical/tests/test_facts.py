"""Cases as risk facts, case by case through core.risk.statuses_for."""

import datetime

import pytest
from django.utils import timezone

from twofront.core import risk
from twofront.medical import services
from twofront.medical.choices import CaseState
from twofront.medical.models import Case, CaseTransition

TODAY = timezone.localdate


def day(offset: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=offset)


def status(person, offset: int = 0):
    return risk.statuses_for([person.pk], today=day(offset))[person.pk]


def backdate(case: Case, *days_ago: int) -> None:
    """Moves the case's steps into the past: the first to days_ago[0], the next to days_ago[1], ..."""
    steps = list(case.transitions.order_by("at", "id"))
    for step, ago in zip(steps, days_ago, strict=True):
        CaseTransition.objects.filter(pk=step.pk).update(at=step.at - datetime.timedelta(days=ago))
    first = timezone.now() - datetime.timedelta(days=days_ago[0])
    Case.objects.filter(pk=case.pk).update(reported_at=first, state_changed_at=first)


@pytest.fixture
def staff(units):
    return units["hospital_staff_nanming"]


@pytest.fixture
def report(staff, units):
    def make(person, state=CaseState.SUSPECTED):
        return services.report_case(actor=staff, person=person, hospital=units["hospital_nanming"], state=state)
    return make


@pytest.mark.parametrize("state", [CaseState.SUSPECTED, CaseState.CONFIRMED, CaseState.ASYMPTOMATIC])
def test_an_open_case_is_red(person_nanming, report, state):
    report(person_nanming, state)
    result = status(person_nanming)
    assert result.level == "red"
    rule = "positive_test" if state == CaseState.ASYMPTOMATIC else "confirmed_or_suspected"
    assert [r.rule for r in result.reasons] == [rule]


def test_excluded_the_same_day_is_green_that_day(person_nanming, report, staff):
    case = report(person_nanming)
    services.transition_case(case, actor=staff, to_state=CaseState.EXCLUDED)
    assert status(person_nanming).level == "green"


def test_history_suspected_then_confirmed_then_recovered(person_nanming, report, staff):
    case = report(person_nanming)
    services.transition_case(case, actor=staff, to_state=CaseState.CONFIRMED)
    services.transition_case(case, actor=staff, to_state=CaseState.RECOVERED)
    backdate(case, 10, 6, 0)
    assert status(person_nanming, -8).level == "red"  # suspected then
    assert [r.text for r in status(person_nanming, -3).reasons] == ["确诊或疑似病例"]  # confirmed then
    assert status(person_nanming).level == "green"  # recovered today
    assert status(person_nanming, -11).level == "green"  # before it began


def test_closing_a_case_lifts_an_earlier_positive_test(person_nanming, report, staff, personas):
    from twofront.prevention.services import testing

    sample = testing.register_sample(actor=personas["nanming"], person=person_nanming, sample_id="MF-1",
                                     sampled_at=timezone.now() - datetime.timedelta(hours=30))
    testing.record_result(sample, actor=personas["nanming"], result="positive",
                          result_at=timezone.now() - datetime.timedelta(hours=26))
    case = report(person_nanming, CaseState.ASYMPTOMATIC)
    assert status(person_nanming).level == "red"
    services.transition_case(case, actor=staff, to_state=CaseState.RECOVERED)
    assert status(person_nanming).level == "green"


def test_cases_of_many_persons_at_once(make_person, report):
    sick, well = make_person(), make_person()
    report(sick, CaseState.CONFIRMED)
    result = risk.statuses_for([sick.pk, well.pk])
    assert (result[sick.pk].level, result[well.pk].level) == ("red", "green")
