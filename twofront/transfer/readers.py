"""Row by row out of an uploaded file: CSV (UTF-8, UTF-8 with BOM or GB18030, detected) or a workbook.

Nothing holds the file in memory. CSV is streamed from disk. An .xlsx/.xlsm sheet is streamed out of
the zip by twofront.transfer.xlsx (its shared strings spill to a temporary file when large).
python-calamine, which parses a whole sheet into its own memory first (about 0.5 KB a row; its issue
#42), reads only the other workbook formats (.xls, .xlsb, .ods), which are small in practice.
"""

import codecs
import csv
import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

from twofront.transfer import xlsx
from twofront.transfer.spec import RowError

_SNIFF_BYTES = 1 << 20
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/xlsm/ods (zip), legacy xls (OLE2)
_HEADER_SEARCH_ROWS = 20  # a title row or two above the header is common in officials' workbooks


class FileError(RowError):
    """The file as a whole cannot be read (not CSV/XLSX, unknown encoding, no header row)."""


@dataclass
class Sheet:
    name: str  # "" for CSV
    header: list[str]
    header_row: int  # 1-based, as a spreadsheet shows it
    rows: Iterator[tuple[int, list]]  # (row number, cells); workbook cells keep their types (str, float, date...)
    expected_rows: int | None  # from the workbook's own count when it has one, else None (see Table.fraction)


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV",
                    "unknown text encoding: save the CSV as UTF-8 or GB18030")


def is_workbook(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) in _WORKBOOK_MAGIC


def cell_text(value) -> str:
    """A workbook cell as the text a person typed. Raises RowError when Excel has already lost digits."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        if abs(value) >= 1e15:  # an ID number typed into a number cell keeps only 15 significant digits
            raise RowError("数字位数过多，Excel 已丢失末几位，请将该列设为文本格式后重新填写",
                           "too many digits: Excel has lost the last ones; format the column as text and retype")
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _normalise(header) -> str:
    return "".join(str(header).split()).replace("*", "").casefold()


class HeaderMatcher:
    """Maps header cells to columns by their Chinese or English name (or both, "姓名 / Name")."""

    def __init__(self, columns):
        self.names: dict[str, str] = {}
        for col in columns:
            for label in (col.zh, col.en, col.name, col.header):
                self.names[_normalise(label)] = col.name

    def match(self, header: list) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            key = _normalise(cell_text(cell) if not isinstance(cell, str) else cell)
            name = self.names.get(key)
            if name is None and "/" in key:
                name = next((self.names[p] for p in key.split("/") if p in self.names), None)
            if name is not None:
                if name in found:
                    raise FileError(f"表头重复：{cell}", f"duplicate header: {cell}")
                found[name] = index
        return found


class Table:
    """An open upload. `sheets()` yields each sheet whose header row names some known column."""

    def __init__(self, path: str, matcher: HeaderMatcher):
        self.path, self.matcher = str(path), matcher
        self.size = os.path.getsize(self.path) or 1
        self._fraction = None

    def fraction(self) -> float:
        """Share of the current CSV or sheet read so far (for a progress estimate when there is no row count)."""
        return self._fraction() if self._fraction is not None else 0.0

    def sheets(self) -> Iterator[Sheet]:
        if not is_workbook(self.path):
            yield from self._csv_sheets()
        elif xlsx.is_xlsx(self.path):
            yield from self._xlsx_sheets()
        else:
            yield from self._workbook_sheets()

    def _find_header(self, rows: Iterator[tuple[int, list]]) -> tuple[int, list] | None:
        for number, cells in rows:
            if self.matcher.match(cells):
                return number, cells
            if number >= _HEADER_SEARCH_ROWS:
                return None
        return None

    def _csv_sheets(self) -> Iterator[Sheet]:
        with open(self.path, "rb") as raw:
            head = raw.read(_SNIFF_BYTES)
            encoding = detect_encoding(head)
            first_line = head.decode(encoding, errors="ignore").partition("\n")[0]
            delimiter = max(",\t;", key=first_line.count)
            raw.seek(0)
            self._fraction = lambda: raw.tell() / self.size if not raw.closed else 0.0
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader = csv.reader(text, delimiter=delimiter)
            rows = enumerate(reader, 1)
            found = self._find_header(rows)
            if found is None:
                raise FileError("未找到表头行（第一行应为列名）", "no header row found (the first row must name the columns)")
            header_row, header = found
            yield Sheet("", header, header_row, rows, None)

    def _xlsx_sheets(self) -> Iterator[Sheet]:
        try:
            workbook = xlsx.Workbook(self.path)
        except xlsx.XlsxError:
            raise FileError("无法读取该工作簿", "cannot read this workbook") from None
        with workbook:
            seen = False
            for info in workbook.sheets:
                sheet = workbook.rows(info)
                rows = iter(sheet)
                try:
                    found = self._find_header(rows)
                except xlsx.XlsxError:
                    raise FileError("无法读取该工作簿", "cannot read this workbook") from None
                if found is None:
                    continue
                seen = True
                header_row, header = found
                self._fraction = sheet.fraction
                expected = max(0, sheet.dimension - header_row) if sheet.dimension else None
                yield Sheet(info.name, header, header_row, _checked(rows), expected)
            if not seen:
                raise FileError("未找到表头行（第一行应为列名）", "no header row found (the first row must name the columns)")

    def _workbook_sheets(self) -> Iterator[Sheet]:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(self.path)
        except (CalamineError, ValueError, OSError) as exc:
            raise FileError("无法读取该工作簿", f"cannot read this workbook ({type(exc).__name__})") from None
        with workbook:
            seen = False
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)  # the whole sheet is parsed here
                rows = enumerate(sheet.iter_rows(), 1)  # starts at row 1 even when the first rows are empty
                found = self._find_header(rows)
                if found is None:
                    continue
                seen = True
                header_row, header = found
                start = sheet.start[0] if sheet.start else 0
                expected = max(0, start + sheet.height - header_row)
                yield Sheet(name, header, header_row, rows, expected)
                del sheet, rows
            if not seen:
                raise FileError("未找到表头行（第一行应为列名）", "no header row found (the first row must name the columns)")


def _checked(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """A broken sheet found mid-way is a file error, not a crash of the job."""
    try:
        yield from rows
    except xlsx.XlsxError:
        raise FileError("工作簿已损坏，无法读完", "the workbook is damaged and cannot be read to the end") from None
