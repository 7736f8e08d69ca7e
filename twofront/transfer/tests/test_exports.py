"""Exports: masked, neutralised, scoped like the person list, audited, permission-checked."""

import codecs

import pytest

from twofront.core import pii
from twofront.core.models import AuditEvent
from twofront.transfer.tests.conftest import GRID_NANMING, GRID_YUNYAN

API = "/api/v1/transfer/exports/persons"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def residents(make_person):
    return [make_person(GRID_NANMING, name="=HYPERLINK(\"http://x\")", address="@SUM(A1)"),
            make_person(GRID_NANMING, address="-2+3"), make_person(GRID_YUNYAN)]


def test_csv_has_a_bom_masked_numbers_and_no_plaintext(personas, client_as, residents):
    response = client_as(personas["commander"]).get(API, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = _body(response)
    assert body.startswith(codecs.BOM_UTF8)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "姓名,身份证号（脱敏）,手机号（脱敏）,性别,出生日期,区划代码,区划,地址"
    assert len(text.splitlines()) == 4
    for person in residents:
        assert pii.decrypt(person.id_number_ct) not in text and pii.decrypt(person.phone_ct) not in text
        assert person.id_number_masked in text and person.phone_masked in text
        assert person.id_number_ct not in text and person.id_number_index not in text


def test_formulas_are_neutralised(personas, client_as, residents):
    text = _body(client_as(personas["commander"]).get(API, {"format": "csv"})).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'-2+3" in text
    assert ",=HYPERLINK" not in text.replace('"', "")


def test_xlsx_export_reads_back(personas, client_as, residents, tmp_path):
    response = client_as(personas["commander"]).get(API, {"format": "xlsx"})
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(_body(response))
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(path) as workbook:
        rows = workbook.get_sheet_by_index(0).to_python()
    assert len(rows) == 4 and rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert {r[1] for r in rows[1:]} == {p.id_number_masked for p in residents}


def test_export_is_scoped_filtered_and_audited(personas, client_as, residents):
    # given a Nanming officer, when they export with the list's filters
    text = _body(client_as(personas["nanming"]).get(API, {"format": "csv", "region": "520102"})).decode("utf-8-sig")
    # then only Nanming persons are in the file
    assert len(text.splitlines()) == 3 and residents[2].id_number_masked not in text
    number = pii.decrypt(residents[1].id_number_ct)
    text = _body(client_as(personas["nanming"]).get(API, {"format": "csv", "id_number": number})).decode("utf-8-sig")
    assert len(text.splitlines()) == 2 and residents[1].id_number_masked in text
    # and every export is audited with its row count and filters, never the full ID filter
    first, second = AuditEvent.objects.filter(action="core.person.exported").order_by("id")
    assert first.changes["rows"] == 2 and first.changes["filters"] == {"region": "520102"}
    assert second.changes["rows"] == 1 and number not in str(second.changes)
    assert first.actor == personas["nanming"] and first.region == personas.region("520102")


def test_other_district_exports_none_of_mine(personas, client_as, residents):
    text = _body(client_as(personas["yunyan"]).get(API, {"format": "csv", "region": "520102"})).decode("utf-8-sig")
    assert len(text.splitlines()) == 1  # the header only


def test_export_needs_permission(personas, client_as, residents):
    assert client_as(personas["grid_nanming"]).get(API).status_code == 403
    assert client_as(personas["norole"]).get(API).status_code == 403
    assert client_as(None).get(API).status_code == 401
    assert client_as(personas["nanming"]).get(API, {"format": "pdf"}).status_code == 422
    assert not AuditEvent.objects.filter(action="core.person.exported").exists()


def test_export_page_follows_the_list_filters(personas, client_as, residents):
    response = client_as(personas["nanming"]).get("/transfer/export/persons/", {"format": "csv", "name": "HYPERLINK"})
    assert response.status_code == 200
    assert len(_body(response).decode("utf-8-sig").splitlines()) == 2
    assert AuditEvent.objects.get(action="core.person.exported").source == "web"
