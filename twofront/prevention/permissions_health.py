"""Who may do what with key people, nucleic-acid tests and quarantine, and the menu entries that follow.

Officials act over their region (the person's residence for key people and tests, the site's region for
stays); hotel staff over their own site (an Organisation), so they see only its guests.
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_VIEW = ["prevention.view_keycategory", "prevention.view_keypersonentry", "prevention.view_nucleictest",
         "prevention.view_quarantinesite", "prevention.view_quarantinestay"]
_OFFICIAL = _VIEW + [
    "prevention.add_keypersonentry", "prevention.change_keypersonentry",
    "prevention.add_nucleictest", "prevention.change_nucleictest", "prevention.import_nucleictest",
    "prevention.add_quarantinesite", "prevention.change_quarantinesite",
    "prevention.add_quarantinestay", "prevention.change_quarantinestay", "prevention.release_quarantinestay",
]
_HOTEL = ["prevention.view_quarantinesite", "prevention.view_quarantinestay", "prevention.add_quarantinestay",
          "prevention.change_quarantinestay", "prevention.release_quarantinestay"]

# The categories are the city's list (五类人员): only the command centre edits it.
grant(Role.CITY_COMMANDER, *_OFFICIAL, "prevention.add_keycategory", "prevention.change_keycategory")
grant(Role.DISTRICT_OFFICER, *_OFFICIAL)
grant(Role.STREET_OFFICER, *_OFFICIAL)
grant(Role.COMMUNITY_OFFICER, *_VIEW, "prevention.add_keypersonentry")
grant(Role.GRID_WORKER, "prevention.view_keycategory")  # screening visits name a category
grant(Role.HOTEL_STAFF, *_HOTEL)

register(
    NavItem("prevention_quarantine", _("Quarantine today"), "quarantine_today",
            ("prevention.view_quarantinestay",), order=40, icon="🏨"),
    NavItem("prevention_key_people", _("Key people"), "keyperson_list", ("prevention.view_keypersonentry",),
            order=41, icon="⚑"),
    NavItem("prevention_tests", _("Nucleic-acid tests"), "nucleictest_list", ("prevention.view_nucleictest",),
            order=42, icon="🧪"),
    NavItem("prevention_coverage", _("Testing coverage"), "testing_coverage", ("prevention.view_keypersonentry",),
            order=43, icon="◔"),
    NavItem("prevention_categories", _("Key-person categories"), "keycategory_list",
            ("prevention.change_keycategory", "prevention.add_keypersonentry"),
            order=44, icon="☰"),
)
