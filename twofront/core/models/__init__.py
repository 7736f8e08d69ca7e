from twofront.core.models.accounts import ApiToken, LoginAttempt, RoleAssignment, User
from twofront.core.models.audit import AuditEvent
from twofront.core.models.duty import DutyShift, PostType
from twofront.core.models.idempotency import IdempotencyRecord
from twofront.core.models.people import Person
from twofront.core.models.regions import Organisation, Region
from twofront.core.models.risk import RiskLevel, RiskOverride, RiskRuleSet
from twofront.core.models.scoped import ScopedQuerySet

__all__ = [
    "ApiToken", "AuditEvent", "DutyShift", "IdempotencyRecord", "PostType", "RiskLevel", "RiskOverride",
    "RiskRuleSet", "LoginAttempt", "Organisation", "Person", "Region",
    "RoleAssignment", "ScopedQuerySet", "User",
]
