"""Importable enterprise datasets.

ENTERPRISES is an ImportSpec run by the transfer engine (officials' workbooks; natural key credit_code).

The employee roster cannot go through the engine's write pass: a roster row is a registry person (found
by blind index, registered when absent) plus a roster entry keyed by (enterprise, person), and enterprise
accounts have no regional jurisdiction for the engine to check. So `import_roster` reads the file with the
engine's readers and header matching (Chinese or English headers, CSV or XLSX), validates every row with
the same column parsers, and writes the valid rows through `services.employees.add_employee`'s builders in
one transaction with one audit event. The roster page and the API (`POST /api/v1/enterprise/enterprises/{id}/
employees/import`, multipart `file`) both call `import_roster_upload`.
"""

import datetime
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from twofront.core import audit
from twofront.core.choices import OrganisationKind
from twofront.core.errors import field_error
from twofront.core.identity import mask_mobile, mask_name, mask_national_id, parse_credit_code, parse_mobile
from twofront.core.models import Organisation, Person
from twofront.core.scope import require
from twofront.enterprise.choices import Industry
from twofront.enterprise.models import Employee, Enterprise, new_checkin_token
from twofront.enterprise.services.enterprises import contact_phone_fields
from twofront.metrics.dirty import touch_many
from twofront.transfer.readers import FileError, HeaderMatcher, Table, cell_text
from twofront.transfer.spec import Col, ImportSpec, RowError, register, text, truncate

_INDUSTRY_NAMES = {str(label): code for code, label in Industry.choices}
_SCALE_WORDS = {"above": "above", "规上": "above", "规模以上": "above", "规模以上企业": "above", "small": "small",
                "小型": "small", "小": "small", "micro": "micro", "微型": "micro", "微": "micro"}
_YES = {"是", "y", "yes", "true", "1", "重点", "✓"}
_NO = {"否", "n", "no", "false", "0", ""}


def industry(value: str) -> str:
    value = value.strip()
    code = value[:1].upper() if value[:1].upper() in Industry.values and len(value) <= 2 else _INDUSTRY_NAMES.get(value)
    if code is None:
        raise RowError("行业门类应为 A 至 T 的字母", "industry must be a GB/T 4754 section letter A to T")
    return code


def scale(value: str) -> str:
    code = _SCALE_WORDS.get(value.strip().lower())
    if code is None:
        raise RowError("规模应为：规上、小型或微型", "scale must be above, small or micro")
    return code


def yes_no(value: str) -> bool:
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise RowError("请填写 是 或 否", "enter yes or no")


def date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip()[:10].replace("/", "-"))
    except ValueError:
        raise RowError("日期格式应为 2020-03-02", "dates look like 2020-03-02") from None


def origin_code(value: str) -> str:
    value = value.strip()
    if not (len(value) == 6 and value.isdigit()):
        raise RowError("来源地应为6位区划代码", "origin must be a 6-digit division code")
    return value


def stored_enterprise(values: dict) -> dict:
    """A parsed row in stored form. The row's Organisation (kind enterprise, code = credit code) is found or
    created here, inside the engine's write transaction, so an enterprise never exists without one."""
    code = values["credit_code"]
    organisation, _created = Organisation.objects.update_or_create(
        kind=OrganisationKind.ENTERPRISE, code=code, defaults={"name": values["name"], "region_id": values["region_id"]})
    return {"credit_code": code, "name": values["name"], "industry": values["industry"], "scale": values["scale"],
            "key_project": bool(values["key_project"]), "region_id": values["region_id"],
            "address": values["address"], "legal_representative": values["legal_representative"],
            "contact_name": values["contact_name"], **contact_phone_fields(values["contact_phone"]),
            "organisation_id": organisation.pk, "checkin_token": new_checkin_token()}


def _name(value: str) -> str:
    value = value.strip()
    if len(value) > 128:
        raise RowError("名称不能超过128个字", "a name has at most 128 characters")
    return value


ENTERPRISES = ImportSpec(
    dataset="enterprises",
    label=_("Enterprises"),
    model=Enterprise,
    columns=(
        Col("credit_code", "统一社会信用代码", "Credit code", parse=parse_credit_code, mask=str,
            hint_zh="18位统一社会信用代码", hint_en="18-character unified social credit code (GB 32100)"),
        Col("name", "企业名称", "Name", parse=_name),
        Col("industry", "行业门类", "Industry", parse=industry, mask=str, hint_zh="A 至 T", hint_en="A to T"),
        Col("scale", "规模", "Scale", parse=scale, mask=str, hint_zh="规上、小型或微型", hint_en="above, small or micro"),
        Col("key_project", "重点项目", "Key project", parse=yes_no, required=False, mask=str),
        Col("region_code", "区划代码", "Division code", parse=text, mask=str,
            hint_zh="企业所在区划代码，如 520102001", hint_en="division code of the enterprise, e.g. 520102001"),
        Col("address", "地址", "Address", parse=truncate(255), required=False),
        Col("legal_representative", "法定代表人", "Legal representative", parse=truncate(64), required=False,
            mask=mask_name),
        Col("contact_name", "联系人", "Contact person", parse=truncate(64), required=False, mask=mask_name),
        Col("contact_phone", "联系电话", "Contact phone", parse=parse_mobile, required=False, mask=mask_mobile),
    ),
    natural_key="credit_code",
    db_key=lambda values: values["credit_code"],
    row_key=lambda values: values["credit_code"],
    key_column="credit_code",
    build=stored_enterprise,
    permission="enterprise.import_enterprise",
    audit_action="enterprise.enterprise.imported",
    keep_on_update=("organisation_id", "checkin_token"),
)

register(ENTERPRISES)


def _id(value: str):
    from twofront.core.identity import parse_national_id

    return parse_national_id(value).number


ROSTER_COLUMNS = (
    Col("id_number", "身份证号", "National ID", parse=_id, mask=mask_national_id),
    Col("name", "姓名", "Name", parse=truncate(64), required=False, mask=mask_name),
    Col("phone", "手机号", "Mobile phone", parse=parse_mobile, required=False, mask=mask_mobile),
    Col("out_of_town", "外地返岗", "Out-of-town", parse=yes_no, required=False, mask=str),
    Col("origin_region_code", "来源地区划代码", "Origin (division code)", parse=origin_code, required=False, mask=str),
    Col("planned_return_date", "计划返岗日期", "Planned return date", parse=date, required=False, mask=str),
    Col("actual_return_date", "实际返岗日期", "Actual return date", parse=date, required=False, mask=str),
    Col("quarantine_needed", "需隔离", "Quarantine needed", parse=yes_no, required=False, mask=str),
)
ROSTER_MAX_ROWS = 20_000
ROSTER_MAX_BYTES = 20 * 1024 * 1024
ROSTER_SUFFIXES = (".csv", ".xlsx", ".xls")


def read_roster(path: str) -> tuple[list[dict], list[dict]]:
    """(valid rows, errors) of a roster file; errors are {row, column, value (masked), message}."""
    matcher = HeaderMatcher(ROSTER_COLUMNS)
    rows, errors, seen = [], [], {}
    for sheet in Table(path, matcher).sheets():
        found = matcher.match(sheet.header)
        if "id_number" not in found:
            raise FileError("缺少必填列：身份证号", "missing required column: National ID")
        for row_no, cells in sheet.rows:
            if all(cell_text(c).strip() == "" for c in cells):
                continue
            values, bad = {"row": row_no}, False
            for col in ROSTER_COLUMNS:
                index = found.get(col.name)
                raw = cell_text(cells[index]).strip() if index is not None and index < len(cells) else ""
                try:
                    if not raw:
                        if col.required:
                            raise RowError("必填", "required")
                        values[col.name] = None if col.name.endswith("_date") else ("" if col.parse is not yes_no else False)
                    else:
                        values[col.name] = col.parse(raw)
                except ValueError as exc:
                    bad = True
                    errors.append({"row": row_no, "column": col.header, "value": col.mask(raw), "message": str(exc)})
            if not bad and values["id_number"] in seen:
                bad = True
                errors.append({"row": row_no, "column": ROSTER_COLUMNS[0].header, "value": "",
                               "message": f"与第 {seen[values['id_number']]} 行重复 / duplicates row {seen[values['id_number']]}"})
            if not bad:
                seen[values["id_number"]] = row_no
                rows.append(values)
            if len(rows) + len(errors) > ROSTER_MAX_ROWS:
                raise FileError(f"一次最多导入 {ROSTER_MAX_ROWS} 行", f"at most {ROSTER_MAX_ROWS} rows at once")
    return rows, errors


@transaction.atomic
def import_roster(enterprise: Enterprise, *, actor, path: str) -> dict:
    """Adds or updates every valid row of a roster file; rows the roster service refuses are reported too.
    All valid rows or none are written (one transaction), with one audit event for the file."""
    from django.core.exceptions import ValidationError

    from twofront.enterprise.services.employees import upsert_roster_row

    require(actor, "enterprise.import_employee", enterprise)
    rows, errors = read_roster(path)
    added = updated = 0
    for values in rows:
        row_no = values.pop("row")
        try:
            with transaction.atomic():
                created = upsert_roster_row(enterprise, **values)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.append({"row": row_no, "column": field, "value": "", "message": "; ".join(messages)})
            continue
        added, updated = added + created, updated + (not created)
    result = {"added": added, "updated": updated, "errors": sorted(errors, key=lambda e: e["row"])}
    touch_many(Employee, [(enterprise.region_id, None)])
    touch_many(Person, [(enterprise.region_id, None)])
    audit.record(actor, "enterprise.employee.imported", enterprise,
                 changes={"added": added, "updated": updated, "invalid_rows": len({e["row"] for e in errors})})
    return result


def import_roster_upload(enterprise: Enterprise, *, actor, upload) -> dict:
    """import_roster() of an uploaded file (page or API): stored in a temporary file for the engine's readers.
    FileError for a file that cannot be read, ValidationError (field "file") for another kind or a bigger one."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise field_error("file", _("Upload a CSV or Excel (.xlsx) file."))
    if upload.size > ROSTER_MAX_BYTES:
        raise field_error("file", _("The file is larger than 20 MB."))
    with tempfile.NamedTemporaryFile(suffix=suffix) as local:
        for chunk in upload.chunks():
            local.write(chunk)
        local.flush()
        return import_roster(enterprise, actor=actor, path=local.name)
