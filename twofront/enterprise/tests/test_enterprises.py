"""Enterprise registration and edits, the contact phone's protection, the QR code, and resumption statistics."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twofront.core import pii
from twofront.core.choices import OrganisationKind
from twofront.core.models import AuditEvent, Organisation
from twofront.core.services.people import phone_index
from twofront.enterprise.models import Enterprise
from twofront.enterprise.services.enterprises import create_enterprise, update_enterprise
from twofront.enterprise.testing import credit_code

NEW = {"name": "贵阳新材料有限公司", "industry": "C", "scale": "above", "key_project": True,
       "address": "新华路1号", "legal_representative": "陈明", "contact_name": "刘芳", "contact_phone": "13985001234"}


def test_registration_creates_the_organisation_and_protects_the_phone(enterprise_personas):
    region = enterprise_personas.region("520102001")
    enterprise = create_enterprise(actor=enterprise_personas["nanming"], credit_code=credit_code("520102", 40).lower(),
                                   region=region, **NEW)
    assert enterprise.credit_code == credit_code("520102", 40)  # normalised
    organisation = enterprise.organisation
    assert (organisation.kind, organisation.region, organisation.code) == (OrganisationKind.ENTERPRISE, region,
                                                                           enterprise.credit_code)
    # encrypted, indexed and masked exactly like a person's phone
    assert enterprise.contact_phone_masked == "139****1234"
    assert pii.decrypt(enterprise.contact_phone_ct) == "13985001234" and "1398500" not in enterprise.contact_phone_ct
    assert enterprise.contact_phone_index == phone_index("13985001234")
    event = AuditEvent.objects.get(action="enterprise.enterprise.created")
    assert "13985001234" not in json.dumps(event.changes) and event.region == region


GOOD_CODE = credit_code("520102", 41)
BAD_CHECK = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")


@pytest.mark.parametrize(("field", "value"), [("credit_code", BAD_CHECK), ("credit_code", "91520102MA6DXXXXI1"), ("industry", "Z"),
                                              ("scale", "huge"), ("contact_phone", "12345"), ("name", " ")])
def test_invalid_registration_changes_nothing(enterprise_personas, field, value):
    values = {**NEW, "credit_code": credit_code("520102", 41), field: value}
    with pytest.raises(ValidationError) as caught:
        create_enterprise(actor=enterprise_personas["nanming"], region=enterprise_personas.region("520102001"),
                          **values)
    assert field in caught.value.message_dict
    assert not Enterprise.objects.filter(name=NEW["name"]).exists()
    assert not Organisation.objects.filter(code=values["credit_code"]).exists()


def test_credit_code_is_unique(enterprise_personas):
    with pytest.raises(ValidationError):
        create_enterprise(actor=enterprise_personas["nanming"], credit_code=enterprise_personas.a.credit_code,
                          region=enterprise_personas.region("520102001"), **NEW)


def test_officials_register_only_in_their_district(enterprise_personas):
    with pytest.raises(PermissionDenied):
        create_enterprise(actor=enterprise_personas["yunyan"], credit_code=credit_code("520102", 42),
                          region=enterprise_personas.region("520102001"), **NEW)
    with pytest.raises(PermissionDenied):
        create_enterprise(actor=enterprise_personas["hr_a"], credit_code=credit_code("520102", 42),
                          region=enterprise_personas.region("520102001"), **NEW)


def test_hr_edits_its_enterprise_but_cannot_move_it(enterprise_personas):
    hr, a = enterprise_personas["hr_a"], enterprise_personas.a
    update_enterprise(a, actor=hr, contact_phone="13600002222", name="南明精密制造股份有限公司")
    a.refresh_from_db()
    assert a.contact_phone_masked == "136****2222" and a.organisation.name == "南明精密制造股份有限公司"
    with pytest.raises(PermissionDenied):
        update_enterprise(a, actor=hr, region=enterprise_personas.region("520103001"))
    with pytest.raises(PermissionDenied):
        update_enterprise(enterprise_personas.b, actor=hr, name="不是我的")


def test_detail_page_shows_qr_code_to_hr_and_never_the_full_phone(enterprise_personas, client_as):
    a = enterprise_personas.a
    page = client_as(enterprise_personas["hr_a"]).get(f"/enterprise/{a.pk}/").content.decode()
    assert "<svg" in page and f"/enterprise/checkin/{a.checkin_token}/" in page
    assert "13800000001" not in page and "138****0001" in page
    commissioner = client_as(enterprise_personas["commissioner_a"]).get(f"/enterprise/{a.pk}/").content.decode()
    assert a.checkin_token not in commissioner  # the link is for the enterprise (and officials) to print


def test_rotating_the_token_kills_the_old_link(enterprise_personas, client_as, client):
    a = enterprise_personas.a
    old = a.checkin_token
    client_as(enterprise_personas["hr_a"]).post(f"/enterprise/{a.pk}/rotate-token/")
    a.refresh_from_db()
    assert a.checkin_token != old
    assert client.get(f"/enterprise/checkin/{old}/").status_code == 404
    assert client.get(f"/enterprise/checkin/{a.checkin_token}/").status_code == 200


def test_page_registration(enterprise_personas, client_as):
    response = client_as(enterprise_personas["nanming"]).post("/enterprise/new/", {
        **NEW, "credit_code": credit_code("520102", 43), "region": "520102001"})
    enterprise = Enterprise.objects.get(credit_code=credit_code("520102", 43))
    assert response.status_code == 302 and response["Location"] == f"/enterprise/{enterprise.pk}/"


def test_resumption_rates_by_region_industry_and_scale(enterprise_personas, make_employee, client_as):
    a, b, c = enterprise_personas.a, enterprise_personas.b, enterprise_personas.c
    Enterprise.objects.filter(pk=a.pk).update(resumed_on=datetime.date(2020, 3, 2))
    make_employee(a, 1, actual_return_date=datetime.date(2020, 3, 1))
    make_employee(a, 2)
    make_employee(b, 3, actual_return_date=datetime.date(2020, 3, 1))
    commander = client_as(enterprise_personas["commander"])
    by_region = commander.get("/api/v1/enterprise/stats/resumption?by=region").json()
    rows = {r["key"]: r for r in by_region["rows"]}
    assert (rows["520102"]["registered"], rows["520102"]["resumed"], rows["520102"]["resumption_rate"]) == (2, 1, 0.5)
    assert (rows["520102"]["employees_back"], rows["520102"]["employees_expected"], rows["520102"]["return_rate"]) == \
        (1, 2, 0.5)
    assert (rows["520103"]["registered"], rows["520103"]["resumed"]) == (1, 0)
    assert by_region["total"]["registered"] == 3 and by_region["total"]["employees_back"] == 2
    # drill down: Nanming's streets
    streets = commander.get("/api/v1/enterprise/stats/resumption?by=region&parent=520102").json()["rows"]
    assert [(r["key"], r["registered"]) for r in streets] == [("520102001", 2)]
    by_industry = {r["key"]: r for r in commander.get("/api/v1/enterprise/stats/resumption?by=industry").json()["rows"]}
    assert by_industry["C"]["resumed"] == 1 and by_industry["H"]["registered"] == 1 and by_industry["H"]["resumed"] == 0
    by_scale = {r["key"]: r["registered"] for r in
                commander.get("/api/v1/enterprise/stats/resumption?by=scale").json()["rows"]}
    assert by_scale == {"above": 1, "small": 1, "micro": 1}
    # a district officer's figures cover their district only
    nanming = client_as(enterprise_personas["nanming"]).get("/api/v1/enterprise/stats/resumption").json()
    assert nanming["parent_code"] == "520102" and nanming["total"]["registered"] == 2
    page = client_as(enterprise_personas["nanming"]).get("/enterprise/stats/?by=industry")
    assert page.status_code == 200 and "50%" in page.content.decode()
    assert c.name  # C is counted, not resumed
