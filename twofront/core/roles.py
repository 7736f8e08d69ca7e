"""Roles and what each may do. Domain apps add their permissions with `grant()` in AppConfig.ready()."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_COMMANDER = "city_commander", _("City command centre")
    DISTRICT_OFFICER = "district_officer", _("District official")
    STREET_OFFICER = "street_officer", _("Street / town official")
    COMMUNITY_OFFICER = "community_officer", _("Community official")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT_STAFF = "checkpoint_staff", _("Checkpoint staff")
    HOSPITAL_STAFF = "hospital_staff", _("Hospital / fever-clinic staff")
    HOTEL_STAFF = "hotel_staff", _("Quarantine-hotel staff")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise HR / manager")
    COMMISSIONER = "commissioner", _("Enterprise commissioner")
    BANK_OFFICER = "bank_officer", _("Bank officer")
    HOTLINE_OPERATOR = "hotline_operator", _("12345 hotline operator")
    AUDITOR = "auditor", _("Auditor")


# Roles that act for a unit rather than a region: their assignment names an organisation.
ORGANISATION_ROLES = {Role.HOSPITAL_STAFF, Role.HOTEL_STAFF, Role.ENTERPRISE_ADMIN, Role.BANK_OFFICER,
                      Role.CHECKPOINT_STAFF}
# Roles that act for themselves: where a model names its people (`scope_user_field`), such a user sees
# only the records assigned to them (a commissioner's enterprises), whatever region they hold.
PERSONAL_ROLES = {Role.COMMISSIONER}
# Roles that must use two-factor sign-in when TWOFRONT_REQUIRE_2FA is on (everyone but citizens).
STAFF_ROLES = set(Role)

_PERSON_ALL = {"core.view_person", "core.add_person", "core.change_person", "core.delete_person",
               "core.reveal_person", "core.import_person", "core.export_person"}
_OFFICIAL = _PERSON_ALL | {"core.view_region", "core.view_organisation", "core.view_metric", "core.view_importjob"}

PERMISSIONS: dict[str, set[str]] = {
    Role.CITY_COMMANDER: _OFFICIAL | {"core.override_risk", "core.change_riskruleset", "core.view_dutyshift",
                                      "core.change_dutyshift"},
    Role.DISTRICT_OFFICER: _OFFICIAL | {"core.override_risk", "core.view_dutyshift", "core.change_dutyshift"},
    Role.STREET_OFFICER: _OFFICIAL | {"core.override_risk", "core.view_dutyshift", "core.change_dutyshift"},
    Role.COMMUNITY_OFFICER: _OFFICIAL | {"core.view_dutyshift", "core.change_dutyshift"},
    Role.GRID_WORKER: {"core.view_person", "core.add_person", "core.change_person", "core.view_region"},
    Role.CHECKPOINT_STAFF: {"core.view_person", "core.add_person", "core.view_region"},
    Role.HOSPITAL_STAFF: {"core.view_organisation"},
    Role.HOTEL_STAFF: {"core.view_organisation"},
    Role.ENTERPRISE_ADMIN: {"core.view_organisation"},
    Role.COMMISSIONER: {"core.view_region", "core.view_metric"},
    Role.BANK_OFFICER: {"core.view_organisation"},
    Role.HOTLINE_OPERATOR: {"core.view_region"},
    Role.AUDITOR: {"core.view_auditevent", "core.view_region"},
}


def grant(role: str, *permissions: str) -> None:
    PERMISSIONS.setdefault(role, set()).update(permissions)


def role_grants(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, ())
