import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from twofront.prevention.choices import CheckpointKind, Decision, PassageStatus, VehicleType


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL cannot store or compare it: a 422, not a database error
        raise ValueError("remove the NUL character")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# Filters and bounds: days a checkpoint can have worked, so date arithmetic stays inside the calendar.
Day = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1), le=datetime.date(2099, 12, 31))]

_ID = "national ID (GB 11643); looked up in the registry by its blind index, never stored in clear"
_PLACES = "places visited in the last 14 days, e.g. [\"湖北武汉\"]"


class CheckpointOut(Schema):
    id: int
    name: str
    kind: CheckpointKind
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    location: str
    active: bool


class CheckpointDetailOut(CheckpointOut):
    self_registration_path: str = Field(..., description="the page travellers reach by the checkpoint's QR code")


class CheckpointCreateIn(Schema):
    name: Text = Field(..., min_length=1, max_length=128)
    kind: CheckpointKind
    region_code: Text = Field(..., min_length=1, max_length=20)
    location: Text = Field("", max_length=200)


class CheckpointFilter(Schema):
    region: Text | None = Field(None, max_length=20, description="division code; includes its subtree")
    kind: CheckpointKind | None = None
    q: Text | None = Field(None, max_length=64, description="name contains")


class CheckpointShiftOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff_name: str
    username: str | None = Field(None, alias="user.username")
    is_leader: bool
    handover_note: str


class CheckpointShiftIn(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    username: Text | None = Field(None, max_length=150, description="a staff account of this checkpoint")
    staff_name: Text = Field("", max_length=64)
    is_leader: bool = Field(False, description="the shift leader (带班)")
    handover_note: Text = Field("", max_length=2000)


class CheckpointShiftFilter(Schema):
    since: Day | None = Field(None, description="first day (default today)")
    days: int = Field(7, ge=1, le=31)


class PassageRiskOut(Schema):
    level: str
    reasons: list[str]
    changes_on: datetime.date | None


class PassageLookupIn(Schema):
    id_number: Text = Field(..., min_length=1, max_length=32, description=_ID)


class PassageLookupOut(Schema):
    found: bool
    person_id: int | None = None
    name: str = ""
    id_number_masked: str = ""
    risk: PassageRiskOut | None = None


class PassageTravellerIn(Schema):
    id_number: Text = Field(..., min_length=1, max_length=32, description=_ID)
    name: Text = Field("", max_length=64, description="needed when the person is not registered yet")
    phone: Text = Field("", max_length=20)
    temperature: float | None = Field(None, description="°C, 30.0 to 45.0")
    travel_history: list[Text] = Field(default_factory=list, max_length=10, description=_PLACES)
    decision: Decision = Decision.PASS
    is_driver: bool = False


class PassageCreateIn(Schema):
    plate: Text = Field("", max_length=16, description="Chinese plate, e.g. 贵A12345; empty only on foot")
    vehicle_type: VehicleType = VehicleType.CAR
    origin_province: Text = Field(..., min_length=1, max_length=32, description="e.g. 湖北 or 湖北省")
    origin_city: Text = Field("", max_length=32)
    destination_code: Text = Field(..., min_length=1, max_length=20, description="division code in the city")
    travellers: list[PassageTravellerIn] = Field(..., min_length=1, max_length=60)


class SelfRegisteredTravellerIn(Schema):
    name: Text = Field(..., min_length=1, max_length=64)
    id_number: Text = Field(..., min_length=1, max_length=32, description=_ID)
    phone: Text = Field("", max_length=20)
    travel_history: list[Text] = Field(default_factory=list, max_length=10, description=_PLACES)
    is_driver: bool = False


class SelfRegistrationIn(Schema):
    plate: Text = Field("", max_length=16)
    vehicle_type: VehicleType = VehicleType.CAR
    origin_province: Text = Field(..., min_length=1, max_length=32)
    origin_city: Text = Field("", max_length=32)
    destination_code: Text = Field(..., min_length=1, max_length=20)
    travellers: list[SelfRegisteredTravellerIn] = Field(..., min_length=1, max_length=60)


class SelfRegistrationOut(Schema):
    reference: int = Field(..., alias="pk", description="show this number to the checkpoint staff")
    status: PassageStatus
    checkpoint: str = Field(..., alias="checkpoint.name")


class PassageDecisionIn(Schema):
    id: int = Field(..., description="a pending traveller of the passage")
    decision: Decision
    temperature: float | None = None


class PassageConfirmIn(Schema):
    travellers: list[PassageDecisionIn] = Field(..., min_length=1, max_length=60)


class PassageTravellerOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    temperature: float | None
    travel_history: list[str]
    decision: Decision
    is_driver: bool
    risk_level: str = Field(..., description="the status shown to staff at the checkpoint")


class PassagePendingTravellerOut(Schema):
    id: int
    name: str
    id_number_masked: str
    travel_history: list[str]
    is_driver: bool


class PassageOut(Schema):
    id: int
    checkpoint_id: int
    checkpoint_name: str = Field(..., alias="checkpoint.name")
    plate: str
    vehicle_type: VehicleType
    origin_province: str
    origin_city: str
    destination_code: str = Field(..., alias="destination.code")
    destination_name: str = Field(..., alias="destination.name")
    region_code: str = Field(..., alias="region.code")
    status: PassageStatus
    registered_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    travellers: list[PassageTravellerOut]
    pending_travellers: list[PassagePendingTravellerOut]

    @staticmethod
    def resolve_travellers(obj) -> list:
        saved = getattr(obj, "saved_travellers", None)  # just registered: no need to read them back
        return saved if saved is not None else list(obj.travellers.all())

    @staticmethod
    def resolve_pending_travellers(obj) -> list:
        return list(obj.pending_travellers.all()) if obj.status == PassageStatus.PENDING else []


class PassageFilter(Schema):
    checkpoint: int | None = Field(None, ge=1, le=2**63 - 1)
    status: PassageStatus | None = None
    decision: Decision | None = Field(None, description="passages with at least one traveller so decided")
    plate: Text | None = Field(None, max_length=16, description="plate contains")
    since: Day | None = None
    until: Day | None = None
    destination: Text | None = Field(None, max_length=20, description="division code; includes its subtree")
    origin_province: Text | None = Field(None, max_length=32)
