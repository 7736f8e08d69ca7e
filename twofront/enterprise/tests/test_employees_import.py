"""Excel/CSV imports: the roster (engine readers + roster service) and enterprises (an ImportSpec run by the engine)."""

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from twofront.core.models import AuditEvent, Organisation, Person
from twofront.enterprise.models import Employee, Enterprise
from twofront.enterprise.testing import credit_code, employee_identity
from twofront.transfer.models import ImportJob


def workbook(header, rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("名单")
    for col, value in enumerate(header):
        sheet.write_string(0, col, value)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(r, col, value)
    book.close()
    return buffer.getvalue()


def test_hr_imports_the_roster_from_excel(enterprise_personas, make_employee, client_as):
    a = enterprise_personas.a
    existing = make_employee(a, 1)
    ids = [employee_identity(i) for i in range(1, 5)]
    content = workbook(["身份证号", "姓名", "手机号", "外地返岗", "来源地区划代码", "计划返岗日期"], [
        [ids[0]["id_number"], ids[0]["name"], ids[0]["phone"], "否", "", ""],  # already on the roster: updated
        [ids[1]["id_number"], ids[1]["name"], ids[1]["phone"], "是", "420106", "2020-02-20"],
        [ids[2]["id_number"], ids[2]["name"], "", "否", "", ""],
        ["520102199001011230", "坏号码", "", "", "", ""],  # bad checksum
        [ids[3]["id_number"], ids[3]["name"], "12345", "", "", ""],  # bad phone
        [ids[1]["id_number"], ids[1]["name"], "", "", "", ""],  # duplicate of row 3
    ])
    response = client_as(enterprise_personas["hr_a"]).post("/enterprise/employees/import/", {
        "enterprise": a.pk, "file": SimpleUploadedFile("名单.xlsx", content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert Employee.objects.filter(enterprise=a).count() == 3
    out_of_town = Employee.objects.get(person__name=ids[1]["name"])
    assert out_of_town.out_of_town and out_of_town.origin_region_code == "420106"
    assert out_of_town.person.region == a.region  # residence unknown: the enterprise's region
    existing.refresh_from_db()
    assert existing.active
    assert "1 added" not in html and ids[3]["id_number"] not in html  # numbers are masked in the error list
    event = AuditEvent.objects.get(action="enterprise.employee.imported")
    assert event.changes == {"added": 2, "updated": 1, "invalid_rows": 3}


def test_other_enterprise_cannot_import_into_mine(enterprise_personas, client_as):
    content = workbook(["身份证号"], [[employee_identity(1)["id_number"]]])
    response = client_as(enterprise_personas["hr_b"]).post("/enterprise/employees/import/", {
        "enterprise": enterprise_personas.a.pk, "file": SimpleUploadedFile("x.xlsx", content)})
    assert response.status_code == 422 and not Employee.objects.exists() and not Person.objects.exists()
    assert client_as(enterprise_personas["commissioner_a"]).get("/enterprise/employees/import/").status_code == 403


def test_officials_import_enterprises_through_the_engine(enterprise_personas, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    code = credit_code("520102", 70)
    content = workbook(["统一社会信用代码", "企业名称", "行业门类", "规模", "重点项目", "区划代码", "联系电话"], [
        [code, "导入制造有限公司", "C", "规上", "是", "520102001", "13911112222"],
        [enterprise_personas.c.credit_code, "南明餐饮服务（更名）", "H", "微型", "否", "520102001", ""],
        [credit_code("520103", 71), "云岩企业", "F", "小型", "否", "520103001", ""],  # outside Nanming
        ["91520102MA00000000", "坏代码", "C", "小型", "否", "520102001", ""],
    ])
    response = client_as(enterprise_personas["nanming"]).post("/transfer/import/enterprises/", {
        "file": SimpleUploadedFile("企业.xlsx", content), "policy": "valid"})
    assert response.status_code == 302, response.content
    job = ImportJob.objects.get()
    assert (job.status, job.rows_written, job.error_count) == ("succeeded", 2, 2), job.message
    imported = Enterprise.objects.get(credit_code=code)
    assert imported.key_project and imported.contact_phone_masked == "139****2222"
    assert imported.organisation.kind == "enterprise" and imported.organisation.code == code
    c = Enterprise.objects.get(pk=enterprise_personas.c.pk)
    assert c.name == "南明餐饮服务（更名）" and c.organisation_id == enterprise_personas.c.organisation_id
    assert c.checkin_token == enterprise_personas.c.checkin_token  # printed QR codes keep working
    assert not Enterprise.objects.filter(credit_code=credit_code("520103", 71)).exists()
    assert Organisation.objects.filter(kind="enterprise", code=code).count() == 1
    assert AuditEvent.objects.filter(action="enterprise.enterprise.imported").count() == 1


def _api_import(client, enterprise_pk, name, content):
    return client.post(f"/api/v1/enterprise/enterprises/{enterprise_pk}/employees/import",
                       {"file": SimpleUploadedFile(name, content)})


def test_enterprise_admin_imports_its_own_roster_through_the_api(enterprise_personas, client_as):
    # given A's HR with a CSV roster (English headers), one row bad
    a = enterprise_personas.a
    ids = [employee_identity(i) for i in range(1, 3)]
    content = ("National ID,Name,Mobile phone\n"
               f"{ids[0]['id_number']},{ids[0]['name']},{ids[0]['phone']}\n"
               f"{ids[1]['id_number']},{ids[1]['name']},\n"
               "520102199001011230,坏号码,\n").encode()
    # when it posts the file to the API
    response = _api_import(client_as(enterprise_personas["hr_a"]), a.pk, "roster.csv", content)
    # then the valid rows are on A's roster, the bad row is reported (masked), and the file is audited once
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["added"], body["updated"]) == (2, 0)
    assert [e["row"] for e in body["errors"]] == [4] and "520102199001011230" not in response.content.decode()
    assert set(Employee.objects.filter(enterprise=a).values_list("person__name", flat=True)) == {
        ids[0]["name"], ids[1]["name"]}
    assert AuditEvent.objects.filter(action="enterprise.employee.imported").count() == 1
    # and the same file again updates instead of adding
    again = _api_import(client_as(enterprise_personas["hr_a"]), a.pk, "roster.csv", content).json()
    assert (again["added"], again["updated"]) == (0, 2) and Employee.objects.count() == 2


def test_the_roster_api_refuses_other_enterprises_and_bad_files(enterprise_personas, client_as):
    a = enterprise_personas.a
    content = f"身份证号\n{employee_identity(1)['id_number']}\n".encode()
    # B's HR cannot see A (404, as if it did not exist); A's commissioner sees A but may not import (403)
    assert _api_import(client_as(enterprise_personas["hr_b"]), a.pk, "x.csv", content).status_code == 404
    assert _api_import(client_as(enterprise_personas["commissioner_a"]), a.pk, "x.csv", content).status_code == 403
    assert _api_import(client_as(None), a.pk, "x.csv", content).status_code == 401
    # a file of another kind, or without the ID column, is 422 on the "file" field
    for name, body in (("x.txt", content), ("x.csv", b"Name\nx\n")):
        response = _api_import(client_as(enterprise_personas["hr_a"]), a.pk, name, body)
        assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["file"], response.content
    assert not Employee.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="enterprise.employee.imported").exists()
