"""What checkpoint passages tell the risk engine in core (core.risk) about a person:

- "travel": at = the day of the passage; value = the division code of the origin (2-digit province, or
  4-digit city where known, e.g. 湖北 -> "42", 武汉 -> "4201") and one fact per place in the declared
  14-day travel history; so the default rule "hubei_travel" (value prefix "42") turns a Hubei arrival yellow.
- "referral": at = the day of the passage; value = "handover" or "quarantine" (the checkpoint's decision).

Only confirmed passages count: a self-registration is an unchecked claim until staff confirm it.
"""

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.risk import Fact, register_fact_provider
from twofront.prevention.choices import Decision, PassageStatus
from twofront.prevention.models import PassageTraveller

# Provincial-level divisions (GB/T 2260): short name -> code. Short names are never a prefix of each other.
PROVINCES = {
    "北京": "11", "天津": "12", "河北": "13", "山西": "14", "内蒙古": "15", "辽宁": "21", "吉林": "22",
    "黑龙江": "23", "上海": "31", "江苏": "32", "浙江": "33", "安徽": "34", "福建": "35", "江西": "36",
    "山东": "37", "河南": "41", "湖北": "42", "湖南": "43", "广东": "44", "广西": "45", "海南": "46",
    "重庆": "50", "四川": "51", "贵州": "52", "云南": "53", "西藏": "54", "陕西": "61", "甘肃": "62",
    "青海": "63", "宁夏": "64", "新疆": "65", "台湾": "71", "香港": "81", "澳门": "82",
}
# Cities worth telling apart for rules: Hubei's prefecture-level divisions (the epidemic's origin).
CITIES = {
    "武汉": "4201", "黄石": "4202", "十堰": "4203", "宜昌": "4205", "襄阳": "4206", "鄂州": "4207",
    "荆门": "4208", "孝感": "4209", "荆州": "4210", "黄冈": "4211", "咸宁": "4212", "随州": "4213",
    "恩施": "4228", "仙桃": "4290", "潜江": "4290", "天门": "4290", "神农架": "4290",
}
REFERRALS = (Decision.HANDOVER, Decision.QUARANTINE)


def province_name(text: str) -> str:
    """The short province name a text starts with ("湖北省武汉市" -> "湖北"), or ""."""
    text = (text or "").strip()
    return next((name for name in PROVINCES if text.startswith(name)), "")


def division_code(place: str) -> str:
    """The most precise code we know for a place name: city, else province, else ""."""
    place = (place or "").strip()
    province = province_name(place)
    rest = place[len(province):].lstrip("省市") if province else place
    for prefix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区"):
        rest = rest.removeprefix(prefix)
    city = next((code for name, code in CITIES.items() if rest.startswith(name)), "")
    if city and (not province or city.startswith(PROVINCES[province])):
        return city
    return PROVINCES.get(province, "")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def passage_facts(person_ids: list[int], since: datetime.date) -> dict[int, list[Fact]]:
    facts: dict[int, list[Fact]] = defaultdict(list)
    rows = (PassageTraveller.objects
            .filter(person_id__in=person_ids, passage__status=PassageStatus.CONFIRMED,
                    passage__registered_at__gte=_start_of(since))
            .values_list("person_id", "decision", "travel_history", "passage__registered_at",
                         "passage__origin_province", "passage__origin_city", "passage__checkpoint__name"))
    for person_id, decision, history, registered_at, province, city, checkpoint in rows:
        day = timezone.localdate(registered_at)
        origin = f"{province}{city}"
        facts[person_id].append(Fact("travel", day, division_code(origin), label=origin))
        for place in history or ():
            facts[person_id].append(Fact("travel", day, division_code(place), label=place))
        if decision in REFERRALS:
            facts[person_id].append(Fact("referral", day, decision, label=checkpoint))
    return facts


register_fact_provider("passages", passage_facts, presence=[
    f"SELECT person_id FROM {PassageTraveller._meta.db_table} WHERE person_id IN {{ids}}"],  # noqa: S608
    kinds={"travel": _("Travel (origin or places stayed, by division code)"), "referral": _("Checkpoint decision")})
