"""The streaming .xlsx reader: tricky cells, odd but valid XML, and the same values python-calamine gives."""

import datetime
import zipfile

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from twofront.transfer import xlsx
from twofront.transfer.readers import FileError, HeaderMatcher, Table, cell_text
from twofront.transfer.spec import Col, RowError

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = (f'<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '</numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
          '<xf numFmtId="49"/></cellXfs></styleSheet>')


def build(path, sheets: dict[str, str], shared: list[str] | str | None = None, styles: str = STYLES,
          date1904: bool = False):
    """An .xlsx from raw sheet XML (the <sheetData> content, or a whole document when it starts with '<?xml')."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{REL[:-14]}package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
        pr = '<workbookPr date1904="1"/>' if date1904 else ""
        archive.writestr("xl/workbook.xml", f"<workbook {NS} {REL_NS}>{pr}<sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
        rels += f'<Relationship Id="rS" Type="{REL}/styles" Target="styles.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            body = shared if isinstance(shared, str) else "".join(f"<si><t>{s}</t></si>" for s in shared)
            archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>{body}</sst>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="{REL[:-14]}package/2006/relationships">{rels}</Relationships>')
        archive.writestr("xl/styles.xml", styles)
        for i, xml in enumerate(sheets.values(), 1):
            if not xml.startswith("<?xml"):
                xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
                       f'<dimension ref="A1:E9"/><sheetData>{xml}</sheetData></worksheet>')
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def read(path) -> dict[str, list[tuple[int, list]]]:
    with xlsx.Workbook(str(path)) as workbook:
        return {sheet.name: list(workbook.rows(sheet)) for sheet in workbook.sheets}


def calamine_rows(path) -> dict[str, list[list]]:
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


TRICKY = (
    # header: shared strings, Chinese and bilingual
    '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    # an ID with a trailing X as an inline string, an empty cell in the middle (C2 absent), a number, a date
    '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>52010219900307001X</t>'
    '</is></c><c r="D2"><v>520102001001</v></c><c r="E2" s="1"><v>43831</v></c></row>'
    # rows 3 and 4 absent; a style-only empty cell; a formula with its cached string; a boolean; an error
    '<row r="5"><c r="A5" s="3"/><c r="B5" t="str"><f>A1&amp;"x"</f><v>姓名x</v></c><c r="C5" t="b"><v>1</v></c>'
    '<c r="D5" t="e"><v>#N/A</v></c><c r="E5" s="2"><v>43831.5</v></c></row>'
    # entities, an escaped control character, rich text with a phonetic run, a decimal, a time
    '<row r="6"><c r="A6" t="s"><v>5</v></c><c r="B6" t="inlineStr"><is><t>a&amp;b&lt;c_x000D_d</t></is></c>'
    '<c r="C6" t="s"><v>6</v></c><c r="D6"><v>36.5</v></c><c r="E6" s="1"><v>0.75</v></c></row>'
    # an 18-digit ID typed into a number cell: Excel kept 15 digits
    '<row r="7"><c r="B7"><v>5.20102199003071E+17</v></c><c r="F7" t="inlineStr"><is><t xml:space="preserve"> 𠀀甲 </t>'
    '</is></c></row>'
    '<row r="8"/>'
)
SHARED = ("<si><t>姓名</t></si><si><t>身份证号 / National ID</t></si><si><t>手机号</t></si><si><t>区划代码</t></si>"
          "<si><t>日期</t></si><si><t>R&amp;D &#x4E2D;</t></si>"
          '<si><r><t>贵</t></r><r><rPr><b/></rPr><t xml:space="preserve">阳 </t></r>'
          "<rPh sb=\"0\" eb=\"1\"><t>グイ</t></rPh></si>")
EXPECTED = [
    (1, ["姓名", "身份证号 / National ID", "手机号", "区划代码", "日期"]),
    (2, ["张三", "52010219900307001X", "", 520102001001.0, datetime.date(2020, 1, 1)]),
    (5, ["", "姓名x", True, "#N/A", datetime.datetime(2020, 1, 1, 12, 0)]),
    (6, ["R&D 中", "a&b<c\rd", "贵阳 ", 36.5, datetime.time(18, 0)]),
    (7, ["", 5.20102199003071e17, "", "", "", " 𠀀甲 "]),
    (8, []),
]


def test_tricky_cells(tmp_path):
    path = build(tmp_path / "tricky.xlsx", {"登记表": TRICKY}, SHARED)
    assert read(path) == {"登记表": EXPECTED}


def test_same_values_when_the_shared_strings_spill_to_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SMALL_SHARED_STRINGS", 0)
    path = build(tmp_path / "tricky.xlsx", {"登记表": TRICKY}, SHARED)
    assert read(path) == {"登记表": EXPECTED}


def test_prefixed_and_commented_xml_takes_the_expat_path(tmp_path):
    prefixed = (TRICKY.replace("<row", "<x:row").replace("</row>", "</x:row>").replace("<c ", "<x:c ")
                .replace("</c>", "</x:c>").replace("<v>", "<x:v>").replace("</v>", "</x:v>")
                .replace("<is>", "<x:is>").replace("</is>", "</x:is>").replace("<t>", "<x:t>")
                .replace("<t ", "<x:t ").replace("</t>", "</x:t>").replace("<f>", "<x:f>").replace("</f>", "</x:f>"))
    document = ('<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<x:sheetData>{prefixed}</x:sheetData></x:worksheet>")
    commented = TRICKY.replace('<row r="6">', '<!-- a note --><row r="6">')
    shared = SHARED.replace("<si><t>手机号</t></si>", "<si><t><![CDATA[手机号]]></t></si>")
    path = build(tmp_path / "odd.xlsx", {"a": document, "b": commented}, shared)
    assert read(path) == {"a": EXPECTED, "b": EXPECTED}


def test_cells_without_references_and_single_quotes(tmp_path):
    sheet = "<row><c t='inlineStr'><is><t>x</t></is></c><c><v>1</v></c></row><row><c r='C2'><v>2</v></c></row>"
    path = build(tmp_path / "plain.xlsx", {"s": sheet})
    assert read(path) == {"s": [(1, ["x", 1.0]), (2, ["", "", 2.0])]}


def test_1904_dates(tmp_path):
    path = build(tmp_path / "mac.xlsx", {"s": '<row r="1"><c r="A1" s="1"><v>0</v></c></row>'}, date1904=True)
    assert read(path) == {"s": [(1, [datetime.date(1904, 1, 1)])]}


def test_same_as_calamine_for_a_workbook_excel_would_write(tmp_path):
    """xlsxwriter's default mode writes shared strings, as Excel does; dates, times, numbers and blanks mixed."""
    path = tmp_path / "mixed.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("人员")
    date, moment, clock = (workbook.add_format({"num_format": f}) for f in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm", "hh:mm"))
    sheet.write_row(0, 0, ["姓名", "身份证号", "出生日期", "登记时间", "体温", "时刻"])
    for i in range(1, 300):
        if i % 7 == 3:
            continue  # a missing row
        sheet.write_string(i, 0, f"居民{i % 13}")
        if i % 5:
            sheet.write_string(i, 1, f"5201021990{i:06d}X"[-18:])
        sheet.write_datetime(i, 2, datetime.date(1990, 1, 1) + datetime.timedelta(days=i), date)
        sheet.write_datetime(i, 3, datetime.datetime(2020, 2, 1, 8, 30) + datetime.timedelta(hours=i), moment)
        sheet.write_number(i, 4, 36 + i % 10 / 10)
        sheet.write_datetime(i, 5, datetime.time(i % 24, 15), clock)
        if i % 11 == 0:
            sheet.write_boolean(i, 6, True)
    workbook.close()
    ours = read(path)["人员"]
    theirs = calamine_rows(path)["人员"]
    assert len(theirs) == 300
    by_number = dict(ours)
    for number, row in enumerate(theirs, 1):
        mine = by_number.get(number, [])
        assert mine + [""] * (len(row) - len(mine)) == row, number


def test_table_finds_the_header_under_a_title_and_keeps_row_numbers(tmp_path):
    sheet = ('<row r="1"><c r="A1" t="inlineStr"><is><t>2020年2月 返筑人员登记表</t></is></c></row>'
             '<row r="3"><c r="A3" t="inlineStr"><is><t>姓名 *</t></is></c>'
             '<c r="B3" t="inlineStr"><is><t>身份证号</t></is></c></row>'
             '<row r="4"><c r="A4" t="inlineStr"><is><t>李四</t></is></c>'
             '<c r="B4" t="inlineStr"><is><t>52010219900307001X</t></is></c></row>'
             '<row r="9"><c r="B9"><v>520102199003070010</v></c></row>')
    path = build(tmp_path / "titled.xlsx", {"说明": '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                                           "登记": sheet})
    matcher = HeaderMatcher([Col("name", "姓名", "Name"), Col("id_number", "身份证号", "National ID")])
    read_back = [(sheet, list(sheet.rows)) for sheet in Table(str(path), matcher).sheets()]
    assert len(read_back) == 1
    found, rows = read_back[0]
    assert (found.name, found.header_row, found.header, found.expected_rows) == ("登记", 3, ["姓名 *", "身份证号"], 6)
    assert rows == [(4, ["李四", "52010219900307001X"]), (9, ["", 520102199003070010.0])]
    with pytest.raises(RowError):
        cell_text(rows[1][1][1])  # the ID lost its last digits in a number cell


def test_damaged_workbooks_are_file_errors(tmp_path):
    matcher = HeaderMatcher([Col("name", "姓名", "Name")])
    broken = build(tmp_path / "broken.xlsx", {"s": '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
                                                   '<row r="2"><c r="A2"><v>1</v></c><row>'})
    with pytest.raises(FileError):
        for sheet in Table(str(broken), matcher).sheets():
            list(sheet.rows)
    dtd = build(tmp_path / "dtd.xlsx", {"s": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                                             f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr">'
                                             "<is><t>&a;</t></is></c></row></sheetData></worksheet>"})
    with pytest.raises(FileError):
        for sheet in Table(str(dtd), matcher).sheets():
            list(sheet.rows)
    not_a_workbook = tmp_path / "x.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileError):
        list(Table(str(not_a_workbook), matcher).sheets())


def test_gb18030_csv_with_rare_characters(tmp_path):
    path = tmp_path / "gb.csv"
    path.write_bytes("姓名,身份证号\n𠀀甲,52010219900307001X\n".encode("gb18030"))
    matcher = HeaderMatcher([Col("name", "姓名", "Name"), Col("id_number", "身份证号", "National ID")])
    assert [list(sheet.rows) for sheet in Table(str(path), matcher).sheets()] == [[(2, ["𠀀甲", "52010219900307001X"])]]


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("[h]:mm:ss", True), ("0.00", False), ("@", False),
    ('"day" 0', False), ("[Red]0.0", False), ("General", False), ("#,##0;[Red]-#,##0", False)])
def test_date_formats(code, is_date):
    assert xlsx.is_date_format(code) is is_date
