"""Scoped reads of hospitals, visits, cases and capacity reports; which hospitals are late reporting today."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import scope
from twofront.core.errors import field_error
from twofront.core.models import Person
from twofront.core.scope import in_region as in_region
from twofront.core.scope import require_view as require_view
from twofront.core.services.people import find_by_id_number
from twofront.medical.models import CapacityReport, Case, CaseTransition, FeverClinicVisit, Hospital
from twofront.medical.services import OPEN_STATES

DEFAULT_REPORT_HOUR = 10


def find_person(user, *, person_id: int | None = None, id_number: str | None = None) -> Person:
    """By id (404 unless visible to the user) or by the national ID number on the patient's card (any
    registered person: hospital staff see no one else in the registry)."""
    people = Person.objects.select_related("region")
    if person_id is not None:
        return scope.get_visible_or_404(people, user, pk=person_id)
    if not id_number:
        raise field_error("id_number", _("Enter the national ID number."))
    person = find_by_id_number(people, id_number).first()
    if person is None:
        raise field_error("id_number", _("No registered person has this national ID number."))
    return person


def hospitals(user, *, region: str | None = None, designated: bool | None = None,
              fever_clinic: bool | None = None) -> QuerySet:
    qs = Hospital.objects.visible_to(user).select_related("region")
    if designated is not None:
        qs = qs.filter(designated=designated)
    if fever_clinic is not None:
        qs = qs.filter(fever_clinic=fever_clinic)
    return in_region(qs, region)


def visits(user, *, hospital_id: int | None = None, outcome: str | None = None,
           date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> QuerySet:
    qs = FeverClinicVisit.objects.visible_to(user).select_related("hospital", "person")
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if date_from:
        qs = qs.filter(visited_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(visited_at__date__lte=date_to)
    return qs


def cases(user, *, state: str | None = None, hospital_id: int | None = None, region: str | None = None,
          open_only: bool | None = None, person_id: int | None = None) -> QuerySet:
    """`region`: the patient's residence."""
    qs = (Case.objects.visible_to(user).select_related("person", "hospital", "region")
          .prefetch_related(Prefetch("transitions", CaseTransition.objects.select_related("by").order_by("at", "id"))))
    if state:
        qs = qs.filter(state=state)
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return in_region(qs, region)


def reports(user, *, hospital_id: int | None = None, date_from: datetime.date | None = None,
            date_to: datetime.date | None = None) -> QuerySet:
    qs = CapacityReport.objects.visible_to(user).select_related("hospital", "submitted_by")
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    return qs


# -- late reports ------------------------------------------------------------------------------------

def report_hour() -> int:
    return int(getattr(settings, "TWOFRONT_CAPACITY_REPORT_HOUR", DEFAULT_REPORT_HOUR))


def deadline(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(report_hour())))


def is_late(report: CapacityReport) -> bool:
    return report.submitted_at >= deadline(report.day)


@dataclass
class ReportStatus:
    hospital: Hospital
    report: CapacityReport | None
    status: str  # on_time, late (filed after the hour), missing (none and past the hour), due (none yet)

    @property
    def overdue(self) -> bool:
        return self.status in ("late", "missing")


def report_status(user, *, now: datetime.datetime | None = None, overdue_only: bool = False) -> list[ReportStatus]:
    """Today's report of every hospital the user watches (officials: `monitor_capacityreport`)."""
    if not scope.has_permission_anywhere(user, "medical.monitor_capacityreport"):
        raise PermissionDenied
    now = now or timezone.now()
    today = timezone.localdate(now)
    filed = {r.hospital_id: r for r in CapacityReport.objects.filter(day=today, hospital__in=hospitals(user))}
    rows = []
    for hospital in hospitals(user):
        report = filed.get(hospital.pk)
        if report is not None:
            status = "late" if is_late(report) else "on_time"
        else:
            status = "missing" if now >= deadline(today) else "due"
        rows.append(ReportStatus(hospital, report, status))
    return [row for row in rows if row.overdue] if overdue_only else rows
