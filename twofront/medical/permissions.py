"""What each role may do with hospitals, fever-clinic visits, cases and capacity reports, and the menu.

Hospital staff act for their hospital (an Organisation); officials over their region: a case is theirs
when the patient lives there or the hospital is there (Case.scope_region_field names both).
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_VIEW = ["medical.view_hospital", "medical.view_feverclinicvisit", "medical.view_case", "medical.view_capacityreport"]
# Officials watch the hospitals' daily reports; the hospitals write them.
_OFFICIAL = _VIEW + ["medical.monitor_capacityreport"]

grant(Role.CITY_COMMANDER, *_OFFICIAL, "medical.add_hospital", "medical.change_hospital", "medical.add_case",
      "medical.change_case")  # the city's CDC may report and correct cases
grant(Role.DISTRICT_OFFICER, *_OFFICIAL, "medical.add_hospital", "medical.change_hospital")
grant(Role.STREET_OFFICER, *_OFFICIAL)
grant(Role.COMMUNITY_OFFICER, "medical.view_case")  # their residents' cases
grant(Role.HOSPITAL_STAFF, *_VIEW, "medical.add_feverclinicvisit", "medical.add_case", "medical.change_case",
      "medical.add_capacityreport", "medical.change_capacityreport")

register(
    NavItem("medical_cases", _("Cases"), "medical:case_list", ("medical.view_case",), order=50, icon="✚"),
    NavItem("medical_visits", _("Fever-clinic visits"), "medical:visit_list", ("medical.view_feverclinicvisit",),
            order=51, icon="🌡"),
    NavItem("medical_reports", _("Capacity reports"), "medical:report_list", ("medical.view_capacityreport",),
            order=52, icon="🛏"),
    NavItem("medical_late", _("Late capacity reports"), "medical:report_status", ("medical.monitor_capacityreport",),
            order=53, icon="⏰"),
    NavItem("medical_hospitals", _("Hospitals"), "medical:hospital_list", ("medical.view_hospital",), order=54,
            icon="🏥"),
)
