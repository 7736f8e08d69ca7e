"""Role grants and menu entries for the command centre's dashboard area: the dashboard (指挥大屏) and the
daily briefings (每日简报).

The dashboard reads metrics, so whoever holds `core.view_metric` (officials, commissioners) sees it for
their own jurisdiction. Briefings are produced for the city and each district: city and district officials
read those of their jurisdiction and may generate one on demand; the morning job generates them for all.
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

for _role in (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER):
    grant(_role, "command.view_briefing", "command.add_briefing")
for _role in (Role.STREET_OFFICER, Role.COMMUNITY_OFFICER):
    grant(_role, "command.view_briefing")

register(
    NavItem("command_dashboard", _("Command dashboard"), "command_dashboard", ("core.view_metric",), order=1,
            icon="▣"),
    NavItem("command_briefings", _("Daily briefings"), "command_briefings", ("command.view_briefing",), order=2,
            icon="▤"),
)
