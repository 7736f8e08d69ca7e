"""Daily briefings (每日简报): the day's headline figures of a region, its per-subdivision table and 30-day
trends, as an XLSX workbook (XlsxWriter, native charts) and a PDF (WeasyPrint, Noto Sans CJK, charts drawn by
matplotlib), stored in `Briefing` (one per region and day; generating again replaces the files).

Figures come from the dashboard's reader (`services.dashboard.build`), so a briefing shows exactly what the
dashboard showed for that day. Who may generate is checked on the region (`command.add_briefing`); the
figures are then read for that region as such, whoever asked, so every reader of a briefing sees the same.
The morning job (`generate_daily`, run by `twofront.command.briefing_schedule`) generates the city's and
every district's for the day before.
"""

import base64
import datetime
import io
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twofront.command.models import Briefing
from twofront.command.services import dashboard
from twofront.core import audit, scope
from twofront.core.models import Region
from twofront.metrics import selectors

logger = logging.getLogger(__name__)

TREND_DAYS = 30
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "DejaVu Sans"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _System:
    """The reader of a briefing's figures: the region was checked against the requester (or the job
    generates for every region), so the metrics are read as for the region itself."""

    is_superuser = is_active = True
    is_authenticated = False
    pk = None


SYSTEM = _System()


@dataclass
class Figures:
    region: Region
    day: datetime.date
    board: dashboard.Dashboard  # tiles of the day (flows: that day; cumulative: as of that day)
    trends: dashboard.Dashboard  # the TREND_DAYS days up to the day
    generated_at: datetime.datetime

    @property
    def breakdown(self) -> list[dashboard.Tile]:
        return dashboard.breakdown_tiles(self.board)

    @property
    def child_level(self) -> str:
        return self.board.children[0].get_level_display() if self.board.children else ""


def read_figures(region: Region, day: datetime.date) -> Figures:
    first = max(day - datetime.timedelta(days=TREND_DAYS - 1), selectors.EARLIEST)
    board = dashboard.build(SYSTEM, region.code, day, day, with_trends=False)
    trends = dashboard.build(SYSTEM, region.code, first, day)
    return Figures(region, day, board, trends, timezone.now())


def _number(tile_or_metric, value):
    metric = getattr(tile_or_metric, "metric", tile_or_metric)
    return selectors.number(metric, value)


def _basis(tile: dashboard.Tile, day: datetime.date) -> str:
    return _("as of %(day)s") % {"day": day} if tile.metric.cumulative else _("on %(day)s") % {"day": day}


def _title(figures: Figures) -> str:
    return _("%(region)s daily briefing, %(day)s") % {"region": figures.region.name, "day": figures.day}


# ---------------------------------------------------------------------------------------------- XLSX


def render_xlsx(figures: Figures) -> bytes:
    """Three sheets: headline figures, per-subdivision table (with a bar chart), daily trends (line charts)."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "default_date_format": "yyyy-mm-dd"})
    book.set_properties({"title": _title(figures), "company": figures.region.name})
    title = book.add_format({"bold": True, "font_size": 16, "font_color": "#b71c1c"})
    head = book.add_format({"bold": True, "bg_color": "#f0f3f6", "border": 1, "text_wrap": True, "valign": "top"})
    cell = book.add_format({"border": 1})
    whole = book.add_format({"border": 1, "num_format": "#,##0"})
    decimal = book.add_format({"border": 1, "num_format": "#,##0.00"})
    bold_whole = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    bold_decimal = book.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"})
    muted = book.add_format({"font_color": "#66788a"})

    def fmt(metric, value, bold=False):
        if isinstance(value, float) or dashboard.is_percent(metric):
            return bold_decimal if bold else decimal
        return bold_whole if bold else whole

    # Headline figures
    sheet = book.add_worksheet(_("Headline figures"))
    sheet.write(0, 0, _title(figures), title)
    sheet.write(1, 0, _("Generated at %(time)s from the metrics rollups; percentages and year-on-year growth "
                        "computed by the metrics engine.")
                % {"time": timezone.localtime(figures.generated_at).strftime("%Y-%m-%d %H:%M")}, muted)
    headers = [_("Front"), _("Figure"), _("Value"), _("Unit"), _("Basis"), _("Year on year (%)"), _("Metric key")]
    sheet.write_row(3, 0, headers, head)
    row = 4
    for front, tiles in figures.board.fronts:
        for tile in tiles:
            value = _number(tile, tile.value)
            sheet.write(row, 0, str(front.label), cell)
            sheet.write(row, 1, str(tile.metric.label), cell)
            if value is None:
                sheet.write_blank(row, 2, None, cell)
            else:
                sheet.write_number(row, 2, value, fmt(tile.metric, value))
            sheet.write(row, 3, str(tile.metric.display_unit), cell)
            sheet.write(row, 4, _basis(tile, figures.day), cell)
            if tile.yoy is None:
                sheet.write_blank(row, 5, None, cell)
            else:
                sheet.write_number(row, 5, round(float(tile.yoy), 2), decimal)
            sheet.write(row, 6, tile.metric.key, cell)
            row += 1
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 5, 12)
    sheet.set_column(6, 6, 34)
    sheet.freeze_panes(4, 0)

    # Per subdivision
    board, columns = figures.board, figures.breakdown
    if board.children and columns:
        sheet = book.add_worksheet(_("By subdivision"))
        sheet.write(0, 0, _("%(region)s by %(level)s, %(day)s") % {
            "region": figures.region.name, "level": figures.child_level, "day": figures.day}, title)
        sheet.write_row(2, 0, [figures.child_level] + [f"{t.metric.label}（{t.metric.display_unit}）"
                                                        if t.metric.display_unit else str(t.metric.label)
                                                        for t in columns], head)
        for index, child in enumerate(board.children):
            sheet.write(3 + index, 0, child.name, cell)
            for column, tile in enumerate(columns, start=1):
                value = _number(tile, tile.children[index])
                if value is None:
                    sheet.write_blank(3 + index, column, None, cell)
                else:
                    sheet.write_number(3 + index, column, value, fmt(tile.metric, value))
        total_row = 3 + len(board.children)
        sheet.write(total_row, 0, figures.region.name, head)
        for column, tile in enumerate(columns, start=1):
            value = _number(tile, tile.value)
            if value is None:
                sheet.write_blank(total_row, column, None, head)
            else:
                sheet.write_number(total_row, column, value, fmt(tile.metric, value, bold=True))
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, len(columns), 14)
        sheet.set_row(2, 48)
        sheet.freeze_panes(3, 1)
        chart = book.add_chart({"type": "bar"})
        first = columns[0]
        chart.add_series({"name": str(first.metric.label), "categories": [sheet.name, 3, 0, total_row - 1, 0],
                          "values": [sheet.name, 3, 1, total_row - 1, 1], "fill": {"color": "#1565c0"},
                          "data_labels": {"value": True}})
        chart.set_title({"name": f"{first.metric.label} · {figures.child_level}"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 640, "height": 40 + 26 * len(board.children)})
        sheet.insert_chart(total_row + 2, 0, chart)

    # Trends
    trends = figures.trends
    if trends.trends:
        sheet = book.add_worksheet(_("Trends"))
        sheet.write(0, 0, _("Daily figures, %(first)s to %(last)s") % {"first": trends.date_from,
                                                                       "last": trends.date_to}, title)
        column, chart_row = 1, 3
        sheet.write(2, 0, _("Day"), head)
        date = book.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
        for index, day in enumerate(trends.days):
            sheet.write_datetime(3 + index, 0, datetime.datetime.combine(day, datetime.time()), date)
        last_row = 2 + len(trends.days)
        charts = []
        for trend, lines in trends.trends:
            chart = book.add_chart({"type": "line"})
            for metric, values in lines:
                sheet.write(2, column, str(metric.label), head)
                for index, value in enumerate(values):
                    number = _number(metric, value)
                    if number is None:
                        sheet.write_blank(3 + index, column, None, cell)
                    else:
                        sheet.write_number(3 + index, column, number, fmt(metric, number))
                chart.add_series({"name": [sheet.name, 2, column], "categories": [sheet.name, 3, 0, last_row, 0],
                                  "values": [sheet.name, 3, column, last_row, column], "marker": {"type": "none"}})
                column += 1
            chart.set_title({"name": str(trend.title)})
            chart.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 560, "height": 300})
            charts.append(chart)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, column, 14)
        sheet.set_row(2, 48)
        sheet.freeze_panes(3, 1)
        for index, chart in enumerate(charts):
            sheet.insert_chart(chart_row + 16 * (index // 2), column + 1 + 9 * (index % 2), chart)
    book.close()
    return output.getvalue()


# ----------------------------------------------------------------------------------------------- PDF


def _figure_png(draw, width: float, height: float) -> str:
    """A matplotlib figure drawn by `draw(axes)` as a PNG data URI, with the CJK font."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=160)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    draw(axes)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    axes.grid(axis="y" if axes.name == "rectilinear" else "both", color="#d9e2ec", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _charts(figures: Figures) -> list[tuple[str, str]]:
    import matplotlib
    import matplotlib.dates
    import matplotlib.ticker

    matplotlib.rcParams.update({"font.family": "sans-serif", "font.sans-serif": CJK_FONTS, "font.size": 8,
                                "axes.unicode_minus": False})
    colors = ["#1565c0", "#e65100", "#2e7d32", "#b71c1c", "#6a1b9a", "#00838f"]
    charts = []
    trends = figures.trends
    for trend, lines in trends.trends:
        if not any(value for _metric, values in lines for value in values):
            continue  # nothing recorded over the period: no empty chart

        def draw(axes, lines=lines):
            percent = all(dashboard.is_percent(m) for m, _v in lines)
            for index, (metric, values) in enumerate(lines):
                axes.plot(trends.days, [float("nan") if v is None else float(v) for v in values],
                          label=str(metric.label), color=colors[index % len(colors)], linewidth=1.4)
            axes.legend(loc="upper left", fontsize=7, frameon=False)
            axes.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%m-%d"))
            axes.tick_params(axis="x", labelsize=7)
            axes.set_ylim(bottom=0)
            if percent:
                axes.set_ylabel("%")
            else:
                axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        charts.append((str(trend.title), _figure_png(draw, 4.6, 2.5)))
    board = figures.board
    for tile in [t for t in figures.breakdown if board.children and any(t.children)][:2]:

        def draw_bars(axes, tile=tile):
            names = [child.name for child in board.children]
            values = [float(v or 0) for v in tile.children]
            bars = axes.barh(names, values, color="#1565c0")
            axes.invert_yaxis()
            axes.bar_label(bars, labels=[_display(tile.metric, v) for v in tile.children], fontsize=7, padding=2)
            axes.margins(x=0.15)
        charts.append((f"{tile.metric.label} · {figures.child_level}",
                       _figure_png(draw_bars, 4.6, 0.6 + 0.26 * len(board.children))))
    return charts


def _display(metric, value) -> str:
    number = selectors.number(metric, value)
    if number is None:
        return "–"
    text = f"{number:,.2f}" if isinstance(number, float) else f"{number:,}"
    return text + ("%" if dashboard.is_percent(metric) else "")


def render_pdf(figures: Figures) -> bytes:
    from weasyprint import HTML

    board = figures.board
    fronts = [(front, [(tile, _display(tile.metric, tile.value), _basis(tile, figures.day),
                        None if tile.yoy is None else round(float(tile.yoy), 1)) for tile in tiles])
              for front, tiles in board.fronts]
    columns = figures.breakdown
    rows = [(child.name, [_display(t.metric, t.children[i]) for t in columns]) for i, child in enumerate(board.children)]
    html = render_to_string("command/briefings_pdf.html", {
        "title": _title(figures), "figures": figures, "fronts": fronts, "columns": columns, "rows": rows,
        "totals": [_display(t.metric, t.value) for t in columns], "charts": _charts(figures),
        "generated_at": timezone.localtime(figures.generated_at), "fonts": CJK_FONTS,
    })
    return HTML(string=html).write_pdf()


# ------------------------------------------------------------------------------------------ services


def _file_name(region: Region, day: datetime.date, extension: str) -> str:
    return f"briefing-{region.code}-{day:%Y%m%d}.{extension}"


@transaction.atomic
def generate_briefing(*, region: Region, day: datetime.date, actor=None) -> Briefing:
    """Generates (or regenerates) the briefing of a region and day. With an actor: the region must be in
    their jurisdiction (else 404) and they need `command.add_briefing` there (else 403). Audited."""
    if actor is not None:
        if not scope.covers(actor, "command.view_briefing", region=region):
            raise Http404
        scope.require(actor, "command.add_briefing", region=region)
    with translation.override(translation.get_language() or "zh-hans"):
        figures = read_figures(region, day)
        xlsx, pdf = render_xlsx(figures), render_pdf(figures)
    briefing = Briefing.objects.select_for_update().filter(region=region, day=day).first()
    created = briefing is None
    old_files = [] if created else [f.name for f in (briefing.xlsx, briefing.pdf) if f]
    briefing = briefing or Briefing(region=region, day=day)
    briefing.generated_by = actor if getattr(actor, "is_authenticated", False) else None
    briefing.xlsx.save(_file_name(region, day, "xlsx"), ContentFile(xlsx), save=False)
    briefing.pdf.save(_file_name(region, day, "pdf"), ContentFile(pdf), save=False)
    briefing.save()
    audit.record(actor, "command.briefing.generated", briefing,
                 changes={"day": str(day), "xlsx_bytes": len(xlsx), "pdf_bytes": len(pdf), "replaced": not created})
    storage = briefing.xlsx.storage
    kept = {briefing.xlsx.name, briefing.pdf.name}
    transaction.on_commit(lambda: [storage.delete(name) for name in old_files if name not in kept])
    return briefing


def record_download(briefing: Briefing, *, actor, kind: str) -> None:
    audit.record(actor, "command.briefing.downloaded", briefing, changes={"file": kind})


def briefing_regions() -> list[Region]:
    """The regions the morning job covers: each city (a root of the tree) and its districts."""
    return list(Region.objects.filter(depth__lte=1).order_by("depth", "code"))


def generate_daily(day: datetime.date | None = None, *, regions: list[Region] | None = None) -> list[Briefing]:
    """The morning job: yesterday's briefing (or `day`'s) for the city and every district (or `regions`),
    after bringing the rollups up to date. A region that fails is logged and the others still get theirs."""
    from twofront.metrics import services as metrics_services

    day = day or timezone.localdate() - datetime.timedelta(days=1)
    metrics_services.refresh_dirty()
    done = []
    for region in briefing_regions() if regions is None else regions:
        try:
            with translation.override("zh-hans"):
                done.append(generate_briefing(region=region, day=day))
        except Exception:  # noqa: BLE001 - one region's failure must not stop the others
            logger.exception("briefing of %s for %s failed", region.code, day)
    return done


def missing_regions(day: datetime.date) -> list[Region]:
    have = set(Briefing.objects.filter(day=day).values_list("region_id", flat=True))
    return [region for region in briefing_regions() if region.pk not in have]
