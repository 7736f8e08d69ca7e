"""Changes to risk decisions: overrides by officials, new rule-set versions."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, risk
from twofront.core.errors import field_error
from twofront.core.models import Person, Region, RiskLevel, RiskOverride, RiskRuleSet
from twofront.core.scope import require


@transaction.atomic
def override_risk(person: Person, *, actor, level: str, reason: str, until: datetime.date) -> RiskOverride:
    require(actor, "core.override_risk", person)
    if level not in RiskLevel.values:
        raise field_error("level", _("Choose green, yellow or red."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise field_error("reason", _("State why (at least 4 characters)."))
    today = timezone.localdate()
    if not today <= until <= today + datetime.timedelta(days=60):
        raise field_error("until", _("An override lasts from today up to 60 days."))
    before = risk.status_for(person)
    override = RiskOverride.objects.create(person=person, level=level, reason=reason, until=until, created_by=actor)
    audit.record(actor, "core.risk.overridden", person, reason=reason,
                 changes={"level": [before.level, level], "until": until})
    return override


@transaction.atomic
def revoke_override(override: RiskOverride, *, actor) -> RiskOverride:
    require(actor, "core.override_risk", override.person)
    override.revoked_at = timezone.now()
    override.save(update_fields=["revoked_at"])
    audit.record(actor, "core.risk.override_revoked", override.person, changes={"override": override.pk})
    return override


@transaction.atomic
def publish_rule_set(*, actor, rules: list[dict], notes: str = "", activate: bool = True) -> RiskRuleSet:
    """Adds a new version (versions are never edited) and, by default, makes it the active one."""
    require(actor, "core.change_riskruleset", region=Region.objects.filter(depth=0).first())
    risk.validate_rules(rules)
    version = (RiskRuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    if activate:
        RiskRuleSet.objects.filter(active=True).update(active=False)
    rule_set = RiskRuleSet.objects.create(version=version, rules=rules, notes=notes, active=activate,
                                          created_by=actor)
    audit.record(actor, "core.risk.rules_published", rule_set, changes={"version": version, "active": activate})
    return rule_set
