"""信息报送: each district command post's daily report to the city.

A report holds the day's figures, read from the metrics registry for the district and day (never typed in:
every headline number is computed from records), and the post's narrative. It goes draft -> submitted;
the city may return it for correction (returned -> submitted again). Figures are read again at every
submission, so the city sees the numbers as they stood when the district signed them off.

The deadline is settings.TWOFRONT_REPORT_DEADLINE ("HH:MM", local time, the same day; default 20:00). A
report is late when it was first submitted after the deadline; it is missing (overdue) while it has not
been submitted once the deadline has passed.
"""

import datetime
import io
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twofront.command.choices import ReportStatus
from twofront.command.models import InformationReport
from twofront.command.services.operations_checks import clean_day, clean_text
from twofront.core import audit, scope
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region
from twofront.metrics import registry
from twofront.metrics import selectors as metrics
from twofront.metrics.registry import Ratio
from twofront.transfer.workbooks import neutralise

VIEW = "command.view_informationreport"
DRAFT = "command.add_informationreport"  # start, edit and submit the district's report
RETURN = "command.return_informationreport"  # the city sends a report back for correction
EXPORT = "command.export_informationreport"
DEFAULT_DEADLINE = "20:00"
# The figures of a daily report, in order; keys not declared (an app switched off) are left out.
DEFAULT_FIGURES = (
    "prevention.passages", "prevention.passage_persons", "prevention.passage_referrals",
    "prevention.quarantine_guests", "prevention.quarantine_released", "prevention.tests_sampled",
    "prevention.tests_positive", "medical.cases_reported", "medical.fever_clinic_visits",
    "enterprise.registered", "enterprise.resumed", "enterprise.resumption_rate", "enterprise.checkins_abnormal",
    "enterprise.appeals_open",
)
MAX_NARRATIVE = 5000
REPORT_FIELDS = ["status", "narrative", "submitted_at", "first_submitted_at", "returned_at", "return_reason"]


def figure_keys() -> list[str]:
    keys = getattr(settings, "TWOFRONT_REPORT_METRICS", DEFAULT_FIGURES)
    return [k for k in keys if registry.is_declared(k)]


def deadline_for(day: datetime.date) -> datetime.datetime:
    text = getattr(settings, "TWOFRONT_REPORT_DEADLINE", DEFAULT_DEADLINE)
    try:
        hour, minute = (int(part) for part in text.split(":"))
        at = datetime.time(hour, minute)
    except (ValueError, TypeError):
        at = datetime.time(20, 0)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def is_late(report: InformationReport) -> bool:
    return bool(report.first_submitted_at and report.first_submitted_at > deadline_for(report.day))


def read_figures(actor, region: Region, day: datetime.date) -> dict:
    """The report's figures for the district and day, read from the metrics rollups as the actor may."""
    keys = figure_keys()
    if not keys:
        return {}
    values = metrics.values(actor, keys, region.code, day, day)
    return {v.metric.key: metrics.number(v.metric, v.value) for v in values.values}


def _district(region: Region | None) -> Region:
    if region is None or region.depth != 1:
        raise field_error("region", _("Daily reports come from district command posts: choose a district."))
    return region


@transaction.atomic
def start_report(*, actor, region: Region | None, day: datetime.date | None = None,
                 narrative: str = "") -> InformationReport:
    """The district's report for a day (default today), as a draft with its figures read from metrics."""
    region = _district(region)
    scope.require(actor, DRAFT, region=region)
    day = clean_day(day or timezone.localdate(), "day")
    narrative = clean_text(narrative, "narrative", max_length=MAX_NARRATIVE)
    if InformationReport.objects.filter(region=region, day=day).exists():
        raise Conflict(_("%(region)s has a report for %(day)s already.") % {"region": region.name, "day": day})
    figures = read_figures(actor, region, day)
    try:
        with transaction.atomic():
            report = InformationReport.objects.create(region=region, day=day, figures=figures, narrative=narrative,
                                                      figures_read_at=timezone.now())
    except IntegrityError:  # a colleague started it a moment ago
        raise Conflict(_("%(region)s has a report for %(day)s already.") % {"region": region.name, "day": day})
    audit.record(actor, "command.report.started", report, changes={"day": day, "figures": figures})
    return report


def _editable(report: InformationReport, actor) -> InformationReport:
    scope.require(actor, DRAFT, report)
    report = InformationReport.objects.select_for_update().select_related("region").get(pk=report.pk)
    if report.status == ReportStatus.SUBMITTED:
        raise Conflict(_("This report has been submitted; the city may return it for correction."))
    return report


@transaction.atomic
def save_report(report: InformationReport, *, actor, narrative: str) -> InformationReport:
    """Saves the narrative of a draft (or of a report returned for correction)."""
    report = _editable(report, actor)
    narrative = clean_text(narrative, "narrative", max_length=MAX_NARRATIVE)
    if narrative != report.narrative:
        before = report.narrative
        report.narrative = narrative
        report.save(update_fields=["narrative", "updated_at"])
        audit.record(actor, "command.report.saved", report, changes={"narrative": [before, narrative]})
    return report


@transaction.atomic
def refresh_figures(report: InformationReport, *, actor) -> InformationReport:
    """Reads the figures again (records entered since the draft was started)."""
    report = _editable(report, actor)
    before = report.figures
    report.figures, report.figures_read_at = read_figures(actor, report.region, report.day), timezone.now()
    report.save(update_fields=["figures", "figures_read_at", "updated_at"])
    audit.record(actor, "command.report.figures_read", report, changes=audit.diff(before, report.figures))
    return report


@transaction.atomic
def submit_report(report: InformationReport, *, actor, narrative: str | None = None) -> InformationReport:
    """Draft or returned -> submitted, with the figures as they stand now and a narrative."""
    report = _editable(report, actor)
    narrative = report.narrative if narrative is None else clean_text(narrative, "narrative",
                                                                      max_length=MAX_NARRATIVE)
    if not narrative:
        raise field_error("narrative", _("Write the narrative before submitting."))
    before = audit.snapshot(report, REPORT_FIELDS)
    now = timezone.now()
    figures_before = report.figures
    report.figures, report.figures_read_at = read_figures(actor, report.region, report.day), now
    report.narrative, report.status = narrative, ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.first_submitted_at = report.first_submitted_at or now
    report.save(update_fields=["figures", "figures_read_at", "narrative", "status", "submitted_at", "submitted_by",
                               "first_submitted_at", "updated_at"])
    changes = audit.diff(before, audit.snapshot(report, REPORT_FIELDS))
    if report.figures != figures_before:
        changes["figures"] = [figures_before, report.figures]
    changes["late"] = is_late(report)
    audit.record(actor, "command.report.submitted", report, changes=changes)
    return report


@transaction.atomic
def return_report(report: InformationReport, *, actor, reason: str) -> InformationReport:
    """The city sends a submitted report back to the district with what to correct."""
    scope.require(actor, RETURN, report)
    report = InformationReport.objects.select_for_update().get(pk=report.pk)
    reason = clean_text(reason, "reason", required=True, max_length=1000)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report can be returned."))
    before = audit.snapshot(report, REPORT_FIELDS)
    report.status, report.returned_at, report.return_reason = ReportStatus.RETURNED, timezone.now(), reason
    report.save(update_fields=["status", "returned_at", "return_reason", "updated_at"])
    audit.record(actor, "command.report.returned", report, changes=audit.diff(before, audit.snapshot(report,
                                                                                                    REPORT_FIELDS)),
                 reason=reason)
    return report


# --- the day's reports side by side --------------------------------------------------------------


@dataclass
class DistrictRow:
    region: Region
    report: InformationReport | None
    late: bool
    overdue: bool  # not submitted and the deadline has passed

    @property
    def state(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status == ReportStatus.SUBMITTED

    @property
    def counted(self) -> bool:
        """Its figures are in the totals: submitted (a returned report is being corrected)."""
        return self.submitted


@dataclass
class DayOverview:
    day: datetime.date
    deadline: datetime.datetime
    keys: list[str]
    rows: list[DistrictRow]
    totals: dict

    @property
    def missing(self) -> list[DistrictRow]:
        return [r for r in self.rows if not r.report or not r.report.first_submitted_at]

    @property
    def overdue(self) -> list[DistrictRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def late(self) -> list[DistrictRow]:
        return [r for r in self.rows if r.late]

    @property
    def submitted(self) -> list[DistrictRow]:
        return [r for r in self.rows if r.submitted]

    def metrics(self) -> list:
        return [registry.get(k) for k in self.keys]


def _total(key: str, sums: dict):
    metric = registry.get(key)
    if metric.stored:
        return sums.get(key)
    if isinstance(metric.kind, Ratio) and metric.kind.numerator_key in sums and metric.kind.denominator_key in sums:
        value = metrics.ratio(sums[metric.kind.numerator_key], sums[metric.kind.denominator_key], metric.kind.percent)
        return None if value is None else round(float(value), 2)
    return None  # growth and other derived figures do not add up


def day_overview(user, day: datetime.date | None = None) -> DayOverview:
    """Every district report of the day the user may see, the missing ones too, with totals of the submitted."""
    if not scope.has_permission_anywhere(user, VIEW):
        raise PermissionDenied(VIEW)
    day = clean_day(day or timezone.localdate(), "day")
    deadline = deadline_for(day)
    districts = scope.regions_for(user, VIEW).filter(depth=1).order_by("code")
    reports = {r.region_id: r for r in InformationReport.objects.visible_to(user).filter(day=day)
               .select_related("region", "submitted_by")}
    now = timezone.now()
    rows = []
    for region in districts:
        report = reports.get(region.pk)
        submitted_once = report is not None and report.first_submitted_at is not None
        rows.append(DistrictRow(region, report, late=bool(report and is_late(report)),
                                overdue=not submitted_once and now > deadline))
    keys = figure_keys()
    for row in rows:  # figures of older reports that the setting no longer lists
        for key in (row.report.figures if row.report else {}):
            if key not in keys and registry.is_declared(key):
                keys.append(key)
    sums: dict = {}
    for row in rows:
        if row.counted:
            for key, value in row.report.figures.items():
                if value is not None and registry.is_declared(key) and registry.get(key).stored:
                    sums[key] = sums.get(key, 0) + value
    totals = {key: _total(key, sums) for key in keys}
    return DayOverview(day, deadline, keys, rows, totals)


def export_overview(*, actor, day: datetime.date, language: str = "zh-hans") -> tuple[io.BytesIO, str]:
    """The day's reports side by side as an .xlsx (one row per district, then the totals); audited."""
    if not scope.has_permission_anywhere(actor, EXPORT):
        raise PermissionDenied(EXPORT)


    overview = day_overview(actor, day)
    buffer = io.BytesIO()
    with translation.override("en" if language.startswith("en") else "zh-hans"):
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet(_("Daily reports")[:31])
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        missing = workbook.add_format({"bg_color": "#FDECEA"})
        headers = [_("District"), _("Status"), _("Submitted at"), _("Late")] + [
            f"{m.label}（{m.display_unit}）" if m.display_unit else str(m.label) for m in overview.metrics()] + [
            _("Narrative")]
        sheet.write_row(0, 0, [str(h) for h in headers], bold)
        sheet.freeze_panes(1, 1)
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, len(headers) - 2, 12)
        sheet.set_column(len(headers) - 1, len(headers) - 1, 60)
        row_no = 0
        for row_no, row in enumerate(overview.rows, 1):
            report = row.report
            status = report.get_status_display() if report else _("Missing")
            fmt = missing if not row.submitted else None
            sheet.write_string(row_no, 0, neutralise(row.region.name), fmt)
            sheet.write_string(row_no, 1, str(status), fmt)
            sheet.write_string(row_no, 2, timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                               if report and report.submitted_at else "", fmt)
            sheet.write_string(row_no, 3, str(_("Yes")) if row.late else "", fmt)
            for col, key in enumerate(overview.keys, 4):
                value = report.figures.get(key) if report and row.submitted else None
                if value is None:
                    sheet.write_blank(row_no, col, None, fmt)
                else:
                    sheet.write_number(row_no, col, value, fmt)
            sheet.write_string(row_no, len(headers) - 1, neutralise(report.narrative if row.submitted else ""))
        total_row = row_no + 1
        sheet.write_string(total_row, 0, str(_("Total (submitted)")), bold)
        for col, key in enumerate(overview.keys, 4):
            value = overview.totals.get(key)
            if value is not None:
                sheet.write_number(total_row, col, value, bold)
        workbook.close()
    buffer.seek(0)
    filename = f"daily-reports-{overview.day.isoformat()}.xlsx"
    audit.record(actor, "command.report.exported", None, changes={"day": overview.day, "rows": len(overview.rows)},
                 region=min((a.region for a in scope.granting(actor, EXPORT) if a.region_id),
                            key=lambda r: r.depth, default=None), object_repr=filename)
    return buffer, filename
