"""Role grants and menu entries for the command centre's operations area: duty and shift leadership
(值班带班, on core's roster: core.view_dutyshift / core.change_dutyshift are granted by core), information
reporting (信息报送) and emergency handling (应急处置).

District officials draft and submit their district's daily report; the city command centre reads every
district's, returns a report for correction and exports the day's table. Incidents are reported and handled
by the city, district and street officials of the region where they happen.
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_INCIDENTS = ["command.view_incident", "command.add_incident", "command.change_incident", "command.close_incident"]

grant(Role.CITY_COMMANDER, "command.view_informationreport", "command.return_informationreport",
      "command.export_informationreport", *_INCIDENTS)
grant(Role.DISTRICT_OFFICER, "command.view_informationreport", "command.add_informationreport", *_INCIDENTS)
grant(Role.STREET_OFFICER, *_INCIDENTS)

register(
    NavItem("command_duty_now", _("On duty now"), "command_duty_now", ("core.view_dutyshift",), order=3, icon="☎"),
    NavItem("command_duty", _("Duty roster"), "command_duty_calendar", ("core.view_dutyshift",), order=4, icon="▦"),
    NavItem("command_reports", _("Daily reports"), "command_reports", ("command.view_informationreport",), order=5,
            icon="✉"),
    NavItem("command_incidents", _("Incidents"), "command_incident_list", ("command.view_incident",), order=6,
            icon="⚠"),
)
