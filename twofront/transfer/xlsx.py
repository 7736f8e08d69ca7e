"""Rows straight out of an .xlsx/.xlsm file, one at a time, without loading the sheet into memory.

The worksheet XML is decompressed from the zip 64 KB at a time and cut into rows and cells as it
comes; only the rows of that chunk are in memory. Most writers (Excel, WPS, LibreOffice, xlsxwriter,
openpyxl) produce rows of plain cells, which one regular expression per row reads in C; anything else
(prefixed names, formulas, rich text, other attribute orders) goes through a general per-cell path,
and XML the regular expressions must not guess at (comments, CDATA, a DTD, a sheet cut short) sends
the sheet to expat, the standard library's streaming XML parser, which resumes after the rows
already handed over and refuses DTDs. What is held for the whole read: the shared strings (Excel keeps
every distinct text of the workbook in one table that any cell may name), a Python list when small,
else UTF-8 in a temporary file with an array of offsets; and which cell formats are dates.

Cell values mirror python-calamine's, so the rest of the engine treats both readers alike: text as
str, numbers as float, booleans as bool, date cells as datetime.date / datetime.datetime /
datetime.time, error cells as their text ("#N/A"), empty cells as "". Rows come with their row
number as a spreadsheet shows it; a row absent from the file (nothing ever typed in it) is skipped.
"""

import codecs
import datetime
import functools
import html
import itertools
import os
import posixpath
import re
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

CHUNK = 1 << 16  # decompressed bytes fed to the parser at a time
SMALL_SHARED_STRINGS = 8 << 20  # uncompressed sharedStrings.xml up to this size stays a Python list
_OFFICE_DOCUMENT = "/officeDocument"  # relationship types end so in transitional and strict OOXML
_WORKSHEET = "/worksheet"
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_TOKENS = re.compile(r"[dmyhs]", re.IGNORECASE)
_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)


class XlsxError(ValueError):
    """Not a readable .xlsx (missing parts, broken XML, a DTD)."""


def _local(name: str) -> str:
    """An element's name without its namespace prefix (x:row -> row)."""
    return name.rpartition(":")[2]


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK

    def refuse(*_args):  # a workbook has no DTD; one can only be an entity-expansion attack
        raise XlsxError("DTD in workbook XML")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _feed(parser: expat.XMLParserType, stream) -> Iterator[None]:
    """Feeds `stream` to `parser` chunk by chunk, yielding after each chunk."""
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield
    except expat.ExpatError as exc:
        raise XlsxError(f"broken XML: {exc}") from None


def _parse_whole(archive: zipfile.ZipFile, part: str, start=None, end=None, text=None) -> None:
    parser = _parser()
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    with archive.open(part) as stream:
        for _ in _feed(parser, stream):
            pass


def column_index(ref: str) -> int:
    """0-based column of a cell reference ("A1" -> 0, "AB12" -> 27)."""
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
    return index - 1


def _row_of(ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$")
    return int(digits) if digits.isdigit() else 0


def is_date_format(code: str) -> bool:
    """Whether a number format code shows a date or time (d, m, y, h, s outside quotes and brackets)."""
    stripped = _QUOTED_OR_BRACKETED.sub("", code.split(";")[0])
    return bool(_DATE_TOKENS.search(stripped)) and "General" not in stripped


def excel_date(serial: float, date1904: bool = False):
    """A date cell's value as python-calamine gives it: date, datetime, or time (below one day), to the millisecond."""
    milliseconds = round(serial * 86_400_000)
    if not date1904 and 0 <= milliseconds < 86_400_000:
        return (datetime.datetime(2000, 1, 1) + datetime.timedelta(milliseconds=milliseconds)).time()
    if not date1904 and serial < 61:  # Excel counts 1900-02-29, which never was
        milliseconds += 86_400_000
    moment = (_EPOCH_1904 if date1904 else _EPOCH_1900) + datetime.timedelta(milliseconds=milliseconds)
    return moment.date() if moment.time() == datetime.time(0) else moment


class SharedStrings:
    """The workbook's shared string table: a list when small, else UTF-8 in a temporary file."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None):
        self._list: list[str] | None = []
        self._file = None
        if part is None:
            return
        if archive.getinfo(part).file_size > SMALL_SHARED_STRINGS:
            self._list = None
            self._file = tempfile.TemporaryFile(prefix="xlsx-strings-")  # noqa: SIM115 (closed by close())
            self._offsets = array("Q", [0])
            self.get = functools.lru_cache(maxsize=4096)(self._read)
        self._load(archive, part)

    def _add(self, value: str) -> None:
        if self._file is None:
            self._list.append(value)
            return
        data = value.encode()
        self._pending.append(data)
        self._pending_size += len(data)
        self._offsets.append(self._offsets[-1] + len(data))
        if self._pending_size >= CHUNK:
            self._file.write(b"".join(self._pending))
            self._pending.clear()
            self._pending_size = 0

    def _add_many(self, values: list[str]) -> None:
        if self._file is None:
            self._list.extend(values)
            return
        self._flush()
        data = [value.encode() for value in values]
        self._file.write(b"".join(data))
        ends = itertools.accumulate(map(len, data), initial=self._offsets[-1])
        next(ends)
        self._offsets.extend(ends)

    def _load(self, archive: zipfile.ZipFile, part: str) -> None:
        self._preamble = True
        self._pending: list[bytes] = []
        self._pending_size = 0
        try:
            self._load_fast(archive, part)
        except _Unusual:
            if self._file is None:
                self._list.clear()
            else:
                self._file.seek(0)
                self._file.truncate()
                self._offsets = array("Q", [0])
                self._pending.clear()
                self._pending_size = 0
            self._load_expat(archive, part)
        self._flush()
        if self._file is not None:
            self._file.flush()

    def _flush(self) -> None:
        if self._file is not None and self._pending:
            self._file.write(b"".join(self._pending))
            self._pending.clear()
            self._pending_size = 0

    def _load_fast(self, archive: zipfile.ZipFile, part: str) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")()
        buffer = ""
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(CHUNK)
                buffer += decoder.decode(chunk, final=not chunk)
                if "<!" in buffer:
                    raise _Unusual
                consumed = 0
                if self._preamble:
                    at = buffer.find("<si")
                    if at < 0:
                        if not chunk:
                            break
                        continue
                    buffer, self._preamble = buffer[at:], False
                cut = buffer.rfind("</si>") + 5
                if cut > 5 and _PLAIN_STRINGS.fullmatch(buffer, 0, cut):  # one findall for the chunk
                    found = _PLAIN_STRING.findall(buffer, 0, cut)
                    if "&" in buffer[:cut] or "_x" in buffer[:cut]:
                        found = [_unescape_ooxml(_unescape(text)) for text in found]
                    self._add_many(found)
                    buffer = buffer[cut:]
                    if not chunk:
                        break
                    continue
                for item in _SI.finditer(buffer):
                    consumed = item.end()
                    body = item[1] or ""
                    if "rPh" in body:
                        body = _PHONETIC.sub("", body)
                    self._add(_unescape_ooxml(_unescape("".join(_T.findall(body)))))
                buffer = buffer[consumed:]
                if not chunk:
                    if "<si" in buffer:
                        raise _Unusual
                    break

    def _load_expat(self, archive: zipfile.ZipFile, part: str) -> None:
        pieces: list[str] = []
        depth = {"t": False, "rph": 0}

        def start(name, _attrs):
            name = _local(name)
            if name == "t" and not depth["rph"]:
                depth["t"] = True
            elif name == "rPh":
                depth["rph"] += 1

        def end(name):
            name = _local(name)
            if name == "t":
                depth["t"] = False
            elif name == "rPh":
                depth["rph"] -= 1
            elif name == "si":
                self._add(_unescape_ooxml("".join(pieces)))
                pieces.clear()

        def text(data):
            if depth["t"]:
                pieces.append(data)

        _parse_whole(archive, part, start, end, text)

    def _read(self, index: int) -> str:
        start, stop = self._offsets[index], self._offsets[index + 1]
        return os.pread(self._file.fileno(), stop - start, start).decode()

    def get(self, index: int) -> str:
        return self._list[index]

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._offsets) - 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class SheetInfo:
    name: str
    part: str


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved target) of a part."""
    rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels_part not in archive.NameToInfo:
        return found

    def start(name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), _resolve(part, attrs.get("Target", "")))

    _parse_whole(archive, rels_part, start)
    return found


class Workbook:
    """An open .xlsx: its sheets in workbook order, shared strings and date formats, read on opening."""

    def __init__(self, path: str):
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError(f"not a zip file ({exc})") from None
        self.strings = None
        try:
            self._open()
        except (KeyError, zipfile.BadZipFile, EOFError, OSError) as exc:
            self.close()
            raise XlsxError(f"broken workbook ({type(exc).__name__}: {exc})") from None
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        archive = self.archive
        root = _relationships(archive, "")
        self.part = next((target for kind, target in root.values() if kind.endswith(_OFFICE_DOCUMENT)),
                         "xl/workbook.xml")
        if self.part not in archive.NameToInfo or not self.part.endswith(".xml"):
            raise XlsxError("no workbook.xml (not an .xlsx)")
        rels = _relationships(archive, self.part)
        self.sheets: list[SheetInfo] = []
        self.date1904 = False

        def start(name, attrs):
            name = _local(name)
            if name == "sheet":
                rel = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                kind, target = rels.get(rel, ("", ""))
                if kind.endswith(_WORKSHEET) and target in archive.NameToInfo:
                    self.sheets.append(SheetInfo(attrs.get("name", ""), target))
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

        _parse_whole(archive, self.part, start)
        strings = next((t for k, t in rels.values() if k.endswith("/sharedStrings")), None)
        self.strings = SharedStrings(archive, strings if strings in archive.NameToInfo else None)
        styles = next((t for k, t in rels.values() if k.endswith("/styles")), None)
        self.date_styles = self._date_styles(styles) if styles in archive.NameToInfo else frozenset()

    def _date_styles(self, part: str) -> frozenset[str]:
        """The style indexes (as the s attribute spells them) whose number format is a date or time."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        where = {"xfs": False}

        def start(name, attrs):
            name = _local(name)
            if name == "numFmt":
                custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                where["xfs"] = True
            elif name == "xf" and where["xfs"]:
                formats.append(int(attrs.get("numFmtId", "0")))

        def end(name):
            if _local(name) == "cellXfs":
                where["xfs"] = False

        _parse_whole(self.archive, part, start, end)
        return frozenset(str(i) for i, fmt in enumerate(formats)
                         if (is_date_format(custom[fmt]) if fmt in custom else fmt in _DATE_FORMAT_IDS))

    def rows(self, sheet: SheetInfo) -> "SheetReader":
        return SheetReader(self, sheet)

    def close(self) -> None:
        if self.strings is not None:
            self.strings.close()
        self.archive.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Unusual(Exception):
    """XML the fast path does not read (a comment or CDATA section): the sheet is read again with expat."""


class SheetReader:
    """Iterates (row number, cells) of one worksheet; `dimension` is the sheet's declared last row (or None)
    and `fraction()` how much of the sheet's XML has been read.

    The fast path cuts the decompressed XML into rows and cells with regular expressions (about ten
    times faster than expat callbacks per element); XML it does not expect (comments, CDATA) sends the
    sheet to the expat path, which skips the rows already handed over."""

    def __init__(self, workbook: Workbook, sheet: SheetInfo):
        self.workbook, self.sheet = workbook, sheet
        self.dimension: int | None = None
        self._size = workbook.archive.getinfo(sheet.part).file_size or 1
        self._stream = None

    def fraction(self) -> float:
        return self._stream.tell() / self._size if self._stream is not None and not self._stream.closed else 0.0

    def __iter__(self) -> Iterator[tuple[int, list]]:
        last = 0
        try:
            try:
                for number, cells in self._fast():
                    last = number
                    yield number, cells
            except _Unusual:
                for number, cells in self._expat():
                    if number > last:
                        yield number, cells
        except (zipfile.BadZipFile, EOFError, zlib.error, UnicodeDecodeError, IndexError) as exc:
            raise XlsxError(f"broken sheet ({type(exc).__name__}: {exc})") from None
        finally:
            self._stream = None

    def _value(self, kind: str, raw: str, style):
        if kind == "n":
            if not raw:
                return ""
            number = float(raw)
            if style is not None and style in self.workbook.date_styles:
                try:
                    return excel_date(number, self.workbook.date1904)
                except (OverflowError, ValueError):
                    return number
            return number
        if kind == "s":
            return self.workbook.strings.get(int(raw)) if raw else ""
        if kind in ("inlineStr", "str", "e"):
            return _unescape_ooxml(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(raw)
        return raw

    def _fast(self) -> Iterator[tuple[int, list]]:
        value, strings = self._value, self.workbook.strings
        decoder = codecs.getincrementaldecoder("utf-8")()
        row_number = 0
        buffer = ""
        columns: dict[str, int] = {}
        with self.workbook.archive.open(self.sheet.part) as stream:
            self._stream = stream
            first = True
            while True:
                chunk = stream.read(CHUNK)
                buffer += decoder.decode(chunk, final=not chunk)
                if first:
                    first = False
                    found = _DIMENSION.search(buffer)
                    if found and ":" in found[1]:
                        self.dimension = _row_of(found[1].partition(":")[2]) or None
                if "<!" in buffer:  # a comment, CDATA or a DTD: expat decides
                    raise _Unusual
                consumed = 0
                for row in _ROW.finditer(buffer):
                    consumed = row.end()
                    attrs, content = row[1], row[3]
                    number = _ROW_NUMBER.search(attrs)
                    row_number = int(number[1]) if number else row_number + 1
                    cells: list = []
                    if content and _PLAIN_ROW.fullmatch(content):
                        for letters, style, kind, number, text in _PLAIN_CELL.findall(content):
                            if kind == "inlineStr":
                                item = _unescape_ooxml(_unescape(text)) if "&" in text or "_x" in text else text
                            elif kind == "s":
                                item = strings.get(int(number)) if number else ""
                            elif not kind and not style:
                                item = float(number) if number else ""
                            else:
                                item = value(kind or "n", _unescape(number or text), style or None)
                            col = columns.get(letters)
                            if col is None:
                                col = columns[letters] = column_index(letters)
                            if col == len(cells):
                                cells.append(item)
                            elif col > len(cells):
                                cells.extend([""] * (col - len(cells)))
                                cells.append(item)
                            else:
                                cells[col] = item
                    elif content:
                        if "<row" in content:
                            raise _Unusual
                        for cell in _CELL.finditer(content):
                            kind, ref, style = "n", None, None
                            for name, quoted, single in _ATTR.findall(cell[1]):
                                name = name.rpartition(":")[2]
                                if name == "r":
                                    ref = quoted or single
                                elif name == "t":
                                    kind = quoted or single
                                elif name == "s":
                                    style = quoted or single
                            body = cell[2]
                            if not body:
                                item = ""
                            elif kind == "inlineStr":
                                if "rPh" in body:
                                    body = _PHONETIC.sub("", body)
                                item = _unescape("".join(_T.findall(body)))
                                item = _unescape_ooxml(item)
                            elif kind == "s":
                                found = _V.search(body)
                                item = strings.get(int(found[1])) if found and found[1] else ""
                            else:
                                found = _V.search(body)
                                item = value(kind, _unescape(found[1]), style) if found else ""
                            _place(cells, column_index(ref) if ref else len(cells), item)
                    yield row_number, cells
                buffer = buffer[consumed:]
                if not chunk:
                    if "<row" in buffer or "<c " in buffer or "</sheetData>" not in buffer:
                        raise _Unusual  # cut short or malformed: expat finds where
                    break

    def _expat(self) -> Iterator[tuple[int, list]]:
        value = self._value
        done: list[tuple[int, list]] = []
        cells: list = []
        text: list[str] = []
        state = {"row": 0, "col": 0, "type": "n", "style": None, "collect": False, "rph": 0}
        parser = _parser()

        def start(name, attrs):
            name = _local(name)
            if name == "c":
                ref = attrs.get("r")
                state["col"] = column_index(ref) if ref else len(cells)
                state["type"] = attrs.get("t", "n")
                state["style"] = attrs.get("s")
                text.clear()
            elif name == "v" or (name == "t" and not state["rph"]):
                state["collect"] = True
            elif name == "row":
                number = attrs.get("r")
                state["row"] = int(number) if number else state["row"] + 1
                cells.clear()
            elif name == "rPh":
                state["rph"] += 1

        def end(name):
            name = _local(name)
            if name == "c":
                kind, raw = state["type"], "".join(text)
                item = _unescape_ooxml(raw) if kind == "inlineStr" else value(kind, raw, state["style"])
                _place(cells, state["col"], item)
            elif name in ("v", "t"):
                state["collect"] = False
            elif name == "row":
                done.append((state["row"], cells.copy()))
            elif name == "rPh":
                state["rph"] -= 1

        def chars(data):
            if state["collect"]:
                text.append(data)

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        with self.workbook.archive.open(self.sheet.part) as stream:
            self._stream = stream
            for _ in _feed(parser, stream):
                if done:
                    yield from done
                    done.clear()


_P = r"(?:[\w.-]+:)?"  # an optional namespace prefix (x:row)
_ROW = re.compile(rf"<{_P}row\b([^>]*?)(/>|>(.*?)</{_P}row>)", re.S)
_CELL = re.compile(rf"<{_P}c\b([^>]*?)(?:/>|>(.*?)</{_P}c>)", re.S)
# The cells most writers produce (Excel, xlsxwriter, openpyxl, LibreOffice): no prefix, attributes r, s, t in
# that order, a plain value or inline string. A row made only of these is read by one findall.
_PLAIN_CELL = re.compile(r'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
                         r'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)</c>)')
_ROW_NUMBER = re.compile(r"""(?:^|\s)r\s*=\s*["']([0-9]+)""")
_PLAIN_STRING = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
_PLAIN_STRINGS = re.compile(rf"(?:{_PLAIN_STRING.pattern})*")
_PLAIN_ROW = re.compile(rf"(?:{_PLAIN_CELL.pattern})*")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_V = re.compile(rf"<{_P}v\b[^>]*?(?:/>|>(.*?)</{_P}v>)", re.S)
_T = re.compile(rf"<{_P}t\b[^>]*?(?:/>|>(.*?)</{_P}t>)", re.S)
_PHONETIC = re.compile(rf"<{_P}rPh\b.*?</{_P}rPh>", re.S)
_SI = re.compile(rf"<{_P}si\b[^>]*?(?:/>|>(.*?)</{_P}si>)", re.S)
_DIMENSION = re.compile(rf"<{_P}dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _place(cells: list, col: int, item) -> None:
    """Puts a cell's value at its column; the columns skipped before it are empty."""
    if col == len(cells):
        cells.append(item)
    elif col > len(cells):
        cells.extend([""] * (col - len(cells)))
        cells.append(item)
    elif col >= 0:
        cells[col] = item


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _unescape_ooxml(text: str) -> str:
    """Excel writes control characters in text as _xHHHH_ (_x000D_ for a carriage return)."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def _iso_date(raw: str):
    try:
        moment = datetime.datetime.fromisoformat(raw.strip().rstrip("Z"))
    except ValueError:
        return raw
    return moment.date() if moment.time() == datetime.time(0) else moment


def is_xlsx(path: str) -> bool:
    """A zip holding an Office Open XML workbook (.xlsx/.xlsm), as opposed to .ods, .xlsb or anything else."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.NameToInfo
            if "xl/workbook.xml" in names:
                return True
            return any(n.endswith(".xml") and n.startswith("xl/") and "workbook" in n for n in names)
    except (zipfile.BadZipFile, OSError):
        return False
