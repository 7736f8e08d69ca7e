"""The export engine: any scoped queryset to CSV (streamed) or XLSX (constant memory), PII masked.

Exports read through `values_list` of declared columns only; a column that would carry ciphertext or a
blind index is refused when it is declared, so a full ID or phone number can never reach a file.
"""

import codecs
import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.db.models import QuerySet

from twofront.transfer.workbooks import neutralise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_ROWS = 1_048_575  # data rows per worksheet under the header row
_CHUNK = 2_000


@dataclass(frozen=True)
class ExportColumn:
    lookup: str  # a values_list lookup, e.g. "region__code"
    zh: str
    en: str
    display: Callable[[object], str] | None = None

    def __post_init__(self):
        if self.lookup.endswith(("_ct", "_index")):
            raise ValueError(f"{self.lookup}: exports carry masked values only")

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def _cell(value, display) -> str:
    if display is not None:
        value = display(value)
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return neutralise(str(value))


def _rows(queryset: QuerySet, columns: tuple[ExportColumn, ...]) -> Iterator[list[str]]:
    displays = [c.display for c in columns]
    for values in queryset.values_list(*(c.lookup for c in columns)).iterator(chunk_size=_CHUNK):
        yield [_cell(v, d) for v, d in zip(values, displays, strict=True)]


def csv_chunks(queryset: QuerySet, columns: tuple[ExportColumn, ...], language: str) -> Iterator[bytes]:
    """UTF-8 with a BOM, so Excel shows the Chinese; yields about 2,000 rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header(language) for c in columns])
    yield codecs.BOM_UTF8
    for count, row in enumerate(_rows(queryset, columns), 1):
        writer.writerow(row)
        if count % _CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(queryset: QuerySet, columns: tuple[ExportColumn, ...], language: str, title: str):
    """Writes an .xlsx to an anonymous temporary file; returns (open file at 0, rows written)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response streams and closes it
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    headers = [c.header(language) for c in columns]
    sheet, row_no, count = None, _SHEET_ROWS, 0
    for row in _rows(queryset, columns):
        if row_no >= _SHEET_ROWS:  # start (another) worksheet with its own header row
            done = len(workbook.worksheets())
            sheet = workbook.add_worksheet(f"{title[:26]} {done + 1}" if done else title[:31])
            sheet.write_row(0, 0, headers, bold)
            sheet.freeze_panes(1, 0)
            row_no = 0
        row_no += 1
        count += 1
        for col, value in enumerate(row):
            sheet.write_string(row_no, col, value)
    if sheet is None:
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, headers, bold)
    workbook.close()
    target.seek(0)
    return target, count
