"""Importable datasets of the core registries (found by the transfer engine at start-up)."""

from django.utils.translation import gettext_lazy as _

from twofront.core import pii
from twofront.core.identity import mask_mobile, mask_name, mask_national_id, parse_mobile, parse_national_id
from twofront.core.models import Person
from twofront.core.services.people import ID_PURPOSE, identity_fields, phone_fields
from twofront.transfer.spec import Col, ImportSpec, RowError, register, text, truncate


def _name(value: str) -> str:
    name = value.strip()
    if len(name) > 64:
        raise RowError("姓名不能超过64个字", "a name has at most 64 characters")
    return name


def stored_person(values: dict) -> dict:
    """A parsed row in stored form, built by the same functions as people.create_person (encrypted
    numbers, blind indexes with the same purposes, masks, fields derived from the ID)."""
    return {"name": values["name"], **identity_fields(values["id_number"].number), **phone_fields(values["phone"]),
            "region_id": values["region_id"], "address": values["address"]}


PERSONS = ImportSpec(
    dataset="persons",
    label=_("Persons"),
    model=Person,
    columns=(
        Col("name", "姓名", "Name", parse=_name, mask=mask_name, hint_zh="1至64个字", hint_en="1 to 64 characters"),
        Col("id_number", "身份证号", "National ID", parse=parse_national_id, mask=mask_national_id,
            hint_zh="18位居民身份证号码，请用文本格式", hint_en="18-character resident ID number, as text"),
        Col("phone", "手机号", "Mobile phone", parse=parse_mobile, required=False, mask=mask_mobile,
            hint_zh="11位手机号", hint_en="11-digit mainland mobile number"),
        Col("region_code", "区划代码", "Division code", parse=text, mask=str,
            hint_zh="居住地所在区划代码，如 520102001001001", hint_en="division code of the residence, e.g. 520102001001001"),
        Col("address", "地址", "Address", parse=truncate(255), required=False),
    ),
    natural_key="id_number_index",
    db_key=lambda values: pii.blind_index(values["id_number"].number, ID_PURPOSE),
    row_key=lambda values: values["id_number"].number,
    key_column="id_number",
    build=stored_person,
    permission="core.import_person",
    audit_action="core.person.imported",
)

register(PERSONS)
