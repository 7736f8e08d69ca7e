"""API schemas of the operations area: duty shifts, daily information reports, incidents."""

import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.command.services.reports import MAX_NARRATIVE

PLAIN = r"^[^\x00-\x1f]*$"  # one line, no control characters
TEXT = r"^[^\x00]*$"  # several lines
ID = {"ge": 1, "le": 2**63 - 1}
CODE = {"min_length": 1, "max_length": 20, "pattern": r"^\d{1,20}$"}
CommandPost = Literal["command_centre", "district_post"]
AnyPost = Literal["command_centre", "district_post", "checkpoint", "monitoring_post", "quarantine_site"]


# --- duty -----------------------------------------------------------------------------------------

class ShiftOut(Schema):
    id: int
    post_type: str
    post_id: int | None
    post_name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff_name: str
    username: str | None = Field(None, description="the staff member's account, when they have one")
    is_leader: bool = Field(..., description="shift leader (带班)")
    handover_note: str
    editable_here: bool = Field(..., description="a command-post shift (others are kept on the post's page)")

    @staticmethod
    def resolve_username(shift) -> str | None:
        return shift.user.username if shift.user_id else None

    @staticmethod
    def resolve_editable_here(shift) -> bool:
        return shift.post_type in ("command_centre", "district_post") and shift.post_id is None


class ShiftIn(Schema):
    post_type: CommandPost
    region_code: str = Field(..., **CODE)
    post_name: str = Field("", max_length=128, pattern=PLAIN, description="default: the region's post")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    staff_name: str = Field("", max_length=64, pattern=PLAIN, description="default: the account's name")
    username: str | None = Field(None, max_length=150, pattern=PLAIN)
    is_leader: bool = False


class ShiftFilter(Schema):
    date_from: datetime.date | None = Field(None, alias="from", description="first local day; default today")
    date_to: datetime.date | None = Field(None, alias="to", description="last local day (at most 42 days)")
    post_type: AnyPost | None = None
    region: str | None = Field(None, **CODE)


class HandoverIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000, pattern=TEXT)


class OnDutyShiftOut(Schema):
    id: int
    staff_name: str
    username: str | None = None
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @staticmethod
    def resolve_username(shift) -> str | None:
        return shift.user.username if shift.user_id else None


class PostOnDutyOut(Schema):
    post_type: str
    post_name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    leaders: list[OnDutyShiftOut]
    staff: list[OnDutyShiftOut]


class OnDutyFilter(Schema):
    region: str | None = Field(None, **CODE)
    post_type: AnyPost | None = None


# --- information reports --------------------------------------------------------------------------

class FigureOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None


class ReportOut(Schema):
    id: int
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    day: datetime.date
    status: str
    figures: list[FigureOut]
    figures_read_at: datetime.datetime | None
    narrative: str
    submitted_at: datetime.datetime | None
    first_submitted_at: datetime.datetime | None
    submitted_by: str | None = None
    late: bool = Field(..., description="first submitted after the day's deadline")
    returned_at: datetime.datetime | None
    return_reason: str

    @staticmethod
    def resolve_figures(report) -> list[dict]:
        from twofront.command.selectors_reports import figure_rows

        return [{"key": f.key, "label": str(f.label), "unit": str(f.unit), "value": f.value}
                for f in figure_rows(report.figures)]

    @staticmethod
    def resolve_submitted_by(report) -> str | None:
        return report.submitted_by.username if report.submitted_by_id else None

    @staticmethod
    def resolve_late(report) -> bool:
        from twofront.command.services.reports import is_late

        return is_late(report)


class ReportCreateIn(Schema):
    region_code: str = Field(..., **CODE)
    day: datetime.date | None = Field(None, description="default today")
    narrative: str = Field("", max_length=MAX_NARRATIVE, pattern=TEXT)


class ReportUpdateIn(Schema):
    narrative: str = Field(..., max_length=MAX_NARRATIVE, pattern=TEXT)


class ReportSubmitIn(Schema):
    narrative: str | None = Field(None, max_length=MAX_NARRATIVE, pattern=TEXT,
                                  description="default: the saved narrative")


class ReportReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000, pattern=TEXT)


class ReportFilter(Schema):
    day: datetime.date | None = None
    region: str | None = Field(None, **CODE)
    status: Literal["draft", "submitted", "returned"] | None = None


class OverviewRowOut(Schema):
    region_code: str
    region_name: str
    state: Literal["missing", "draft", "submitted", "returned"]
    report_id: int | None
    submitted_at: datetime.datetime | None
    late: bool
    overdue: bool = Field(..., description="not submitted and the deadline has passed")
    figures: dict[str, float | None] = Field(..., description="submitted reports only")


class OverviewOut(Schema):
    day: datetime.date
    deadline: datetime.datetime
    keys: list[str]
    rows: list[OverviewRowOut]
    totals: dict[str, float | None] = Field(..., description="over the submitted reports; ratios from the sums")
    missing: list[str] = Field(..., description="division codes of districts that have not submitted")


# --- incidents ------------------------------------------------------------------------------------

class IncidentActionOut(Schema):
    id: int
    at: datetime.datetime
    text: str
    by: str

    @staticmethod
    def resolve_by(action) -> str:
        return str(action.by)


class IncidentOut(Schema):
    id: int
    title: str
    level: str
    level_label: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    place: str
    occurred_at: datetime.datetime
    status: str
    assigned: list[str]
    closed_at: datetime.datetime | None
    closing_summary: str

    @staticmethod
    def resolve_level_label(incident) -> str:
        return str(incident.get_level_display())

    @staticmethod
    def resolve_assigned(incident) -> list[str]:
        return [u.username for u in incident.assigned.all()]


class IncidentDetailOut(IncidentOut):
    actions: list[IncidentActionOut]

    @staticmethod
    def resolve_actions(incident) -> list:
        return list(incident.actions.select_related("by"))


class IncidentCreateIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, pattern=PLAIN)
    level: Literal["1", "2", "3", "4"] = Field(..., description="I (especially grave) to IV (ordinary)")
    region_code: str = Field(..., **CODE)
    place: str = Field(..., min_length=1, max_length=200, pattern=PLAIN)
    occurred_at: datetime.datetime
    description: str = Field("", max_length=2000, pattern=TEXT)


class IncidentFilter(Schema):
    status: Literal["open", "closed"] | None = None
    level: Literal["1", "2", "3", "4"] | None = None
    region: str | None = Field(None, **CODE)


class IncidentActionIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000, pattern=TEXT)
    at: datetime.datetime | None = Field(None, description="default now")


class IncidentAssignIn(Schema):
    usernames: list[str] = Field(..., max_length=50)


class IncidentLevelIn(Schema):
    level: Literal["1", "2", "3", "4"]
    reason: str = Field(..., min_length=1, max_length=1000, pattern=TEXT)


class IncidentCloseIn(Schema):
    summary: str = Field(..., min_length=1, max_length=5000, pattern=TEXT)
