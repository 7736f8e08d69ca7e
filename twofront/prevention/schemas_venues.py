import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.prevention.choices import VenueKind, VenueState
from twofront.prevention.schemas_compounds import PLAIN

Kind = Literal[tuple(VenueKind.values)]
State = Literal[tuple(VenueState.values)]


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    address: str
    state: str
    closed_on: datetime.date | None
    disinfected_on: datetime.date | None
    reopened_on: datetime.date | None


class VenueCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN)
    kind: Kind
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN)
    address: str = Field("", max_length=255, pattern=PLAIN)


class VenueFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    kind: Kind | None = None
    state: State | None = None
    q: str | None = Field(None, max_length=64, pattern=PLAIN, description="name contains")


class VenueDateIn(Schema):
    on: datetime.date | None = Field(None, description="the day it happened; default today")
