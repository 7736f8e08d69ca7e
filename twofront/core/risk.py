"""Risk status (green / yellow / red) from declarative, versioned rules over facts that apps contribute.

Apps register fact providers (`register_fact_provider`); no domain app imports another to learn about
a person. A rule set is data (JSON in `RiskRuleSet.rules`):

    {"id": "close_contact", "fact": "key_category", "match": {"value_in": ["close_contact"]},
     "level": "red", "lasts_days": 14, "reason": {"zh": "密切接触者", "en": "close contact"},
     "cleared_by": {"fact": "test_result", "value_in": ["negative"]}}

- `fact` names a fact kind; `match` narrows it by `value_in` or `value_prefix_in` (e.g. division codes).
- `lasts_days`: the rule holds from the fact's date for that many days; without it the rule holds
  while the fact is current (until its `until` date, or open-ended).
- `cleared_by`: a later fact of that kind (on or after the matching fact) lifts the rule.
The worst level of the rules that hold wins; the status says when it will change. An official's
override replaces it until a date.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language

from twofront.core.models import RiskLevel, RiskOverride, RiskRuleSet

ORDER = {RiskLevel.GREEN: 0, RiskLevel.YELLOW: 1, RiskLevel.RED: 2}


@dataclass(frozen=True)
class Fact:
    kind: str
    at: datetime.date
    value: str = ""
    until: datetime.date | None = None
    label: str = ""


@dataclass(frozen=True)
class Reason:
    rule: str
    level: str
    text: str
    since: datetime.date
    until: datetime.date | None  # the day the rule stops holding; None: while the fact lasts


@dataclass
class RiskStatus:
    level: str
    reasons: list[Reason] = field(default_factory=list)
    changes_on: datetime.date | None = None
    rule_version: int = 0
    overridden: bool = False
    override_reason: str = ""


FactProvider = Callable[[list[int], datetime.date], dict[int, list[Fact]]]
_PROVIDERS: dict[str, FactProvider] = {}


def register_fact_provider(name: str, provider: FactProvider) -> None:
    """`provider(person_ids, since)` returns facts per person id (only those dated on/after `since`
    or still current matter)."""
    _PROVIDERS[name] = provider


DEFAULT_RULES: list[dict] = [
    {"id": "confirmed_or_suspected", "fact": "key_category", "match": {"value_in": ["confirmed", "suspected"]},
     "level": "red", "reason": {"zh": "确诊或疑似病例", "en": "confirmed or suspected case"}},
    {"id": "in_quarantine", "fact": "quarantine", "level": "red",
     "reason": {"zh": "正在集中隔离", "en": "in quarantine"}},
    {"id": "positive_test", "fact": "test_result", "match": {"value_in": ["positive"]}, "level": "red",
     "lasts_days": 28, "reason": {"zh": "核酸检测阳性", "en": "positive nucleic-acid test"},
     "cleared_by": {"fact": "case_closed"}},
    {"id": "close_contact", "fact": "key_category", "match": {"value_in": ["close_contact"]}, "level": "red",
     "lasts_days": 14, "reason": {"zh": "密切接触者", "en": "close contact"}},
    {"id": "fever_not_excluded", "fact": "key_category", "match": {"value_in": ["fever"]}, "level": "yellow",
     "reason": {"zh": "不能排除感染的发热患者", "en": "fever patient, infection not excluded"},
     "cleared_by": {"fact": "test_result", "value_in": ["negative"]}},
    {"id": "high_risk_arrival", "fact": "key_category", "match": {"value_in": ["high_risk_arrival"]},
     "level": "yellow", "lasts_days": 14, "reason": {"zh": "来自疫情高发地区", "en": "arrival from a high-risk area"},
     "cleared_by": {"fact": "test_result", "value_in": ["negative"]}},
    {"id": "hubei_travel", "fact": "travel", "match": {"value_prefix_in": ["42"]}, "level": "yellow",
     "lasts_days": 14, "reason": {"zh": "14天内有湖北旅居史", "en": "in Hubei within 14 days"},
     "cleared_by": {"fact": "test_result", "value_in": ["negative"]}},
    {"id": "abnormal_checkin", "fact": "abnormal_checkin", "level": "yellow", "lasts_days": 3,
     "reason": {"zh": "健康打卡异常", "en": "abnormal health check-in"}},
]

_LEVELS = {c.value for c in RiskLevel}


def validate_rules(rules) -> list[dict]:
    """Checks a rule set's shape; raises ValidationError naming the bad rule."""
    if not isinstance(rules, list) or not rules:
        raise ValidationError({"rules": ["规则集应为非空列表 / a rule set is a non-empty list"]})
    seen = set()
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        if not isinstance(rule, dict):
            raise ValidationError({where: ["每条规则应为对象 / each rule is an object"]})
        missing = {"id", "fact", "level", "reason"} - set(rule)
        if missing:
            raise ValidationError({where: [f"缺少字段 / missing: {', '.join(sorted(missing))}"]})
        if rule["level"] not in _LEVELS or rule["level"] == RiskLevel.GREEN:
            raise ValidationError({where: ["level 应为 yellow 或 red / level is yellow or red"]})
        if rule["id"] in seen:
            raise ValidationError({where: ["规则编号重复 / duplicate id"]})
        seen.add(rule["id"])
        days = rule.get("lasts_days")
        if days is not None and (not isinstance(days, int) or not 1 <= days <= 365):
            raise ValidationError({where: ["lasts_days 为 1–365 / lasts_days is 1 to 365"]})
        match = rule.get("match", {})
        if not isinstance(match, dict) or set(match) - {"value_in", "value_prefix_in"}:
            raise ValidationError({where: ["match 只支持 value_in / value_prefix_in"]})
        if not isinstance(rule["reason"], dict) or not rule["reason"].get("zh"):
            raise ValidationError({where: ["reason 需要 zh 文本 / reason needs zh text"]})
    return rules


def active_rule_set() -> tuple[int, list[dict]]:
    current = RiskRuleSet.objects.filter(active=True).values_list("version", "rules").first()
    return current if current else (0, DEFAULT_RULES)


def _matches(spec: dict, fact: Fact) -> bool:
    if "value_in" in spec and fact.value not in spec["value_in"]:
        return False
    return not ("value_prefix_in" in spec and not any(fact.value.startswith(p) for p in spec["value_prefix_in"]))


def _text(rule: dict) -> str:
    reason = rule["reason"]
    return reason.get("en", reason["zh"]) if (get_language() or "").startswith("en") else reason["zh"]


def evaluate(facts: Iterable[Fact], rules: list[dict], today: datetime.date, version: int = 0) -> RiskStatus:
    """Pure function: the status the rules give these facts on `today`."""
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_kind[fact.kind].append(fact)
    reasons: list[Reason] = []
    for rule in rules:
        for fact in by_kind.get(rule["fact"], ()):
            if fact.at > today or not _matches(rule.get("match", {}), fact):
                continue
            if rule.get("lasts_days"):
                until = fact.at + datetime.timedelta(days=rule["lasts_days"])
            else:
                until = fact.until + datetime.timedelta(days=1) if fact.until else None
            if until is not None and until <= today:
                continue
            clear = rule.get("cleared_by")
            if clear and any(c.at >= fact.at and c.at <= today and _matches(clear, c)
                             for c in by_kind.get(clear["fact"], ())):
                continue
            reasons.append(Reason(rule["id"], rule["level"], _text(rule), fact.at, until))
    if not reasons:
        return RiskStatus(RiskLevel.GREEN, [], None, version)
    worst = max(reasons, key=lambda r: ORDER[r.level]).level
    at_worst = [r.until for r in reasons if r.level == worst]
    changes_on = None if None in at_worst else max(at_worst)
    reasons.sort(key=lambda r: (-ORDER[r.level], r.since))
    return RiskStatus(worst, reasons, changes_on, version)


def facts_for(person_ids: list[int], today: datetime.date) -> dict[int, list[Fact]]:
    since = today - datetime.timedelta(days=60)
    merged: dict[int, list[Fact]] = defaultdict(list)
    for provider in _PROVIDERS.values():
        for person_id, facts in provider(person_ids, since).items():
            merged[person_id].extend(facts)
    return merged


def statuses_for(person_ids: list[int], today: datetime.date | None = None) -> dict[int, RiskStatus]:
    """Statuses of many persons at once (one query per provider, not per person)."""
    today = today or timezone.localdate()
    version, rules = active_rule_set()
    facts = facts_for(person_ids, today)
    result = {pid: evaluate(facts.get(pid, ()), rules, today, version) for pid in person_ids}
    overrides = RiskOverride.objects.filter(person_id__in=person_ids, revoked_at__isnull=True, until__gte=today)
    for override in overrides.order_by("created_at"):
        status = result[override.person_id]
        status.level, status.overridden, status.override_reason = override.level, True, override.reason
        status.changes_on = override.until + datetime.timedelta(days=1)
    return result


def status_for(person, today: datetime.date | None = None) -> RiskStatus:
    return statuses_for([person.pk], today)[person.pk]
