"""Cases: the state machine (CASE_TRANSITIONS) with its history; who may report and move them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.medical import services
from twofront.medical.choices import CASE_TRANSITIONS, CaseState
from twofront.medical.models import Case, CaseTransition

ALL_MOVES = [(a, b) for a in CaseState for b in CaseState]


def case_in(state: str, *, actor, person, hospital) -> Case:
    """A case brought to `state` along allowed steps."""
    paths = {CaseState.SUSPECTED: [], CaseState.CONFIRMED: [], CaseState.ASYMPTOMATIC: [],
             CaseState.RECOVERED: [CaseState.CONFIRMED, CaseState.RECOVERED],
             CaseState.DIED: [CaseState.CONFIRMED, CaseState.DIED], CaseState.EXCLUDED: [CaseState.EXCLUDED]}
    start = state if state in services.INITIAL_STATES else CaseState.SUSPECTED
    case = services.report_case(actor=actor, person=person, hospital=hospital, state=start)
    for step in paths[state]:
        if case.state != step:
            case = services.transition_case(case, actor=actor, to_state=step)
    return case


@pytest.mark.parametrize(("from_state", "to_state"), ALL_MOVES, ids=[f"{a}-{b}" for a, b in ALL_MOVES])
def test_every_transition_follows_the_state_machine(units, person_nanming, from_state, to_state):
    staff = units["hospital_staff_nanming"]
    case = case_in(from_state, actor=staff, person=person_nanming, hospital=units["hospital_nanming"])
    history = CaseTransition.objects.filter(case=case).count()
    if to_state in CASE_TRANSITIONS[from_state]:
        moved = services.transition_case(case, actor=staff, to_state=to_state, note="核酸复检")
        assert moved.state == to_state
        last = CaseTransition.objects.filter(case=case).last()
        assert (last.from_state, last.to_state, last.by, last.note) == (from_state, to_state, staff, "核酸复检")
    else:
        with pytest.raises(Conflict):
            services.transition_case(case, actor=staff, to_state=to_state)
        case.refresh_from_db()
        assert case.state == from_state and CaseTransition.objects.filter(case=case).count() == history


def test_report_keeps_the_first_step_and_one_open_case_per_person(units, person_nanming):
    staff = units["hospital_staff_nanming"]
    case = services.report_case(actor=staff, person=person_nanming, hospital=units["hospital_nanming"],
                                state=CaseState.CONFIRMED, note="发热门诊转入")
    step = case.transitions.get()
    assert (step.from_state, step.to_state, step.note) == ("", "confirmed", "发热门诊转入")
    assert case.region == person_nanming.region
    with pytest.raises(Conflict):
        services.report_case(actor=staff, person=person_nanming, hospital=units["hospital_nanming"])
    services.transition_case(case, actor=staff, to_state=CaseState.RECOVERED)
    services.report_case(actor=staff, person=person_nanming, hospital=units["hospital_nanming"])  # a new episode
    assert AuditEvent.objects.filter(action="medical.case.reported").count() == 2


@pytest.mark.parametrize("state", [CaseState.RECOVERED, "flu"])
def test_a_case_starts_open(units, person_nanming, state):
    with pytest.raises(ValidationError):
        services.report_case(actor=units["hospital_staff_nanming"], person=person_nanming,
                             hospital=units["hospital_nanming"], state=state)
    assert not Case.objects.exists()


def test_hospital_staff_report_and_move_only_their_hospitals_cases(units, personas, person_nanming):
    with pytest.raises(PermissionDenied):
        services.report_case(actor=units["hospital_staff_yunyan"], person=person_nanming,
                             hospital=units["hospital_nanming"])
    case = services.report_case(actor=units["hospital_staff_nanming"], person=person_nanming,
                                hospital=units["hospital_nanming"])
    for outsider in (units["hospital_staff_yunyan"], personas["nanming"], units["hotel_staff_nanming"]):
        with pytest.raises(PermissionDenied):
            services.transition_case(case, actor=outsider, to_state=CaseState.CONFIRMED)
    case.refresh_from_db()
    assert case.state == CaseState.SUSPECTED and case.transitions.count() == 1
    # the city's CDC may correct any case
    services.transition_case(case, actor=personas["commander"], to_state=CaseState.EXCLUDED)


def test_a_case_without_hospital_is_reported_by_the_city(personas, person_nanming):
    with pytest.raises(PermissionDenied):
        services.report_case(actor=personas["nanming"], person=person_nanming)
    case = services.report_case(actor=personas["commander"], person=person_nanming, state=CaseState.ASYMPTOMATIC)
    event = AuditEvent.objects.get(action="medical.case.reported")
    assert event.region == person_nanming.region and event.object_id == str(case.pk)
