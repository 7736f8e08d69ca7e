"""Cases by state (by residence), new cases and fever-clinic visits per day, hospital bed and isolation-room
use from the daily capacity reports."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.medical.choices import CaseState
from twofront.medical.models import CapacityReport, Case, FeverClinicVisit, Hospital
from twofront.metrics.registry import Count, Metric, Ratio, Sum


def _by_state(state: CaseState) -> Metric:
    # Counted on the day reported and read cumulatively: "cases in this state now", by the patient's residence.
    return Metric(f"medical.cases_{state.value}", state.label, unit=_("cases"),
                  kind=Count(Case, filter=Q(state=state), region="region", day="reported_at", cumulative=True))


def _reported(field: str, label) -> Metric:
    return Metric(f"medical.{field}", label, kind=Sum(CapacityReport, field, region="hospital__region", day="day"))


METRICS = [
    Metric("medical.hospitals_designated", _("Designated hospitals"), unit=_("hospitals"),
           kind=Count(Hospital, filter=Q(designated=True), region="region", day="opened_on", cumulative=True),
           description=_("Hospitals designated to treat patients, from the day they joined the network.")),
    Metric("medical.fever_clinics", _("Medical institutions with a fever clinic"), unit=_("hospitals"),
           kind=Count(Hospital, filter=Q(fever_clinic=True), region="region", day="opened_on", cumulative=True),
           description=_("Medical institutions with a fever clinic, channel and isolation ward.")),
    *[_by_state(state) for state in CaseState],
    Metric("medical.cases_reported", _("Cases reported"), unit=_("cases"),
           kind=Count(Case, region="region", day="reported_at")),
    Metric("medical.fever_clinic_visits", _("Fever-clinic visits"), unit=_("visits"),
           kind=Count(FeverClinicVisit, region="hospital__region", day="visited_at")),
    # Over several days these are bed-days, so the ratio is the period's average use.
    _reported("beds_total", _("Hospital beds (reported)")),
    _reported("beds_used", _("Hospital beds in use (reported)")),
    Metric("medical.bed_use", _("Hospital bed use"), kind=Ratio("medical.beds_used", "medical.beds_total")),
    _reported("isolation_rooms_total", _("Isolation rooms (reported)")),
    _reported("isolation_rooms_used", _("Isolation rooms in use (reported)")),
    Metric("medical.isolation_room_use", _("Isolation room use"),
           kind=Ratio("medical.isolation_rooms_used", "medical.isolation_rooms_total")),
]
