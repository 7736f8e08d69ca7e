"""Lead lists for screening campaigns (e.g. arrivals from Hubei): campaign number, name, national ID, address,
grid code -> a Lead, upserted on (campaign, person), so a re-imported list completes, never duplicates.

Each row's person is looked up in the registry by the ID's blind index, or registered in the row's grid;
the household is found (or created) by grid and address, and the person becomes its member; the lead
goes to the grid's worker. Those few lookups per row are fine for lead lists (thousands of rows).

The engine validates one column at a time, so "the grid lies in the campaign's region" can only be
checked while writing: such a row fails the whole job and nothing is written (see the report).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import pii
from twofront.core.choices import RegionLevel
from twofront.core.identity import mask_mobile, mask_name, mask_national_id, parse_mobile, parse_national_id
from twofront.core.models import Person, Region
from twofront.core.services.people import ID_PURPOSE, identity_fields, phone_fields
from twofront.metrics.dirty import touch
from twofront.prevention.choices import LeadStatus
from twofront.prevention.models import Household, HouseholdMember, Lead, ScreeningCampaign
from twofront.prevention.services.screening import grid_worker_of
from twofront.transfer.spec import Col, ImportSpec, RowError, register, truncate


@dataclass(frozen=True)
class CampaignRef:
    pk: int
    region_path: str


def parse_campaign(value: str) -> CampaignRef:
    try:
        pk = int(value.strip())
    except ValueError:
        raise RowError("摸排任务编号应为数字", "the campaign number is a number") from None
    row = (ScreeningCampaign.objects.filter(pk=pk).values_list("region__path", "ends_on").first()
           if 0 < pk < 2**63 else None)
    if row is None:
        raise RowError("摸排任务不存在", "no campaign has this number")
    if row[1] is not None and row[1] < timezone.localdate():
        raise RowError("该摸排任务已结束", "this campaign has ended")
    return CampaignRef(pk, row[0])


def parse_grid(value: str) -> str:
    code = value.strip()
    level = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if level is not None and level != RegionLevel.GRID:
        raise RowError("请填写网格代码（最末一级区划）", "give the code of a grid (the lowest level)")
    return code  # unknown codes are the engine's "unknown division code"


def parse_day(value: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value.strip().replace("/", "-")[:10])
    except ValueError:
        raise RowError("日期格式应为 2020-02-03", "write the date as 2020-02-03") from None
    if not datetime.date(2019, 12, 1) <= day <= timezone.localdate() + datetime.timedelta(days=366):
        raise RowError("日期超出范围", "the date is out of range")
    return day


def _name(value: str) -> str:
    name = value.strip()
    if len(name) > 64:
        raise RowError("姓名不能超过64个字", "a name has at most 64 characters")
    return name


def db_key(values: dict) -> str:
    return f"{values['campaign'].pk}:{pii.blind_index(values['id_number'].number, ID_PURPOSE)}"


def _person_id(values: dict) -> int:
    index = pii.blind_index(values["id_number"].number, ID_PURPOSE)
    pk = Person.objects.filter(id_number_index=index).values_list("pk", flat=True).first()
    if pk is None:
        person = Person.objects.create(name=values["name"], region_id=values["region_id"], address=values["address"],
                                       **identity_fields(values["id_number"].number), **phone_fields(values["phone"]))
        touch(Person, region_id=person.region_id, day=person.created_at)
        pk = person.pk
    return pk


def _household_id(values: dict, person_id: int) -> int:
    household = Household.objects.filter(region_id=values["region_id"], address=values["address"]).first()
    if household is None:
        household = Household.objects.create(region_id=values["region_id"], address=values["address"])
        touch(Household, region_id=household.region_id, day=household.created_at)
    HouseholdMember.objects.get_or_create(household=household, person_id=person_id)
    return household.pk


def stored_lead(values: dict) -> dict:
    campaign = values["campaign"]
    grid_path = Region.objects.filter(pk=values["region_id"]).values_list("path", flat=True).get()
    if not grid_path.startswith(campaign.region_path):
        raise RowError("网格不在该摸排任务的区域内", "the grid is outside the campaign's region")
    person_id = _person_id(values)
    return {"campaign_id": campaign.pk, "household_id": _household_id(values, person_id), "person_id": person_id,
            "region_id": values["region_id"], "assigned_to_id": grid_worker_of(values["region_id"]),
            "due_on": values["due_on"] or None, "status": LeadStatus.PENDING, "note": values["note"],
            "lead_key": db_key(values)}


LEADS = ImportSpec(
    dataset="screening_leads",
    label=_("Screening leads (e.g. arrivals from Hubei)"),
    model=Lead,
    columns=(
        Col("campaign", "摸排任务编号", "Campaign number", parse=parse_campaign, mask=str,
            hint_zh="摸排任务页面上的编号", hint_en="the number shown on the campaign's page"),
        Col("name", "姓名", "Name", parse=_name, mask=mask_name),
        Col("id_number", "身份证号", "National ID", parse=parse_national_id, mask=mask_national_id,
            hint_zh="18位居民身份证号码，请用文本格式", hint_en="18-character resident ID number, as text"),
        Col("phone", "手机号", "Mobile phone", parse=parse_mobile, required=False, mask=mask_mobile),
        Col("address", "住址", "Address", parse=truncate(255), hint_zh="门牌地址，同一户写法一致",
            hint_en="street address, written the same way for one household"),
        Col("region_code", "网格代码", "Grid code", parse=parse_grid, mask=str,
            hint_zh="住址所在网格的区划代码，如 520102001001001", hint_en="division code of the grid, e.g. 520102001001001"),
        Col("due_on", "走访期限", "Visit by", parse=parse_day, required=False, mask=str, hint_zh="如 2020-02-03",
            hint_en="e.g. 2020-02-03"),
        Col("note", "备注", "Note", parse=truncate(200), required=False),
    ),
    natural_key="lead_key",
    db_key=db_key,
    row_key=lambda values: (values["campaign"].pk, values["id_number"].number),
    key_column="id_number",
    build=stored_lead,
    permission="prevention.import_lead",
    audit_action="prevention.lead.imported",
    keep_on_update=("status",),  # a re-imported list never reopens a visited lead
)

register(LEADS)
