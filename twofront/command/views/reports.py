"""信息报送 pages: a day's reports side by side (the city: every district, missing ones flagged), a district's
report with its figures from the metrics and its narrative, submission, return for correction, XLSX export."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.command import selectors_reports as selectors
from twofront.command.choices import ReportStatus
from twofront.command.forms_operations import OverviewForm, ReportForm, ReturnForm
from twofront.command.models import InformationReport
from twofront.command.services import reports as services
from twofront.command.services.operations_checks import EARLIEST_DAY
from twofront.core import scope
from twofront.core.generic import run_service
from twofront.core.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(value) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise Http404 from None
    if not isinstance(day, datetime.date) or not EARLIEST_DAY <= day <= timezone.localdate():
        raise Http404
    return day


@login_required
@require_GET
def reports_overview(request):
    selectors.require_view(request.user)
    form = OverviewForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    day = min(max(day or timezone.localdate(), EARLIEST_DAY), timezone.localdate())
    form = OverviewForm(initial={"day": day})  # the day shown, whatever was asked
    overview = services.day_overview(request.user, day)
    drafting = [r.region for r in overview.rows if scope.covers(request.user, services.DRAFT, region=r.region)]
    columns = [{"key": m.key, "label": m.label, "unit": m.display_unit} for m in overview.metrics()]
    rows = [{"row": r, "figures": [(c["label"], r.report.figures.get(c["key"]) if r.submitted else None)
                                   for c in columns]} for r in overview.rows]
    context = {
        "title": _("Daily reports"), "form": form, "overview": overview, "columns": columns, "rows": rows,
        "totals": [(c["label"], overview.totals.get(c["key"])) for c in columns], "drafting": drafting,
        "deadline_passed": timezone.now() > overview.deadline, "is_today": day == timezone.localdate(),
        "can_export": scope.has_permission_anywhere(request.user, services.EXPORT),
        "previous": (day - datetime.timedelta(days=1)).isoformat(),
        "next": (day + datetime.timedelta(days=1)).isoformat() if day < timezone.localdate() else "",
    }
    return render(request, "command/reports_overview.html", context)


def _region_or_404(user, code: str) -> Region:
    region = Region.objects.filter(code=code, depth=1).first()
    if region is None or not scope.covers(user, services.VIEW, region=region):
        raise Http404
    return region


def _report_page(request, region, day, report, *, form=None, return_form=None, status=200):
    user = request.user
    can_draft = scope.covers(user, services.DRAFT, region=region)
    editable = can_draft and (report is None or report.status != ReportStatus.SUBMITTED)
    figures = report.figures if report else (services.read_figures(user, region, day) if can_draft else {})
    context = {
        "title": _("Daily report: %(region)s, %(day)s") % {"region": region.name, "day": day.isoformat()},
        "region": region, "day": day, "report": report, "figures": selectors.figure_rows(figures),
        "preview": report is None, "editable": editable, "deadline": services.deadline_for(day),
        "late": bool(report and services.is_late(report)),
        "overdue": (report is None or not report.first_submitted_at) and timezone.now() > services.deadline_for(day),
        "form": form or ReportForm(initial={"narrative": report.narrative if report else ""}),
        "can_return": report is not None and report.status == ReportStatus.SUBMITTED
                      and scope.covers(user, services.RETURN, report),
        "return_form": return_form or ReturnForm(),
    }
    return render(request, "command/reports_detail.html", context, status=status)


@login_required
def report_page(request, code: str, day: str):
    """The district's report of the day: shown as saved, or (for its officials) prefilled and not yet saved.
    POST: save the draft, read the figures again, or submit."""
    selectors.require_view(request.user)
    region, day = _region_or_404(request.user, code), _day(day)
    report = InformationReport.objects.visible_to(request.user).filter(region=region, day=day).first()
    if request.method != "POST":
        return _report_page(request, region, day, report)
    if not scope.covers(request.user, services.DRAFT, region=region):
        raise PermissionDenied
    form = ReportForm(request.POST)
    action = request.POST.get("action", "save")

    @transaction.atomic  # a new report refused at submission is not left behind as a draft
    def perform(data):
        nonlocal report
        if report is None:
            report = services.start_report(actor=request.user, region=region, day=day, narrative=data["narrative"])
        elif action != "refresh":
            services.save_report(report, actor=request.user, narrative=data["narrative"])
        if action == "refresh":
            services.refresh_figures(report, actor=request.user)
        elif action == "submit":
            services.submit_report(report, actor=request.user, narrative=data["narrative"])

    if run_service(form, perform):
        messages.success(request, {"submit": _("Report submitted to the city."),
                                   "refresh": _("Figures read again from the records.")}.get(
            action, _("Draft saved.")))
        return HttpResponseRedirect(reverse("command_report", args=[region.code, day.isoformat()]))
    report = InformationReport.objects.filter(region=region, day=day).first()
    return _report_page(request, region, day, report, form=form, status=422)


@login_required
@require_POST
def report_return(request, pk: int):
    report = selectors.report_or_404(request.user, pk)
    form = ReturnForm(request.POST)
    if run_service(form, lambda d: services.return_report(report, actor=request.user, reason=d["reason"])):
        messages.success(request, _("Report returned to %(region)s for correction.") % {"region": report.region.name})
        return HttpResponseRedirect(f"{reverse('command_reports')}?day={report.day.isoformat()}")
    return _report_page(request, report.region, report.day, report, return_form=form, status=422)


@login_required
@require_GET
def report_today(request):
    """My district's report of today (a district official with one district)."""
    regions = [r for r in scope.regions_for(request.user, services.DRAFT).filter(depth=1).order_by("code")]
    if not regions:
        raise PermissionDenied
    return HttpResponseRedirect(reverse("command_report", args=[regions[0].code, timezone.localdate().isoformat()]))


@login_required
@require_GET
def reports_export(request):
    form = OverviewForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or timezone.localdate()
    buffer, filename = services.export_overview(actor=request.user, day=_day(day),
                                                language=translation.get_language() or "zh-hans")
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)


urlpatterns = [
    path("reports/", reports_overview, name="command_reports"),
    path("reports/today/", report_today, name="command_report_today"),
    path("reports/export/", reports_export, name="command_reports_export"),
    path("reports/<int:pk>/return/", report_return, name="command_report_return"),
    path("reports/<str:code>/<str:day>/", report_page, name="command_report"),
]
