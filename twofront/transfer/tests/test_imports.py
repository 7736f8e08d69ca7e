"""The import engine on small files: formats, headers, validation, policies, scope, idempotency, audit."""

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError

from twofront.core import pii
from twofront.core.identity import mask_mobile, mask_national_id, parse_national_id
from twofront.core.models import AuditEvent, Person
from twofront.core.services import people
from twofront.metrics.models import DirtyCell
from twofront.transfer.choices import JobStatus
from twofront.transfer.tests.conftest import (
    ENGLISH_HEADERS,
    GRID_NANMING,
    GRID_YUNYAN,
    error_rows,
    import_file,
    person_rows,
    write_csv,
    write_workbook,
)


def test_imported_person_has_the_stored_form_of_create_person(personas, tmp_path):
    # given one resident in a CSV, when the Nanming officer imports it
    row = person_rows(1)[0]
    job = import_file(personas["nanming"], write_csv([row], tmp_path / "one.csv"))
    # then the record is exactly what people.create_person would have stored
    assert job.status == JobStatus.SUCCEEDED and job.rows_written == 1
    person = Person.objects.get()
    parsed = parse_national_id(row["id_number"])
    assert pii.decrypt(person.id_number_ct) == row["id_number"] and pii.decrypt(person.phone_ct) == row["phone"]
    assert person.id_number_index == people.id_number_index(row["id_number"])
    assert person.phone_index == people.phone_index(row["phone"])
    assert (person.id_number_masked, person.phone_masked) == (mask_national_id(row["id_number"]), mask_mobile(row["phone"]))
    assert (person.birth_date, person.sex, person.native_region_code) == (parsed.birth_date, parsed.sex,
                                                                           parsed.native_region_code)
    assert (person.name, person.address, person.region.code) == (row["name"], row["address"], GRID_NANMING)
    # and it can be found like any registered person; a second registration is refused
    assert people.find_by_id_number(Person.objects.all(), row["id_number"]).get() == person
    with pytest.raises(ValidationError):
        people.create_person(actor=personas["nanming"], name="重复", id_number=row["id_number"],
                             region=personas.region(GRID_NANMING))


def test_one_audit_event_per_job_and_dirty_cells_for_the_metrics(personas, tmp_path):
    job = import_file(personas["nanming"], write_csv(person_rows(30), tmp_path / "thirty.csv"))
    event = AuditEvent.objects.get(action="core.person.imported")
    assert event.actor == personas["nanming"] and event.object_id == str(job.pk)
    assert event.changes["rows_written"] == 30 and event.changes["rows_read"] == 30
    assert event.region == personas.region("520102")  # the importer's assignment region, like the job's
    assert not AuditEvent.objects.filter(action="core.person.created").exists()
    assert DirtyCell.objects.filter(source="core.person", region=personas.region(GRID_NANMING)).exists()


def test_gb18030_csv_keeps_the_chinese(personas, tmp_path):
    rows = person_rows(5)
    job = import_file(personas["nanming"], write_csv(rows, tmp_path / "gbk.csv", encoding="gb18030"))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(r["name"] for r in rows)
    assert set(Person.objects.values_list("address", flat=True)) == {r["address"] for r in rows}


def test_english_headers_in_any_order_and_a_bom(personas, tmp_path):
    rows = person_rows(4)
    headers = dict(reversed(ENGLISH_HEADERS.items()))  # Address, Division code, ..., Name
    job = import_file(personas["nanming"], write_csv(rows, tmp_path / "en.csv", encoding="utf-8-sig", headers=headers))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert Person.objects.count() == 4


def test_the_template_round_trips(personas, tmp_path, client_as):
    # given the template, filled in below its bilingual header row
    response = client_as(personas["nanming"]).get("/transfer/templates/persons/")
    template = tmp_path / "template.xlsx"
    template.write_bytes(b"".join(response.streaming_content))
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(template) as workbook:
        header = workbook.get_sheet_by_index(0).to_python()[0]
    assert header == ["姓名 / Name", "身份证号 / National ID", "手机号 / Mobile phone", "区划代码 / Division code",
                      "地址 / Address"]
    row = person_rows(1)[0]
    filled = tmp_path / "filled.xlsx"
    workbook = xlsxwriter.Workbook(filled)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, [row["name"], row["id_number"], row["phone"], row["region_code"], row["address"]])
    workbook.close()
    # then it imports
    assert import_file(personas["nanming"], filled).rows_written == 1


def test_xlsx_with_a_title_row_and_an_id_typed_as_a_number(personas, tmp_path):
    rows = person_rows(3)
    path = tmp_path / "titled.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("登记表")
    sheet.merge_range("A1:E1", "南明区居民登记表")
    sheet.write_row(1, 0, ["姓名", "身份证号", "手机号", "区划代码", "地址"])
    for index, row in enumerate(rows, 2):
        sheet.write_row(index, 0, [row["name"], row["id_number"], row["phone"], row["region_code"], row["address"]])
    sheet.write_number(3, 1, float(rows[1]["id_number"][:17] + "0"))  # Excel keeps 15 significant digits
    workbook.close()
    job = import_file(personas["nanming"], path, policy="valid")
    assert (job.rows_read, job.rows_valid, job.rows_written, job.error_count) == (3, 2, 2, 1)
    [error] = error_rows(job)
    assert error[1] == 4 and error[2] == "身份证号 / National ID" and "text" in error[5]


def test_reject_policy_writes_nothing_and_lists_every_bad_cell(personas, tmp_path):
    rows = person_rows(6)
    rows[1]["id_number"] = rows[1]["id_number"][:17] + ("0" if rows[1]["id_number"][17] != "0" else "1")
    rows[3]["phone"] = "12012345678"
    rows[3]["region_code"] = "999999"
    rows[4]["name"] = ""
    job = import_file(personas["nanming"], write_csv(rows, tmp_path / "bad.csv"))
    assert job.status == JobStatus.REJECTED
    assert (job.rows_read, job.rows_valid, job.rows_written, job.error_count) == (6, 3, 0, 3)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="core.person.imported").exists()
    errors = error_rows(job)
    assert [(e[1], e[2].split(" / ")[1]) for e in errors] == [
        (3, "National ID"), (5, "Mobile phone"), (5, "Division code"), (6, "Name")]
    assert errors[0][4] == "校验位错误" and errors[0][5] == "checksum digit is wrong"
    # values are masked: never a full ID number in the workbook
    assert errors[0][3] == mask_national_id(rows[1]["id_number"])
    assert errors[1][3] == mask_mobile("12012345678")


def test_valid_policy_imports_the_rest(personas, tmp_path):
    rows = person_rows(5)
    rows[2]["id_number"] = "123"
    job = import_file(personas["nanming"], write_csv(rows, tmp_path / "some.csv"), policy="valid")
    assert job.status == JobStatus.SUCCEEDED
    assert (job.rows_read, job.rows_valid, job.rows_written, job.error_count) == (5, 4, 4, 1)
    assert Person.objects.count() == 4
    assert [e[1] for e in error_rows(job)] == [4]


def test_duplicate_key_in_one_file_is_an_error_on_the_later_row(personas, tmp_path):
    rows = person_rows(4)
    rows[3] = dict(rows[3], id_number=rows[1]["id_number"].lower())  # the same ID, typed differently
    job = import_file(personas["nanming"], write_csv(rows, tmp_path / "dup.csv"), policy="valid")
    assert job.rows_written == 3
    [error] = error_rows(job)
    assert error[1] == 5 and error[4] == "与第 3 行重复" and error[5] == "duplicates row 3"
    assert error[3] == mask_national_id(rows[1]["id_number"].lower())


def test_the_same_file_twice_updates_and_never_duplicates(personas, tmp_path):
    rows = person_rows(20)
    path = write_csv(rows, tmp_path / "twice.csv")
    import_file(personas["nanming"], path)
    rows[0]["address"] = "新地址 1 号"
    rows[1]["region_code"] = "520102001001002"  # moves to the neighbouring grid
    second = import_file(personas["nanming"], write_csv(rows, tmp_path / "twice.csv"))
    assert second.status == JobStatus.SUCCEEDED and second.rows_written == 20
    assert Person.objects.count() == 20
    moved = people.find_by_id_number(Person.objects.all(), rows[1]["id_number"]).get()
    assert moved.region.code == "520102001001002"
    assert people.find_by_id_number(Person.objects.all(), rows[0]["id_number"]).get().address == "新地址 1 号"
    assert DirtyCell.objects.filter(region__code="520102001001002").exists()


def test_other_district_rows_are_refused(personas, tmp_path):
    # given a Yunyan officer's file with one Nanming row
    rows = person_rows(3, region=GRID_YUNYAN)
    rows[1]["region_code"] = GRID_NANMING
    job = import_file(personas["yunyan"], write_csv(rows, tmp_path / "mixed.csv"))
    # then the file is rejected, naming that row, and nothing is written
    assert job.status == JobStatus.REJECTED and job.error_count == 1
    assert [e[1] for e in error_rows(job)] == [3]
    assert not Person.objects.exists()


def test_a_record_of_another_district_cannot_be_taken_over_by_import(personas, make_person, tmp_path):
    # given a person registered in Nanming
    person = make_person(GRID_NANMING)
    number = pii.decrypt(person.id_number_ct)
    # when a Yunyan officer imports the same ID into Yunyan
    rows = person_rows(2, region=GRID_YUNYAN)
    rows[0]["id_number"] = number
    job = import_file(personas["yunyan"], write_csv(rows, tmp_path / "takeover.csv"), policy="valid")
    # then that row is an error and the Nanming record is untouched
    assert (job.rows_written, job.error_count) == (1, 1)
    [error] = error_rows(job)
    assert "outside your jurisdiction" in error[5] and error[3] == mask_national_id(number)
    person.refresh_from_db()
    assert person.region.code == GRID_NANMING


def test_file_level_problems_fail_the_job(personas, tmp_path):
    no_id = tmp_path / "no-id.csv"
    no_id.write_text("姓名,区划代码\n张三,520102001001001\n", encoding="utf-8")
    job = import_file(personas["nanming"], no_id)
    assert job.status == JobStatus.FAILED and "身份证号" in job.message and "National ID" in job.message
    header_only = write_csv([], tmp_path / "empty.csv")
    assert import_file(personas["nanming"], header_only).status == JobStatus.FAILED
    binary = tmp_path / "garbage.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    assert import_file(personas["nanming"], binary).status == JobStatus.FAILED
    assert not Person.objects.exists()


def test_upload_checks(personas, tmp_path):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError):
        import_file(personas["nanming"], empty)
    with pytest.raises(ValidationError):
        import_file(personas["nanming"], write_csv(person_rows(1), tmp_path / "rows.pdf"))
    with pytest.raises(PermissionDenied):
        import_file(personas["grid_nanming"], write_csv(person_rows(1), tmp_path / "rows.csv"))
    with pytest.raises(Http404):
        import_file(personas["nanming"], tmp_path / "rows.csv", dataset="nothing")


def test_workbook_rows_are_numbered_as_excel_shows_them(personas, tmp_path):
    rows = person_rows(4)
    rows[2]["phone"] = "1"
    job = import_file(personas["nanming"], write_workbook(rows, tmp_path / "rows.xlsx"), policy="valid")
    assert job.rows_written == 3
    assert [(e[0], e[1]) for e in error_rows(job)] == [("居民", 4)]
