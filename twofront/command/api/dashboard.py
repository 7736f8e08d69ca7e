"""GET /api/v1/command/dashboard: the figures of the command centre's dashboard, from the metrics rollups."""

import datetime

from ninja import Field, Query, Router, Schema

from twofront.command.services import dashboard
from twofront.core.apikit import ERRORS

router = Router(tags=["command"])

Number = int | float | None


class DashboardFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=r"^[0-9A-Za-z]+$",
                               description="division code (default: the top region of my jurisdiction)")
    date_from: datetime.date | None = Field(None, alias="from", description="first day (default: 29 days before `to`)")
    date_to: datetime.date | None = Field(None, alias="to", description="last day (default: today)")


class RegionOut(Schema):
    code: str
    name: str
    level: str


class TileOut(Schema):
    key: str
    label: str
    unit: str
    kind: str
    cumulative: bool = Field(..., description="as of `to` when true, else over the period")
    percent: bool
    value: Number
    yoy: Number = Field(None, description="growth in % over the same period one year earlier")
    direct_value: Number = Field(None, description="records of the region itself, in no child region")
    children: list[Number] = Field(..., description="the value of each child region, in the order of `children`")


class FrontOut(Schema):
    key: str
    label: str
    tiles: list[TileOut]


class SeriesOut(Schema):
    key: str
    label: str
    unit: str
    values: list[Number] = Field(..., description="one value per day of `days`")


class TrendOut(Schema):
    key: str
    title: str
    percent: bool
    series: list[SeriesOut]


class DashboardOut(Schema):
    region: RegionOut
    trail: list[RegionOut] = Field(..., description="the region and the regions above it that I may read")
    children: list[RegionOut]
    date_from: datetime.date = Field(..., alias="from")
    date_to: datetime.date = Field(..., alias="to")
    generated_at: datetime.datetime
    refresh_seconds: int
    default_bar: str | None
    fronts: list[FrontOut]
    days: list[datetime.date]
    trends: list[TrendOut]


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, operation_id="command_dashboard", url_name="command_dashboard", by_alias=True,
            summary="The dashboard's figures for a region of my jurisdiction: tiles per front, per child region, "
                    "daily trends")
def dashboard_data(request, filters: Query[DashboardFilter]):
    board = dashboard.build(request.user, filters.region, filters.date_from, filters.date_to)
    return dashboard.to_json(board)
