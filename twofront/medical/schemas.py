import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.core.choices import Symptom
from twofront.medical.choices import CaseState, VisitOutcome
from twofront.medical.selectors import is_late
from twofront.medical.services import MAX_UNITS

PLAIN = r"^[^\x00-\x1f]*$"  # no control characters (PostgreSQL cannot store NUL)
ID = {"ge": 1, "le": 2**63 - 1}
COUNT = {"ge": 0, "le": MAX_UNITS}


class HospitalOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    designated: bool
    fever_clinic: bool
    isolation_wards: int
    beds: int


class HospitalCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN)
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN)
    designated: bool = False
    fever_clinic: bool = False
    isolation_wards: int = Field(0, **COUNT)
    beds: int = Field(0, **COUNT)


class HospitalUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=128, pattern=PLAIN)
    designated: bool | None = None
    fever_clinic: bool | None = None
    isolation_wards: int | None = Field(None, **COUNT)
    beds: int | None = Field(None, **COUNT)


class HospitalFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    designated: bool | None = None
    fever_clinic: bool | None = None


class PersonRefIn(Schema):
    """Name the patient by id, or by national ID number (exact, through the blind index)."""

    person_id: int | None = Field(None, **ID)
    id_number: str | None = Field(None, max_length=32, pattern=PLAIN)


class VisitOut(Schema):
    id: int
    hospital_id: int
    hospital_name: str = Field(..., alias="hospital.name")
    person_id: int
    person_name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    visited_at: datetime.datetime
    temperature: float
    symptoms: list[str]
    outcome: str


class VisitCreateIn(PersonRefIn):
    temperature: float = Field(..., ge=30, le=45)
    symptoms: list[Symptom] = Field(default_factory=list, max_length=len(Symptom))
    outcome: VisitOutcome
    visited_at: datetime.datetime | None = Field(None, description="default now")


class VisitFilter(Schema):
    hospital_id: int | None = Field(None, **ID)
    outcome: VisitOutcome | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class TransitionOut(Schema):
    from_state: str
    to_state: str
    at: datetime.datetime
    by: str = Field(..., alias="by.username")
    note: str


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    region_code: str = Field(..., alias="region.code", description="the patient's residence")
    hospital_id: int | None
    state: CaseState
    reported_at: datetime.datetime
    state_changed_at: datetime.datetime
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(case) -> list:
        return list(case.transitions.all())


class CaseCreateIn(PersonRefIn):
    hospital_id: int | None = Field(None, **ID)
    state: Literal["suspected", "confirmed", "asymptomatic"] = "suspected"
    note: str = Field("", max_length=200, pattern=PLAIN)


class TransitionIn(Schema):
    to_state: CaseState
    note: str = Field("", max_length=200, pattern=PLAIN)


class CaseFilter(Schema):
    state: CaseState | None = None
    hospital_id: int | None = Field(None, **ID)
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="the patient's residence")
    open_only: bool | None = None
    person_id: int | None = Field(None, **ID)


class ReportOut(Schema):
    id: int
    hospital_id: int
    hospital_name: str = Field(..., alias="hospital.name")
    day: datetime.date
    beds_total: int
    beds_used: int
    isolation_rooms_total: int
    isolation_rooms_used: int
    submitted_at: datetime.datetime
    late: bool = Field(..., description="filed after the day's reporting hour")

    @staticmethod
    def resolve_late(report) -> bool:
        return is_late(report)


class ReportFigures(Schema):
    beds_total: int = Field(..., **COUNT)
    beds_used: int = Field(..., **COUNT)
    isolation_rooms_total: int = Field(..., **COUNT)
    isolation_rooms_used: int = Field(..., **COUNT)


class ReportCreateIn(ReportFigures):
    day: datetime.date | None = Field(None, description="default today")


class ReportFilter(Schema):
    hospital_id: int | None = Field(None, **ID)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ReportStatusOut(Schema):
    hospital_id: int = Field(..., alias="hospital.id")
    hospital_name: str = Field(..., alias="hospital.name")
    status: Literal["on_time", "late", "missing", "due"]
    submitted_at: datetime.datetime | None = None

    @staticmethod
    def resolve_submitted_at(row) -> datetime.datetime | None:
        return row.report.submitted_at if row.report else None


class ReportStatusFilter(Schema):
    overdue_only: bool = Field(False, description="only hospitals late or missing today")
