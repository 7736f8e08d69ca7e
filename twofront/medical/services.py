"""Hospitals, fever-clinic visits, cases and daily capacity reports. Pages, API and tasks call these."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit
from twofront.core.choices import OrganisationKind, Symptom
from twofront.core.errors import Conflict, field_error
from twofront.core.errors import clean_text as clean_text  # control characters refused, line breaks too
from twofront.core.models import Organisation, Person, Region
from twofront.core.scope import require
from twofront.medical.choices import CASE_TRANSITIONS, CaseState, VisitOutcome
from twofront.medical.models import CapacityReport, Case, CaseTransition, FeverClinicVisit, Hospital
from twofront.metrics.dirty import touch

MAX_UNITS = 100_000  # beds, rooms, wards per hospital
REPORT_DAYS_BACK = 7  # a hospital may file or correct the reports of the last week
INITIAL_STATES = (CaseState.SUSPECTED, CaseState.CONFIRMED, CaseState.ASYMPTOMATIC)
OPEN_STATES = INITIAL_STATES
HOSPITAL_FIELDS = ["name", "designated", "fever_clinic", "isolation_wards", "beds"]
REPORT_FIELDS = ["beds_total", "beds_used", "isolation_rooms_total", "isolation_rooms_used"]


def _count(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_UNITS:
        raise field_error(field, _("Enter a number from 0 to %(n)s.") % {"n": MAX_UNITS})
    return value


# -- hospitals ---------------------------------------------------------------------------------------

def _hospital_fields(name, designated, fever_clinic, isolation_wards, beds) -> dict:
    return {"name": clean_text(name, "name", required=True, max_length=128), "designated": bool(designated),
            "fever_clinic": bool(fever_clinic), "isolation_wards": _count(isolation_wards, "isolation_wards"),
            "beds": _count(beds, "beds")}


@transaction.atomic
def create_hospital(*, actor, region: Region, name: str, designated: bool = False, fever_clinic: bool = False,
                    isolation_wards: int = 0, beds: int = 0, opened_on: datetime.date | None = None) -> Hospital:
    """A hospital and the Organisation its staff are assigned to; `opened_on` (default today) is the day it
    joined the network, from 1 December 2019."""
    require(actor, "medical.add_hospital", region=region)
    fields = _hospital_fields(name, designated, fever_clinic, isolation_wards, beds)
    opened_on = opened_on or timezone.localdate()
    if not datetime.date(2019, 12, 1) <= opened_on <= timezone.localdate():
        raise field_error("opened_on", _("Choose a day from 2019-12-01 up to today."))
    organisation = Organisation.objects.create(name=fields["name"], kind=OrganisationKind.HOSPITAL, region=region)
    hospital = Hospital.objects.create(organisation=organisation, region=region, opened_on=opened_on, **fields)
    audit.record(actor, "medical.hospital.created", hospital,
                 changes=audit.diff({}, audit.snapshot(hospital, HOSPITAL_FIELDS)))
    touch(Hospital, region_id=region.pk, day=hospital.opened_on)
    return hospital


@transaction.atomic
def update_hospital(hospital: Hospital, *, actor, name: str, designated: bool, fever_clinic: bool,
                    isolation_wards: int, beds: int) -> Hospital:
    require(actor, "medical.change_hospital", hospital)
    before = audit.snapshot(hospital, HOSPITAL_FIELDS)
    for key, value in _hospital_fields(name, designated, fever_clinic, isolation_wards, beds).items():
        setattr(hospital, key, value)
    changes = audit.diff(before, audit.snapshot(hospital, HOSPITAL_FIELDS))
    if changes:
        hospital.save(update_fields=HOSPITAL_FIELDS)
        if "name" in changes:
            Organisation.objects.filter(pk=hospital.organisation_id).update(name=hospital.name)
        audit.record(actor, "medical.hospital.updated", hospital, changes=changes)
        touch(Hospital, region_id=hospital.region_id, day=hospital.opened_on)
    return hospital


# -- fever-clinic visits -----------------------------------------------------------------------------

def _temperature(value) -> Decimal:
    try:
        temperature = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error("temperature", _("Enter a temperature such as 36.5."))
    if not Decimal("34.0") <= temperature <= Decimal("43.0"):
        raise field_error("temperature", _("Enter a temperature from 34.0 to 43.0 °C."))
    return temperature


def _recent(value: datetime.datetime | None, field: str) -> datetime.datetime:
    """A time in the last week (naive means local time), default now."""
    now = timezone.now()
    if value is None:
        return now
    low, high = now - datetime.timedelta(days=REPORT_DAYS_BACK), now + datetime.timedelta(minutes=5)
    if timezone.is_naive(value):  # compared as local times, so an absurd year is refused, never converted
        low, high = (timezone.localtime(moment).replace(tzinfo=None) for moment in (low, high))
    if not low <= value <= high:
        raise field_error(field, _("Enter a time in the last %(days)s days.") % {"days": REPORT_DAYS_BACK})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def record_visit(*, actor, hospital: Hospital, person: Person, temperature, outcome: str,
                 symptoms: list[str] | tuple = (), visited_at: datetime.datetime | None = None) -> FeverClinicVisit:
    require(actor, "medical.add_feverclinicvisit", hospital)
    if not hospital.fever_clinic:
        raise field_error("hospital_id", _("This hospital has no fever clinic."))
    if outcome not in VisitOutcome.values:
        raise field_error("outcome", _("Choose a listed outcome."))
    symptoms = list(dict.fromkeys(symptoms or ()))
    if any(s not in Symptom.values for s in symptoms):
        raise field_error("symptoms", _("Choose listed symptoms."))
    visit = FeverClinicVisit.objects.create(hospital=hospital, person=person, temperature=_temperature(temperature),
                                            symptoms=symptoms, outcome=outcome,
                                            visited_at=_recent(visited_at, "visited_at"), recorded_by=actor)
    audit.record(actor, "medical.visit.recorded", visit,
                 changes={"person": person.pk, "temperature": visit.temperature, "symptoms": symptoms,
                          "outcome": outcome})
    touch(FeverClinicVisit, region_id=hospital.region_id, day=visit.visited_at)
    return visit


# -- cases -------------------------------------------------------------------------------------------

def _touch_case(case: Case) -> None:
    # Cases by state count on the day reported (read cumulatively): a transition recomputes that cell.
    touch(Case, region_id=case.region_id, day=case.reported_at)


@transaction.atomic
def report_case(*, actor, person: Person, hospital: Hospital | None = None, state: str = CaseState.SUSPECTED,
                note: str = "") -> Case:
    """A new case (suspected, confirmed or an asymptomatic infection); one open case per person."""
    now = timezone.now()
    case = Case(person=person, hospital=hospital, state=state, reported_at=now, state_changed_at=now,
                region=person.region)
    require(actor, "medical.add_case", case)
    if state not in INITIAL_STATES:
        raise field_error("state", _("A case starts as suspected, confirmed or asymptomatic."))
    note = clean_text(note, "note")
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one report at a time per person
    if Case.objects.filter(person=person, state__in=OPEN_STATES).exists():
        raise Conflict(_("This person already has an open case."))
    case.save()
    CaseTransition.objects.create(case=case, from_state="", to_state=state, at=now, by=actor, note=note)
    audit.record(actor, "medical.case.reported", case, region=case.region,
                 changes={"person": person.pk, "hospital": hospital.pk if hospital else None, "state": state},
                 reason=note)
    _touch_case(case)
    return case


@transaction.atomic
def transition_case(case: Case, *, actor, to_state: str, note: str = "") -> Case:
    """Moves a case along CASE_TRANSITIONS (409 otherwise) and keeps the step in its history."""
    require(actor, "medical.change_case", case)
    if to_state not in CaseState.values:
        raise field_error("to_state", _("Choose a listed state."))
    note = clean_text(note, "note")
    case = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
    if to_state not in CASE_TRANSITIONS[case.state]:
        raise Conflict(_("A case cannot go from %(from)s to %(to)s.")
                       % {"from": CaseState(case.state).label, "to": CaseState(to_state).label})
    from_state, now = case.state, timezone.now()
    case.state, case.state_changed_at = to_state, now
    case.save(update_fields=["state", "state_changed_at"])
    CaseTransition.objects.create(case=case, from_state=from_state, to_state=to_state, at=now, by=actor, note=note)
    audit.record(actor, "medical.case.transitioned", case, region=case.region,
                 changes={"state": [from_state, to_state]}, reason=note)
    _touch_case(case)
    return case


# -- daily capacity reports --------------------------------------------------------------------------

def _report_fields(beds_total, beds_used, isolation_rooms_total, isolation_rooms_used) -> dict:
    fields = {"beds_total": _count(beds_total, "beds_total"), "beds_used": _count(beds_used, "beds_used"),
              "isolation_rooms_total": _count(isolation_rooms_total, "isolation_rooms_total"),
              "isolation_rooms_used": _count(isolation_rooms_used, "isolation_rooms_used")}
    if fields["beds_used"] > fields["beds_total"]:
        raise field_error("beds_used", _("More beds in use than beds."))
    if fields["isolation_rooms_used"] > fields["isolation_rooms_total"]:
        raise field_error("isolation_rooms_used", _("More isolation rooms in use than rooms."))
    return fields


def _report_day(day: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    day = day or today
    if not today - datetime.timedelta(days=REPORT_DAYS_BACK) <= day <= today:
        raise field_error("day", _("Report for today or one of the last %(days)s days.") % {"days": REPORT_DAYS_BACK})
    return day


@transaction.atomic
def submit_capacity_report(*, actor, hospital: Hospital, beds_total: int, beds_used: int, isolation_rooms_total: int,
                           isolation_rooms_used: int, day: datetime.date | None = None) -> CapacityReport:
    """The day's report of a hospital (one a day; 409 if filed, correct it instead)."""
    require(actor, "medical.add_capacityreport", hospital)
    day = _report_day(day)
    fields = _report_fields(beds_total, beds_used, isolation_rooms_total, isolation_rooms_used)
    if CapacityReport.objects.filter(hospital=hospital, day=day).exists():
        raise Conflict(_("The report for %(day)s is already filed; correct it instead.") % {"day": day})
    try:
        with transaction.atomic():
            report = CapacityReport.objects.create(hospital=hospital, day=day, submitted_by=actor, **fields)
    except IntegrityError:
        raise Conflict(_("The report for %(day)s is already filed; correct it instead.") % {"day": day})
    audit.record(actor, "medical.capacity_report.submitted", report, region=hospital.region,
                 changes={"day": day, **fields})
    touch(CapacityReport, region_id=hospital.region_id, day=day)
    return report


@transaction.atomic
def correct_capacity_report(report: CapacityReport, *, actor, beds_total: int, beds_used: int,
                            isolation_rooms_total: int, isolation_rooms_used: int) -> CapacityReport:
    require(actor, "medical.change_capacityreport", report)
    _report_day(report.day)
    before = audit.snapshot(report, REPORT_FIELDS)
    for key, value in _report_fields(beds_total, beds_used, isolation_rooms_total, isolation_rooms_used).items():
        setattr(report, key, value)
    changes = audit.diff(before, audit.snapshot(report, REPORT_FIELDS))
    if changes:
        report.save(update_fields=REPORT_FIELDS)
        audit.record(actor, "medical.capacity_report.corrected", report, region=report.hospital.region,
                     changes=changes)
        touch(CapacityReport, region_id=report.hospital.region_id, day=report.day)
    return report
