"""Ninja schemas of the enterprise API (enterprises, declarations, roster, check-ins). PII is masked in every Out."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from twofront.enterprise.choices import DeclarationStatus, Industry, Scale

IndustryCode = Literal[tuple(Industry.values)]  # type: ignore[valid-type]
ScaleCode = Literal[tuple(Scale.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(DeclarationStatus.values)]  # type: ignore[valid-type]
Symptom = Literal["fever", "cough", "fatigue", "sore_throat", "short_breath", "diarrhoea", "taste_smell"]
Temperature = Field(..., ge=34, le=43, description="°C, one decimal")


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry: str
    scale: str
    key_project: bool
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    address: str
    legal_representative: str
    contact_name: str
    contact_phone_masked: str
    organisation_id: int
    resumed_on: datetime.date | None
    created_at: datetime.datetime


class EnterpriseCreateIn(Schema):
    credit_code: str = Field(..., min_length=1, max_length=32, description="unified social credit code (GB 32100)")
    name: str = Field(..., min_length=1, max_length=128)
    industry: IndustryCode
    scale: ScaleCode
    region_code: str = Field(..., min_length=1, max_length=20)
    key_project: bool = False
    address: str = Field("", max_length=255)
    legal_representative: str = Field("", max_length=64)
    contact_name: str = Field("", max_length=64)
    contact_phone: str = Field("", max_length=20, description="mainland mobile, stored encrypted, shown masked")


class EnterpriseUpdateIn(Schema):
    credit_code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=128)
    industry: IndustryCode | None = None
    scale: ScaleCode | None = None
    region_code: str | None = Field(None, min_length=1, max_length=20)
    key_project: bool | None = None
    address: str | None = Field(None, max_length=255)
    legal_representative: str | None = Field(None, max_length=64)
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: str | None = Field(None, max_length=20)


class EnterpriseFilter(Schema):
    q: str | None = Field(None, max_length=128, description="name contains, or the exact credit code")
    region: str | None = Field(None, max_length=20, description="division code; includes its subtree")
    industry: IndustryCode | None = None
    scale: ScaleCode | None = None
    resumed: bool | None = None
    key_project: bool | None = None


class ResumeIn(Schema):
    resumed_on: datetime.date


class CheckinLinkOut(Schema):
    id: int
    checkin_url: str


class DeclarationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    planned_date: datetime.date
    expected_headcount: int
    local_employees: int
    out_of_town_employees: int
    mask_stock_days: int
    disinfection: bool
    temperature_checks: bool
    isolation_room: bool
    canteen_arrangement: str
    responsible_person: str
    status: str
    submitted_at: datetime.datetime | None
    review_due: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    return_reason: str
    created_at: datetime.datetime


class _DeclarationFields(Schema):
    local_employees: int = Field(0, ge=0, le=1_000_000)
    out_of_town_employees: int = Field(0, ge=0, le=1_000_000)
    mask_stock_days: int = Field(0, ge=0, le=365)
    disinfection: bool = False
    temperature_checks: bool = False
    isolation_room: bool = False
    canteen_arrangement: str = Field("", max_length=200)
    responsible_person: str = Field("", max_length=64)


class DeclarationCreateIn(_DeclarationFields):
    enterprise_id: int
    planned_date: datetime.date
    expected_headcount: int = Field(..., ge=1, le=1_000_000)


class DeclarationUpdateIn(Schema):
    planned_date: datetime.date | None = None
    expected_headcount: int | None = Field(None, ge=1, le=1_000_000)
    local_employees: int | None = Field(None, ge=0, le=1_000_000)
    out_of_town_employees: int | None = Field(None, ge=0, le=1_000_000)
    mask_stock_days: int | None = Field(None, ge=0, le=365)
    disinfection: bool | None = None
    temperature_checks: bool | None = None
    isolation_room: bool | None = None
    canteen_arrangement: str | None = Field(None, max_length=200)
    responsible_person: str | None = Field(None, max_length=64)


class DeclarationFilter(Schema):
    status: StatusCode | None = None
    overdue: bool | None = Field(None, description="submitted and past its review deadline")
    enterprise: int | None = None
    region: str | None = Field(None, max_length=20)


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class EmployeeOut(Schema):
    id: int
    enterprise_id: int
    person_id: int
    name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    phone_masked: str
    residence_code: str = Field(..., alias="person.region.code")
    out_of_town: bool
    origin_region_code: str
    planned_return_date: datetime.date | None
    actual_return_date: datetime.date | None
    quarantine_needed: bool
    active: bool


class _RosterFields(Schema):
    out_of_town: bool = False
    origin_region_code: str = Field("", max_length=6, description="6-digit division code of the origin")
    planned_return_date: datetime.date | None = None
    actual_return_date: datetime.date | None = None
    quarantine_needed: bool = False


class EmployeeCreateIn(_RosterFields):
    enterprise_id: int
    id_number: str = Field(..., min_length=1, max_length=32, description="national ID; looked up by blind index")
    name: str = Field("", max_length=64, description="required when the person is not registered yet")
    phone: str = Field("", max_length=20, description="roster phone; its last 4 digits prove identity at check-in")
    residence_code: str | None = Field(None, max_length=20, description="default: the enterprise's region")
    address: str = Field("", max_length=255)


class EmployeeUpdateIn(Schema):
    phone: str | None = Field(None, max_length=20)
    out_of_town: bool | None = None
    origin_region_code: str | None = Field(None, max_length=6)
    planned_return_date: datetime.date | None = None
    actual_return_date: datetime.date | None = None
    quarantine_needed: bool | None = None
    active: bool | None = None


class EmployeeFilter(Schema):
    enterprise: int | None = None
    name: str | None = Field(None, max_length=64)
    id_number: str | None = Field(None, max_length=32, description="exact national ID (blind-index lookup)")
    active: bool | None = True
    out_of_town: bool | None = None


class RosterErrorOut(Schema):
    row: int
    column: str
    value: str  # masked
    message: str


class RosterImportOut(Schema):
    added: int
    updated: int
    errors: list[RosterErrorOut]


class CheckinOut(Schema):
    id: int
    employee_id: int
    enterprise_id: int
    day: datetime.date
    temperature: Decimal
    symptoms: list[str]
    location: str
    risk_contact: bool
    abnormal: bool
    source: str
    submitted_at: datetime.datetime
    updated_at: datetime.datetime


class CheckinListOut(CheckinOut):
    name: str = Field(..., alias="employee.person.name")
    id_number_masked: str = Field(..., alias="employee.person.id_number_masked")
    residence_code: str = Field(..., alias="residence_region.code")


class _CheckinAnswers(Schema):
    temperature: Decimal = Temperature
    symptoms: list[Symptom] = Field(default_factory=list, max_length=7)
    location: str = Field("", max_length=100, description="where the employee is today")
    risk_contact: bool = Field(False, description="contact with confirmed or suspected cases")


class CheckinIn(_CheckinAnswers):
    employee_id: int


class QrCheckinIn(_CheckinAnswers):
    id_number: str = Field(..., min_length=1, max_length=32)
    phone_last4: str = Field(..., min_length=4, max_length=4, pattern=r"^\d{4}$")


class QrCheckinOut(Schema):
    """What the phone shows: no PII beyond the employee's own masked ID."""

    day: datetime.date
    name: str = Field(..., alias="employee.person.name")
    id_number_masked: str = Field(..., alias="employee.person.id_number_masked")
    temperature: Decimal
    abnormal: bool
    updated_at: datetime.datetime


class BulkRowIn(_CheckinAnswers):
    id_number: str = Field(..., min_length=1, max_length=32)


class BulkCheckinIn(Schema):
    enterprise_id: int
    rows: list[BulkRowIn] = Field(..., min_length=1, max_length=1000)


class RowErrorOut(Schema):
    loc: list[str]
    msg: str


class BulkRowOut(Schema):
    row: int
    status: Literal["created", "updated", "error"]
    checkin_id: int | None = None
    abnormal: bool | None = None
    errors: list[RowErrorOut] | None = None


class BulkCheckinOut(Schema):
    created: int
    updated: int
    errors: int
    results: list[BulkRowOut]


class CheckinFilter(Schema):
    day: datetime.date | None = None
    abnormal: bool | None = None
    enterprise: int | None = None
    region: str | None = Field(None, max_length=20, description="enterprise or residence in this subtree")


class CoverageOut(Schema):
    enterprise_id: int
    day: datetime.date
    roster: int
    checked_in: int
    abnormal: int
    rate: float | None
    missing_employee_ids: list[int]


class StatsRowOut(Schema):
    key: str
    label: str
    registered: int
    resumed: int
    resumption_rate: float | None
    employees_expected: int
    employees_back: int
    return_rate: float | None


class StatsOut(Schema):
    by: str
    parent_code: str | None
    day: datetime.date
    total: StatsRowOut
    rows: list[StatsRowOut]


class AttachmentOut(Schema):
    id: int
    declaration_id: int
    name: str
    uploaded_at: datetime.datetime
