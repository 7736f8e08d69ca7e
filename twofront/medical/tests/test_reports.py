"""Daily capacity reports: one a day, corrections, late and missing reports after the reporting hour; fever-clinic
visits; the bed-use and case metrics."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.medical import selectors, services
from twofront.medical.choices import CaseState
from twofront.medical.models import CapacityReport, FeverClinicVisit
from twofront.metrics import selectors as metric_values
from twofront.metrics import services as metric_services

FIGURES = {"beds_total": 200, "beds_used": 150, "isolation_rooms_total": 40, "isolation_rooms_used": 10}


def at_hour(hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute)))


def test_one_report_a_day_then_corrections(units):
    staff, hospital = units["hospital_staff_nanming"], units["hospital_nanming"]
    report = services.submit_capacity_report(actor=staff, hospital=hospital, **FIGURES)
    with pytest.raises(Conflict):
        services.submit_capacity_report(actor=staff, hospital=hospital, **FIGURES)
    services.correct_capacity_report(report, actor=staff, **{**FIGURES, "beds_used": 160})
    report.refresh_from_db()
    assert report.beds_used == 160
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="medical.capacity").order_by("id")] == [
        "medical.capacity_report.submitted", "medical.capacity_report.corrected"]


@pytest.mark.parametrize(("changes", "field"), [({"beds_used": 201}, "beds_used"),
                                                ({"isolation_rooms_used": 41}, "isolation_rooms_used"),
                                                ({"beds_total": -1}, "beds_total"),
                                                ({"beds_total": 10**9}, "beds_total")])
def test_impossible_figures_are_field_errors(units, changes, field):
    with pytest.raises(ValidationError) as error:
        services.submit_capacity_report(actor=units["hospital_staff_nanming"], hospital=units["hospital_nanming"],
                                        **{**FIGURES, **changes})
    assert field in error.value.message_dict
    assert not CapacityReport.objects.exists()


def test_staff_report_only_for_their_hospital(units, personas):
    for outsider in (units["hospital_staff_yunyan"], personas["nanming"]):
        with pytest.raises(PermissionDenied):
            services.submit_capacity_report(actor=outsider, hospital=units["hospital_nanming"], **FIGURES)
    assert not CapacityReport.objects.exists()


def test_late_and_missing_reports_after_the_hour(units, personas, settings):
    settings.TWOFRONT_CAPACITY_REPORT_HOUR = 10
    on_time = services.submit_capacity_report(actor=units["hospital_staff_nanming"],
                                              hospital=units["hospital_nanming"], **FIGURES)
    CapacityReport.objects.filter(pk=on_time.pk).update(submitted_at=at_hour(9, 30))

    # before ten, Yunyan's hospital is still due; after ten it is missing
    before = {row.hospital.pk: row.status for row in selectors.report_status(personas["commander"], now=at_hour(9, 45))}
    assert before == {units["hospital_nanming"].pk: "on_time", units["hospital_yunyan"].pk: "due"}
    overdue = selectors.report_status(personas["commander"], now=at_hour(10, 1), overdue_only=True)
    assert [(row.hospital, row.status) for row in overdue] == [(units["hospital_yunyan"], "missing")]

    # a report filed after the hour is on file but late
    late = services.submit_capacity_report(actor=units["hospital_staff_yunyan"], hospital=units["hospital_yunyan"],
                                           **FIGURES)
    CapacityReport.objects.filter(pk=late.pk).update(submitted_at=at_hour(11))
    rows = {row.hospital.pk: row.status for row in selectors.report_status(personas["commander"], now=at_hour(12))}
    assert rows[units["hospital_yunyan"].pk] == "late"
    # a district officer watches their district's hospitals only
    assert [row.hospital for row in selectors.report_status(personas["nanming"], now=at_hour(12))] == [
        units["hospital_nanming"]]
    # the hour is a setting
    settings.TWOFRONT_CAPACITY_REPORT_HOUR = 12
    rows = {row.hospital.pk: row.status for row in selectors.report_status(personas["commander"], now=at_hour(12))}
    assert rows[units["hospital_yunyan"].pk] == "on_time"


def test_hospital_staff_do_not_watch_the_late_list(units):
    with pytest.raises(PermissionDenied):
        selectors.report_status(units["hospital_staff_nanming"])


def test_bed_use_and_cases_by_state_from_the_records(units, personas, make_person):
    staff = units["hospital_staff_nanming"]
    services.submit_capacity_report(actor=staff, hospital=units["hospital_nanming"], **FIGURES)
    services.submit_capacity_report(actor=units["hospital_staff_yunyan"], hospital=units["hospital_yunyan"],
                                    **{**FIGURES, "beds_used": 50})
    a, b = make_person("520102001001001"), make_person("520102001001001")
    case = services.report_case(actor=staff, person=a, hospital=units["hospital_nanming"], state=CaseState.CONFIRMED)
    services.report_case(actor=staff, person=b, hospital=units["hospital_nanming"])
    services.transition_case(case, actor=staff, to_state=CaseState.RECOVERED)
    metric_services.refresh_dirty()
    today = timezone.localdate()
    keys = ["medical.bed_use", "medical.cases_confirmed", "medical.cases_recovered", "medical.cases_suspected",
            "medical.cases_reported"]
    city = {v.metric.key: v.value for v in metric_values.values(personas["commander"], keys, None, today, today).values}
    assert city["medical.bed_use"] == Decimal(50)  # (150 + 50) / (200 + 200)
    assert (city["medical.cases_confirmed"], city["medical.cases_recovered"], city["medical.cases_suspected"],
            city["medical.cases_reported"]) == (0, 1, 1, 2)
    nanming = {v.metric.key: v.value for v in metric_values.values(personas["nanming"], ["medical.bed_use"], "520102",
                                                                    today, today).values}
    assert nanming["medical.bed_use"] == Decimal(75)
    metric_services.rebuild()
    assert {v.metric.key: v.value for v in metric_values.values(personas["commander"], keys, None, today,
                                                                 today).values} == city


def test_fever_clinic_visit(units, person_nanming):
    staff = units["hospital_staff_nanming"]
    visit = services.record_visit(actor=staff, hospital=units["hospital_nanming"], person=person_nanming,
                                  temperature=38.2, symptoms=["fever", "cough"], outcome="observation")
    assert visit.temperature == Decimal("38.2") and visit.recorded_by == staff
    with pytest.raises(PermissionDenied):
        services.record_visit(actor=units["hospital_staff_yunyan"], hospital=units["hospital_nanming"],
                              person=person_nanming, temperature=38.2, outcome="home")
    with pytest.raises(ValidationError):
        services.record_visit(actor=staff, hospital=units["hospital_nanming"], person=person_nanming,
                              temperature=38.2, outcome="home", visited_at=datetime.datetime(9999, 1, 1))
    assert FeverClinicVisit.objects.count() == 1
