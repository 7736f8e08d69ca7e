"""Who may do what in the community line of defence (closed management, grid screening, venues), and its menu.

Officials (city, district, street, community) run it over their region. Grid workers work their grid:
households and visits, the daily counts of the posts in it, and the leads assigned there. A visit may
place people in a key category, so grid workers also hold `add_keypersonentry` (over their grid).
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_VIEW = [f"prevention.view_{m}" for m in ("compoundgroup", "closureperiod", "monitoringpost", "postdailycount",
                                          "household", "screeningcampaign", "lead", "screeningvisit", "venue")]
_OFFICIAL = _VIEW + [
    "prevention.add_compoundgroup", "prevention.change_compoundgroup", "prevention.add_monitoringpost",
    "prevention.add_postdailycount", "prevention.add_household", "prevention.change_household",
    "prevention.add_screeningcampaign", "prevention.add_lead", "prevention.import_lead", "prevention.assign_lead",
    "prevention.change_lead", "prevention.add_screeningvisit", "prevention.add_venue", "prevention.change_venue",
]
_GRID_WORKER = ["prevention.view_compoundgroup", "prevention.view_monitoringpost", "prevention.view_postdailycount",
                "prevention.add_postdailycount", "prevention.view_household", "prevention.add_household",
                "prevention.change_household", "prevention.view_lead", "prevention.change_lead",
                "prevention.view_screeningvisit", "prevention.add_screeningvisit", "prevention.add_keypersonentry",
                "core.view_dutyshift"]

for _role in (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER, Role.COMMUNITY_OFFICER):
    grant(_role, *_OFFICIAL)
grant(Role.GRID_WORKER, *_GRID_WORKER)

register(
    NavItem("prevention_grid_today", _("Today's visits"), "grid_today", ("prevention.add_screeningvisit",),
            order=30, icon="➤"),
    NavItem("prevention_posts", _("Monitoring posts"), "post_list", ("prevention.view_monitoringpost",),
            order=31, icon="◉"),
    NavItem("prevention_compounds", _("Compound groups"), "compound_list", ("prevention.view_compoundgroup",),
            order=32, icon="▣"),
    NavItem("prevention_households", _("Households"), "household_list", ("prevention.view_household",),
            order=33, icon="▤"),
    NavItem("prevention_campaigns", _("Screening campaigns"), "campaign_list", ("prevention.view_screeningcampaign",),
            order=34, icon="◫"),
    NavItem("prevention_screening_rates", _("Screening completion"), "screening_rates",
            ("prevention.view_screeningcampaign",), order=35, icon="◕"),
    NavItem("prevention_venues", _("Venue closures"), "venue_list", ("prevention.view_venue",), order=36, icon="▥"),
)
