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
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from twofront.core.db import hot_cursor
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
# Per provider, SQL that selects the ids, among `{ids}`, of persons with any row it could make facts of.
_PRESENCE: dict[str, list[str]] = {}
_SQL: dict[int, tuple[str, int]] = {}  # persons -> (statement, times the ids are bound)
_KINDS: dict[str, dict[str, str]] = {}  # provider -> {fact kind: label} it declares
_CHUNK = 200


def register_fact_provider(name: str, provider: FactProvider, *, presence: Iterable[str] = (),
                           kinds: dict[str, str] | None = None) -> None:
    """`provider(person_ids, since)` returns facts per person id (only those dated on/after `since`
    or still current matter). `presence`: one-column SELECTs of person ids with a `{ids}` placeholder
    (e.g. "SELECT person_id FROM t WHERE person_id IN {ids}"), covering every row the provider reads; then
    the provider is asked only about persons they return. Most people at a checkpoint have no records, so
    one query over every provider's tables replaces a query (and its ORM compilation) per provider.
    `kinds`: the fact kinds it produces, with their labels, for the rules page and for checking a new rule set
    (a rule on a kind nobody produces would never hold)."""
    _PROVIDERS[name] = provider
    _PRESENCE[name] = list(presence)
    _KINDS[name] = dict(kinds or {})
    _SQL.clear()


def fact_kinds() -> dict[str, str]:
    """Every fact kind the registered providers declare -> its label."""
    return {kind: label for kinds in _KINDS.values() for kind, label in kinds.items()}


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
    seen, known = set(), fact_kinds()
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
        _check_match(rule.get("match", {}), where)
        clear = rule.get("cleared_by")
        if clear is not None:
            if not isinstance(clear, dict) or "fact" not in clear:
                raise ValidationError({where: ["cleared_by 需要 fact / cleared_by needs a fact"]})
            _check_match({k: v for k, v in clear.items() if k != "fact"}, where)
        for kind in (rule["fact"], (clear or {}).get("fact")):
            if known and kind is not None and kind not in known:
                raise ValidationError({where: [f"未知事实类型 / unknown fact kind: {kind} "
                                               f"({', '.join(sorted(known))})"]})
        if not isinstance(rule["reason"], dict) or not rule["reason"].get("zh"):
            raise ValidationError({where: ["reason 需要 zh 文本 / reason needs zh text"]})
    return rules


def _check_match(match, where: str) -> None:
    if not isinstance(match, dict) or set(match) - {"value_in", "value_prefix_in"}:
        raise ValidationError({where: ["match 只支持 value_in / value_prefix_in"]})
    for values in match.values():
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise ValidationError({where: ["value_in / value_prefix_in 为非空文本列表 / a non-empty list of texts"]})


def describe(rule: dict) -> dict:
    """A rule as the rules page shows it: its fields in words (the fact kind's label, days, what clears it)."""
    kinds = fact_kinds()

    def values(spec: dict) -> str:
        parts = [", ".join(spec.get("value_in", []))] + [f"{p}…" for p in spec.get("value_prefix_in", [])]
        return ", ".join(p for p in parts if p)

    clear = rule.get("cleared_by") or {}
    return {"id": rule["id"], "level": rule["level"], "fact": rule["fact"], "fact_label": kinds.get(rule["fact"], ""),
            "values": values(rule.get("match", {})), "lasts_days": rule.get("lasts_days"),
            "cleared_by": clear.get("fact", ""), "cleared_by_label": kinds.get(clear.get("fact", ""), ""),
            "cleared_by_values": values(clear), "reason_zh": rule["reason"]["zh"],
            "reason_en": rule["reason"].get("en", "")}


_RULE_SETS: dict[int, tuple[int, list[dict]]] = {}  # rule set id -> (version, rules); a version never changes


def _forget_rule_sets(**_kwargs) -> None:
    _RULE_SETS.clear()


post_save.connect(_forget_rule_sets, sender=RiskRuleSet, dispatch_uid="core.risk.rule_sets")
post_delete.connect(_forget_rule_sets, sender=RiskRuleSet, dispatch_uid="core.risk.rule_sets.deleted")


def _rule_set(rule_set_id: int | None) -> tuple[int, list[dict]]:
    if rule_set_id is None:
        return 0, DEFAULT_RULES
    if rule_set_id not in _RULE_SETS:
        found = RiskRuleSet.objects.filter(pk=rule_set_id).values_list("version", "rules").first()
        if found is None:
            return active_rule_set()
        _RULE_SETS[rule_set_id] = found
    return _RULE_SETS[rule_set_id]


def active_rule_set() -> tuple[int, list[dict]]:
    current = RiskRuleSet.objects.filter(active=True).values_list("pk", flat=True).first()
    return _rule_set(current) if current is not None else (0, DEFAULT_RULES)


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


_RULES, _OVERRIDES = "core.rules", "core.overrides"


def _presence_sql(count: int) -> tuple[str, int]:
    """One statement: the active rule set's id, then (part, person id) for every presence SELECT that has the
    person. Parts are numbered in registration order; a provider without presence SELECTs is always asked."""
    if count not in _SQL:
        ids = f"({', '.join(['%s'] * count)})"
        parts = [f"SELECT 0, id FROM {RiskRuleSet._meta.db_table} WHERE active",  # noqa: S608 (model's table)
                 f"SELECT 1, person_id FROM {RiskOverride._meta.db_table} WHERE person_id IN {ids}"]  # noqa: S608
        uses = 1
        for number, name in enumerate(_PROVIDERS, start=2):
            parts += [f"SELECT {number}, p.* FROM ({sql.format(ids=ids)}) p" for sql in _PRESENCE[name]]  # noqa: S608
            uses += sum(sql.count("{ids}") for sql in _PRESENCE[name])
        _SQL[count] = (" UNION ".join(parts), uses)
    return _SQL[count]


def _present(person_ids: list[int]) -> tuple[int | None, dict[str, set[int]]]:
    """The active rule set's id and, per provider (and overrides), which of the persons it may have facts of."""
    sql, uses = _presence_sql(len(person_ids))
    with hot_cursor() as cursor:
        cursor.execute(sql, person_ids * uses)
        rows = cursor.fetchall()
    names = [_RULES, _OVERRIDES, *_PROVIDERS]
    found: dict[str, set[int]] = defaultdict(set)
    for part, value in rows:
        found[names[part]].add(value)
    rule_set = next(iter(found.pop(_RULES, ())), None)
    for name in _PROVIDERS:
        if not _PRESENCE[name]:
            found[name] = set(person_ids)
    return rule_set, found


def facts_for(person_ids: list[int], today: datetime.date,
              present: dict[str, set[int]] | None = None) -> dict[int, list[Fact]]:
    """Every provider's facts of the persons; `present` (from _present) skips providers with nothing on them."""
    since = today - datetime.timedelta(days=60)
    merged: dict[int, list[Fact]] = defaultdict(list)
    for name, provider in _PROVIDERS.items():
        asked = person_ids if present is None else [p for p in person_ids if p in present.get(name, ())]
        if not asked:
            continue
        for person_id, facts in provider(asked, since).items():
            merged[person_id].extend(facts)
    return merged


def statuses_for(person_ids: list[int], today: datetime.date | None = None) -> dict[int, RiskStatus]:
    """Statuses of many persons at once: one query tells which providers have anything on them, then one
    query per such provider (none for people without records)."""
    today = today or timezone.localdate()
    person_ids = list(dict.fromkeys(person_ids))
    if len(person_ids) > _CHUNK:  # bounded statements (and SQLite's limit on bound values)
        result: dict[int, RiskStatus] = {}
        for start in range(0, len(person_ids), _CHUNK):
            result.update(statuses_for(person_ids[start:start + _CHUNK], today))
        return result
    if not person_ids:
        return {}
    rule_set, present = _present(person_ids)
    version, rules = _rule_set(rule_set)
    facts = facts_for(person_ids, today, present)
    result = {pid: evaluate(facts.get(pid, ()), rules, today, version) for pid in person_ids}
    if not present.get(_OVERRIDES):
        return result
    overrides = RiskOverride.objects.filter(person_id__in=present[_OVERRIDES], revoked_at__isnull=True,
                                            until__gte=today)
    for override in overrides.order_by("created_at"):
        status = result[override.person_id]
        status.level, status.overridden, status.override_reason = override.level, True, override.reason
        status.changes_on = override.until + datetime.timedelta(days=1)
    return result


def status_for(person, today: datetime.date | None = None) -> RiskStatus:
    return statuses_for([person.pk], today)[person.pk]
