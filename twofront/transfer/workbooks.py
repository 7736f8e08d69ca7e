"""The workbooks the engine writes: the error report of a job and the blank template of a dataset."""

import os
import tempfile

import xlsxwriter

from twofront.transfer.spec import ImportSpec

ERROR_HEADERS = ["工作表 Sheet", "行号 Row", "列 Column", "值（已脱敏）Value (masked)", "错误", "Error"]
# One worksheet holds 1,048,576 rows; a file that bad is summarised by error_count, not listed in full.
MAX_ERROR_ROWS = 1_000_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ tab or CR is shown as text."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class ErrorBook:
    """Streams error rows to a temporary .xlsx (XlsxWriter constant_memory), created at the first error."""

    def __init__(self, prefix: str = "import-errors-"):
        self.prefix, self.path, self.rows = prefix, None, 0
        self._workbook = self._sheet = None

    def add(self, sheet: str, row: int, column: str, value: str, zh: str, en: str) -> None:
        if self.rows >= MAX_ERROR_ROWS:
            return
        if self._sheet is None:
            handle, self.path = tempfile.mkstemp(suffix=".xlsx", prefix=self.prefix)
            os.close(handle)
            self._workbook = xlsxwriter.Workbook(self.path, {"constant_memory": True, "strings_to_numbers": False})
            self._sheet = self._workbook.add_worksheet("错误 Errors")
            bold = self._workbook.add_format({"bold": True})
            self._sheet.write_row(0, 0, ERROR_HEADERS, bold)
            self._sheet.set_column(0, 0, 10)
            self._sheet.set_column(2, 3, 22)
            self._sheet.set_column(4, 5, 40)
            self._sheet.freeze_panes(1, 0)
        self.rows += 1
        put = self._sheet.write_string
        put(self.rows, 0, sheet)
        self._sheet.write_number(self.rows, 1, row)
        for col, text in enumerate((column, value, zh, en), 2):
            put(self.rows, col, neutralise(text))

    def close(self) -> str | None:
        """Finishes the file; returns its path when there is one."""
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        return self.path

    def discard(self) -> None:
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)


def write_template(spec: ImportSpec, target) -> None:
    """A blank workbook with the bilingual header row, text-formatted columns and a hint on each header."""
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(str(spec.label)[:31])
    text = workbook.add_format({"num_format": "@"})
    required = workbook.add_format({"bold": True, "bg_color": "#FDECEA", "num_format": "@"})
    optional = workbook.add_format({"bold": True, "bg_color": "#F0F3F6", "num_format": "@"})
    for index, col in enumerate(spec.columns):
        sheet.write_string(0, index, col.header, required if col.required else optional)
        sheet.set_column(index, index, max(14, len(col.header) + 6), text)  # text: IDs must not become numbers
        note = "\n".join(filter(None, [col.hint_zh, col.hint_en, "必填 Required" if col.required else "选填 Optional"]))
        sheet.write_comment(0, index, note, {"x_scale": 2, "y_scale": 1.2})
    sheet.freeze_panes(1, 0)
    workbook.close()
