import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.core.choices import Symptom
from twofront.prevention.schemas_testing import ID, PLAIN, PersonRefIn
from twofront.prevention.services.quarantine import MAX_UNITS


class SiteOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    address: str
    rooms: int
    capacity: int
    for_hubei_travellers: bool
    active: bool
    opened_on: datetime.date
    guests: int = Field(0, description="persons in quarantine now")
    releases_due: int = Field(0, description="guests whose planned end is today or past")


class SiteCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN)
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN)
    address: str = Field("", max_length=255, pattern=PLAIN)
    rooms: int = Field(..., ge=1, le=MAX_UNITS)
    capacity: int = Field(..., ge=1, le=MAX_UNITS, description="persons")
    for_hubei_travellers: bool = False
    opened_on: datetime.date | None = Field(None, description="designated on; default today")


class SiteUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=128, pattern=PLAIN)
    address: str | None = Field(None, max_length=255, pattern=PLAIN)
    rooms: int | None = Field(None, ge=1, le=MAX_UNITS)
    capacity: int | None = Field(None, ge=1, le=MAX_UNITS)
    for_hubei_travellers: bool | None = None
    active: bool | None = None
    opened_on: datetime.date | None = None


class SiteFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN)
    active: bool | None = None


class HealthCheckOut(Schema):
    id: int
    day: datetime.date
    temperature: float
    symptoms: list[str]


class StayOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    site_id: int
    site_name: str = Field(..., alias="site.name")
    room: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    released_at: datetime.datetime | None
    release_test_id: int | None
    checks: list[HealthCheckOut]

    @staticmethod
    def resolve_checks(stay) -> list:
        return list(stay.checks.all())


class StayCreateIn(PersonRefIn):
    room: str = Field(..., min_length=1, max_length=16, pattern=PLAIN)
    starts_on: datetime.date | None = Field(None, description="default today")
    ends_on: datetime.date | None = Field(None, description="planned end; default 14 days after the start")


class StayFilter(Schema):
    site_id: int | None = Field(None, **ID)
    status: Literal["active", "released", "transferred"] | None = None
    due: bool | None = Field(None, description="true: still in quarantine with the planned end today or past")
    person_id: int | None = Field(None, **ID)


class HealthCheckIn(Schema):
    temperature: float = Field(..., ge=30, le=45, description="°C, one decimal")
    symptoms: list[Symptom] = Field(default_factory=list, max_length=len(Symptom))
    day: datetime.date | None = Field(None, description="default today")


class ReleaseSampleIn(Schema):
    sample_id: str = Field(..., min_length=1, max_length=32, pattern=PLAIN)
    sampled_at: datetime.datetime | None = Field(None, description="default now")


class ReleaseIn(Schema):
    release_test_id: int = Field(..., **ID, description="a negative test of the guest sampled in the last days")
