import datetime
from typing import Literal

from ninja import Field, Schema

# Free text from the outside: no control characters (PostgreSQL cannot store NUL; nobody types the rest).
PLAIN = r"^[^\x00-\x1f]*$"
ID = {"ge": 1, "le": 2**63 - 1}
MAX_COUNT = 1_000_000


class CompoundOut(Schema):
    id: int
    name: str
    kind: str
    households: int
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    closed_since: datetime.date | None = Field(None, description="start of the open closure; null when open")


class CompoundCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN)
    kind: Literal["urban", "village"]
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN,
                             description="the community / village (or grid) it belongs to")
    households: int = Field(0, ge=0, le=MAX_COUNT)


class CompoundFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    kind: Literal["urban", "village"] | None = None
    closed: bool | None = Field(None, description="under closed management now")
    q: str | None = Field(None, max_length=64, pattern=PLAIN, description="name contains")


class ClosureStartIn(Schema):
    starts_on: datetime.date | None = Field(None, description="default today")
    note: str = Field("", max_length=200, pattern=PLAIN)


class ClosureEndIn(Schema):
    ends_on: datetime.date | None = Field(None, description="default today")
    note: str = Field("", max_length=200, pattern=PLAIN)


class ClosureOut(Schema):
    id: int
    compound_id: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    note: str


class PostOut(Schema):
    id: int
    compound_id: int
    compound_name: str = Field(..., alias="compound.name")
    name: str
    region_code: str = Field(..., alias="region.code")
    active: bool


class PostCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN, description="e.g. 东大门")


class PostFilter(Schema):
    compound_id: int | None = Field(None, **ID)
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")


class ShiftOut(Schema):
    id: int
    post_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff_name: str
    username: str | None = Field(None, alias="user.username")
    is_leader: bool
    handover_note: str


class ShiftIn(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff_name: str = Field("", max_length=64, pattern=PLAIN, description="default: the account's name")
    username: str | None = Field(None, max_length=150, pattern=PLAIN, description="the staff member's account, if any")
    is_leader: bool = Field(False, description="shift leader (带班)")
    handover_note: str = Field("", max_length=2000)


class ShiftFilter(Schema):
    day: datetime.date | None = Field(None, description="first day; default today")
    days: int = Field(1, ge=1, le=31)


class CountIn(Schema):
    entries: int = Field(..., ge=0, le=MAX_COUNT, description="people in")
    exits: int = Field(..., ge=0, le=MAX_COUNT, description="people out")


class CountOut(Schema):
    id: int
    post_id: int
    day: datetime.date
    entries: int
    exits: int
    recorded_by: str = Field(..., alias="recorded_by.username")
