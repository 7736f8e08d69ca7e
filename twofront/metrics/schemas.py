import datetime
from typing import Literal

from ninja import Field, Schema

Number = int | float | None


class MetricsFilter(Schema):
    keys: str | None = Field(None, max_length=2000, description="comma-separated metric keys; all when absent")
    region: str | None = Field(None, max_length=20, pattern=r"^[0-9A-Za-z]+$",
                               description="division code (default: the top region of my jurisdiction)")
    date_from: datetime.date | None = Field(None, alias="from", description="first day (default: `to`)")
    date_to: datetime.date | None = Field(None, alias="to", description="last day (default: today)")
    group: Literal["children", "day"] | None = Field(None, description="children: per child region; day: daily series")


class RegionRefOut(Schema):
    code: str
    name: str
    level: str


class ChildValueOut(RegionRefOut):
    value: Number


class DayValueOut(Schema):
    day: datetime.date
    value: Number


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    kind: str
    cumulative: bool
    depends_on: list[str]
    dimensions: list[str]
    description: str


class MetricValueOut(Schema):
    key: str
    label: str
    unit: str
    kind: str
    cumulative: bool
    value: Number
    direct_value: Number = Field(None, description="with group=children: records of the region itself, in no child")
    children: list[ChildValueOut] | None = None
    series: list[DayValueOut] | None = None


class MetricsOut(Schema):
    region: RegionRefOut
    date_from: datetime.date = Field(..., alias="from")
    date_to: datetime.date = Field(..., alias="to")
    group: str | None
    metrics: list[MetricValueOut]
