"""The duty roster from a spreadsheet (officials keep rosters in Excel): CSV or XLSX, Chinese or English headers.

A shift has no natural key, so the transfer engine's upsert pass does not fit. `import_roster` reads the file
with the engine's readers and header matching, parses every row with the columns below, and writes the rows
through `services.duty.build_shift` (the same checks as the form and the API, double bookings included) in one
transaction with one audit event. All rows or none: a file with any bad row writes nothing and lists every
problem, so fixing the file and uploading it again never duplicates shifts.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from twofront.command.services import duty as services
from twofront.core import audit, scope
from twofront.core.errors import Conflict
from twofront.core.models import PostType, Region, User
from twofront.transfer.readers import FileError, HeaderMatcher, Table, cell_text
from twofront.transfer.spec import Col, RowError, truncate

MAX_ROWS = 5_000
_POSTS = {"市指挥部": PostType.COMMAND_CENTRE, "command_centre": PostType.COMMAND_CENTRE,
          "city command centre": PostType.COMMAND_CENTRE, "区县指挥部": PostType.DISTRICT_POST,
          "区指挥部": PostType.DISTRICT_POST, "街道指挥部": PostType.DISTRICT_POST, "指挥部": PostType.DISTRICT_POST,
          "district_post": PostType.DISTRICT_POST, "district command post": PostType.DISTRICT_POST}
_YES, _NO = {"是", "带班", "y", "yes", "true", "1", "✓"}, {"否", "", "n", "no", "false", "0"}


def moment(value: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        raise RowError("时间格式应为 2020-02-10 08:00", "times look like 2020-02-10 08:00") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def post_type(value: str) -> str:
    code = _POSTS.get(value.strip().lower()) or _POSTS.get(value.strip())
    if code is None:
        raise RowError("岗位类型应为：市指挥部 或 区县指挥部", "post type is city command centre or district command post")
    return code


def yes_no(value: str) -> bool:
    value = value.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise RowError("请填写 是 或 否", "enter yes or no")


def division_code(value: str) -> str:
    value = value.strip()
    if not (value.isdigit() and 6 <= len(value) <= 12):
        raise RowError("区划代码应为 6 至 12 位数字", "a division code has 6 to 12 digits")
    return value


COLUMNS = (
    Col("starts_at", "开始时间", "Starts at", parse=moment, mask=str),
    Col("ends_at", "结束时间", "Ends at", parse=moment, mask=str),
    Col("post_type", "岗位类型", "Post type", parse=post_type, mask=str),
    Col("region_code", "区划代码", "Division code", parse=division_code, mask=str),
    Col("staff_name", "姓名", "Name", parse=truncate(64), required=False),
    Col("username", "账号", "Account", parse=truncate(150), required=False, mask=str),
    Col("is_leader", "带班", "Shift leader", parse=yes_no, required=False, mask=str),
    Col("post_name", "岗位名称", "Post name", parse=truncate(128), required=False, mask=str),
)


def read_roster(path: str) -> tuple[list[dict], list[dict]]:
    """(parsed rows, errors) of a roster file; errors are {row, column, value (masked), message}."""
    matcher = HeaderMatcher(COLUMNS)
    rows, errors = [], []
    for sheet in Table(path, matcher).sheets():
        found = matcher.match(sheet.header)
        absent = [c for c in COLUMNS if c.required and c.name not in found]
        if absent:
            raise FileError("缺少必填列：" + "、".join(c.zh for c in absent),
                            "missing required columns: " + ", ".join(c.en for c in absent))
        for row_no, cells in sheet.rows:
            if all(cell_text(c).strip() == "" for c in cells):
                continue
            values, bad = {"row": row_no}, False
            for col in COLUMNS:
                index, raw = found.get(col.name), ""
                try:
                    raw = cell_text(cells[index]).strip() if index is not None and index < len(cells) else ""
                    if not raw:
                        if col.required:
                            raise RowError("必填", "required")
                        values[col.name] = False if col.name == "is_leader" else ""
                    else:
                        values[col.name] = col.parse(raw)
                except ValueError as exc:
                    bad = True
                    errors.append({"row": row_no, "column": col.header, "value": col.mask(raw),
                                   "message": str(exc)})
            if not bad:
                rows.append(values)
            if len(rows) + len(errors) > MAX_ROWS:
                raise FileError(f"一次最多导入 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows at once")
    return rows, errors


@transaction.atomic
def import_roster(*, actor, path: str) -> dict:
    """Adds every row of a roster file as a command-post shift, or none of them when any row is bad."""
    if not scope.has_permission_anywhere(actor, services.PERMISSION):
        raise PermissionDenied(services.PERMISSION)
    rows, errors = read_roster(path)
    regions = {r.code: r for r in Region.objects.filter(code__in={v["region_code"] for v in rows})}
    accounts = {u.username: u for u in User.objects.filter(username__in={v["username"] for v in rows if v["username"]},
                                                           is_active=True)}
    added = 0
    for values in rows:
        row_no = values.pop("row")
        region, username = regions.get(values.pop("region_code")), values.pop("username")
        problem = None
        if region is None:
            problem = ("区划代码", "区划代码不存在 / unknown division code")
        elif not scope.covers(actor, services.PERMISSION, region=region):
            problem = ("区划代码", "不在您的辖区 / outside your jurisdiction")
        elif username and username not in accounts:
            problem = ("账号", "账号不存在 / unknown account")
        if problem is None:
            try:
                with transaction.atomic():
                    services.build_shift(region=region, user=accounts.get(username), **values)
                added += 1
                continue
            except ValidationError as exc:
                problem = ("; ".join(exc.message_dict), "; ".join(m for ms in exc.message_dict.values() for m in ms))
            except Conflict as exc:
                problem = ("", str(exc.message))
        errors.append({"row": row_no, "column": problem[0], "value": "", "message": problem[1]})
    if errors:
        transaction.set_rollback(True)
        return {"added": 0, "errors": sorted(errors, key=lambda e: e["row"])}
    audit.record(actor, "command.duty.roster_imported", None, changes={"added": added},
                 region=min((a.region for a in scope.granting(actor, services.PERMISSION) if a.region_id),
                            key=lambda r: r.depth, default=None), object_repr=f"{added} shifts")
    return {"added": added, "errors": []}
