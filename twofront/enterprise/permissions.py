"""What each role may do in the enterprise platform."""

from twofront.core.roles import Role, grant

_VIEW = [f"enterprise.view_{m}" for m in ("enterprise", "resumptiondeclaration", "employee", "healthcheckin",
                                          "supplyrequest", "commissionerassignment", "visit", "appeal", "supplier")]
_OFFICIAL = _VIEW + [
    "enterprise.add_enterprise", "enterprise.change_enterprise", "enterprise.import_enterprise",
    "enterprise.review_resumptiondeclaration", "enterprise.change_employee", "enterprise.add_employee",
    "enterprise.import_employee", "enterprise.review_supplyrequest", "enterprise.allocate_supplyrequest",
    "enterprise.add_commissionerassignment", "enterprise.handle_appeal", "enterprise.add_supplier",
    "enterprise.change_supplier",
]

for _role in (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER):
    grant(_role, *_OFFICIAL)
grant(Role.COMMUNITY_OFFICER, *_VIEW)
grant(Role.ENTERPRISE_ADMIN, *_VIEW, "enterprise.change_enterprise", "enterprise.add_resumptiondeclaration",
      "enterprise.change_resumptiondeclaration", "enterprise.add_employee", "enterprise.change_employee",
      "enterprise.import_employee", "enterprise.add_healthcheckin", "enterprise.add_supplyrequest",
      "enterprise.receive_supplyrequest", "enterprise.add_appeal", "enterprise.rate_appeal")
grant(Role.COMMISSIONER, *_VIEW, "enterprise.add_visit", "enterprise.add_appeal", "enterprise.handle_appeal")
