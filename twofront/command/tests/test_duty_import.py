"""The duty roster from a spreadsheet: all rows or none, the same checks as the form, one audit event."""

import datetime

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from twofront.command import imports_duty
from twofront.core.models import AuditEvent, DutyShift
from twofront.core.testing import client_for

HEADER = ["开始时间", "结束时间", "岗位类型", "区划代码", "姓名", "账号", "带班"]


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def workbook(tmp_path, rows, header=HEADER):
    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("值班表")
    sheet.write_row(0, 0, ["南明区疫情防控指挥部值班表"])  # a title row above the header, as officials do
    sheet.write_row(1, 0, header)
    for index, row in enumerate(rows, 2):
        sheet.write_row(index, 0, row)
    book.close()
    return str(path)


GOOD = [
    [f"{day(1)} 08:00", f"{day(1)} 20:00", "区县指挥部", "520102", "王明", "", "是"],
    [f"{day(1)} 08:00", f"{day(1)} 20:00", "区县指挥部", "520102", "", "nanming", "否"],
    [f"{day(1)} 20:00", f"{day(2)} 08:00", "区县指挥部", "520102001", "赵敏", "", ""],
]


def test_a_roster_file_adds_every_shift(personas, tmp_path):
    result = imports_duty.import_roster(actor=personas["nanming"], path=workbook(tmp_path, GOOD))
    assert result == {"added": 3, "errors": []}
    shifts = list(DutyShift.objects.order_by("starts_at", "staff_name"))
    assert [(s.staff_name, s.is_leader, s.region.code) for s in shifts] == [
        ("nanming", False, "520102"), ("王明", True, "520102"), ("赵敏", False, "520102001")]
    assert shifts[0].user == personas["nanming"] and shifts[1].post_name.startswith("南明区")
    assert AuditEvent.objects.filter(action="command.duty.roster_imported").count() == 1
    assert not AuditEvent.objects.filter(action="command.duty.shift_created").exists()


def test_a_file_with_a_bad_row_adds_nothing(personas, tmp_path):
    rows = GOOD + [
        [f"{day(1)} 08:00", "明天", "区县指挥部", "520102", "钱进", "", ""],  # not a time
        [f"{day(1)} 08:00", f"{day(1)} 20:00", "区县指挥部", "520103", "孙丽", "", ""],  # Yunyan: not mine
        [f"{day(1)} 09:00", f"{day(1)} 12:00", "区县指挥部", "520102", "王明", "", ""],  # double booking in file
        [f"{day(1)} 08:00", f"{day(1)} 20:00", "卡口", "520102", "李四", "", ""],  # checkpoints: their own page
    ]
    result = imports_duty.import_roster(actor=personas["nanming"], path=workbook(tmp_path, rows))
    assert result["added"] == 0 and sorted({e["row"] for e in result["errors"]}) == [6, 7, 8, 9]
    assert not DutyShift.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="command.duty").exists()


def test_missing_columns_and_permission(personas, tmp_path):
    with pytest.raises(imports_duty.FileError):
        imports_duty.import_roster(actor=personas["nanming"], path=workbook(tmp_path, GOOD, header=HEADER[2:]))
    with pytest.raises(PermissionDenied):
        imports_duty.import_roster(actor=personas["auditor"], path=workbook(tmp_path, GOOD))
    assert not DutyShift.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [(None, 302), ("nanming", 302), ("grid_nanming", 403),
                                                 ("auditor", 403)])
def test_import_page(personas, tmp_path, persona, status):
    client = client_for(personas[persona] if persona else None)
    with open(workbook(tmp_path, GOOD), "rb") as upload:
        response = client.post("/command/duty/import/", {"file": upload})
    assert response.status_code == status
    assert DutyShift.objects.count() == (3 if persona == "nanming" else 0)
    if persona is None:
        assert response["Location"].startswith("/login/")


def test_import_page_lists_the_problems(personas, tmp_path):
    rows = [[f"{day(1)} 08:00", "x", "区县指挥部", "520102", "钱进", "", ""]]
    with open(workbook(tmp_path, rows), "rb") as upload:
        response = client_for(personas["nanming"]).post("/command/duty/import/", {"file": upload})
    assert response.status_code == 422 and "2020-02-10 08:00" in response.content.decode()
    assert client_for(personas["nanming"]).get("/command/duty/import/").status_code == 200
