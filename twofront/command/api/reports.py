"""信息报送: the district command posts' daily reports, and the city's table of a day's reports."""

import datetime

from ninja import Query, Router, Status

from twofront.command import selectors_reports as selectors
from twofront.command.schemas_operations import (
    OverviewOut,
    ReportCreateIn,
    ReportFilter,
    ReportOut,
    ReportReturnIn,
    ReportSubmitIn,
    ReportUpdateIn,
)
from twofront.command.services import reports as services
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region

router = Router(tags=["command"])


@router.get("/reports", response={200: list[ReportOut], **ERRORS}, operation_id="command_reports_list",
            summary="Daily reports I may read (a district: its own; the city: every district's)")
@paginate(LimitOffsetPagination)
def list_reports(request, filters: Query[ReportFilter]):
    return selectors.reports(request.user, **filters.dict())


@router.post("/reports", response={201: ReportOut, **WRITE_ERRORS}, operation_id="command_reports_create",
             summary="Start a district's report for a day, its figures read from the metrics")
def create_report(request, data: ReportCreateIn):
    selectors.require_view(request.user)
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    report = services.start_report(actor=request.user, region=region, day=data.day, narrative=data.narrative)
    return Status(201, selectors.report_or_404(request.user, report.pk))


@router.get("/reports/overview", response={200: OverviewOut, **ERRORS}, operation_id="command_reports_overview",
            summary="A day's reports side by side: every district I see, missing ones and totals")
def overview(request, day: datetime.date | None = None):
    data = services.day_overview(request.user, day)
    rows = [{"region_code": r.region.code, "region_name": r.region.name, "state": r.state,
             "report_id": r.report.pk if r.report else None,
             "submitted_at": r.report.submitted_at if r.report else None, "late": r.late, "overdue": r.overdue,
             "figures": r.report.figures if r.submitted else {}} for r in data.rows]
    return {"day": data.day, "deadline": data.deadline, "keys": data.keys, "rows": rows, "totals": data.totals,
            "missing": [r.region.code for r in data.missing]}


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, operation_id="command_reports_get",
            summary="One daily report")
def get_report(request, report_id: int):
    return selectors.report_or_404(request.user, report_id)


@router.patch("/reports/{report_id}", response={200: ReportOut, **WRITE_ERRORS},
              operation_id="command_reports_update", summary="Save the narrative of a draft or returned report")
def update_report(request, report_id: int, data: ReportUpdateIn):
    services.save_report(selectors.report_or_404(request.user, report_id), actor=request.user,
                         narrative=data.narrative)
    return selectors.report_or_404(request.user, report_id)


@router.post("/reports/{report_id}/refresh", response={200: ReportOut, **WRITE_ERRORS},
             operation_id="command_reports_refresh", summary="Read the figures of a draft again from the metrics")
def refresh(request, report_id: int):
    services.refresh_figures(selectors.report_or_404(request.user, report_id), actor=request.user)
    return selectors.report_or_404(request.user, report_id)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **WRITE_ERRORS},
             operation_id="command_reports_submit", summary="Submit the report to the city (figures read anew)")
def submit(request, report_id: int, data: ReportSubmitIn):
    services.submit_report(selectors.report_or_404(request.user, report_id), actor=request.user,
                           narrative=data.narrative)
    return selectors.report_or_404(request.user, report_id)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **WRITE_ERRORS},
             operation_id="command_reports_return", summary="Return a submitted report for correction (the city)")
def return_for_correction(request, report_id: int, data: ReportReturnIn):
    services.return_report(selectors.report_or_404(request.user, report_id), actor=request.user, reason=data.reason)
    return selectors.report_or_404(request.user, report_id)
