import datetime

from ninja import Field, Schema

from twofront.enterprise.choices import AppealCategory, AppealStatus
from twofront.enterprise.schemas_supplies import NO_NUL
from twofront.enterprise.selectors_commissioners import is_overdue

MAX_ID = 2**63 - 1


class AssignmentOut(Schema):
    id: int
    commissioner_id: int
    commissioner: str = Field(..., alias="commissioner.username")
    commissioner_name: str = Field(..., alias="commissioner.display_name")
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    since: datetime.date


class AssignmentIn(Schema):
    commissioner_id: int = Field(..., ge=1, le=MAX_ID)
    since: datetime.date | None = Field(None, description="default today")


class AssignmentFilter(Schema):
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID)
    commissioner: str | None = Field(None, max_length=150, pattern=NO_NUL, description="username")


class CommissionerOut(Schema):
    id: int
    username: str
    display_name: str


class VisitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    commissioner: str = Field(..., alias="commissioner.username")
    visited_on: datetime.date
    notes: str
    created_at: datetime.datetime


class VisitIn(Schema):
    visited_on: datetime.date
    notes: str = Field("", max_length=4000)


class VisitFilter(Schema):
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID)


class DepartmentOut(Schema):
    id: int
    name: str


class AppealOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region_code: str = Field(..., alias="enterprise.region.code")
    category: AppealCategory
    description: str
    deadline: datetime.date
    overdue: bool
    status: AppealStatus
    commissioner: str | None = Field(None, alias="commissioner.username")
    escalated_to_id: int | None
    escalated_to_name: str | None = Field(None, alias="escalated_to.name")
    escalated_at: datetime.datetime | None
    escalation_note: str
    answer: str
    closed_at: datetime.datetime | None
    hours_to_close: float | None
    rating: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_overdue(appeal) -> bool:
        return is_overdue(appeal)


class AppealIn(Schema):
    category: AppealCategory
    description: str = Field(..., min_length=1, max_length=4000)
    deadline: datetime.date | None = Field(None, description="default: today + the configured days (5)")


class AppealFilter(Schema):
    status: AppealStatus | None = None
    category: AppealCategory | None = None
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID)
    overdue: bool = Field(False, description="only open or escalated appeals past their deadline")


class EscalateIn(Schema):
    department_id: int = Field(..., ge=1, le=MAX_ID)
    note: str = Field("", max_length=2000)


class CloseIn(Schema):
    answer: str = Field(..., min_length=1, max_length=4000)


class RateIn(Schema):
    rating: int = Field(..., ge=1, le=5)


class CountOut(Schema):
    key: str
    name: str
    count: int


class OverdueOut(Schema):
    region_code: str | None
    total: int
    by_category: list[CountOut]
    by_region: list[CountOut]
