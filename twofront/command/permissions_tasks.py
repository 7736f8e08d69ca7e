"""Role grants and menu entries for the command centre's tasks area: work groups (专项工作组), joint
consultations (工作会商), supervision tasks and inspections (督促检查).

City, district and street officials run their command post: they set up work groups, hold consultations,
issue supervision tasks to the levels below, inspect and accept or return the work. Community officials
are the lowest unit that receives tasks: they see and report on what is assigned to them. Who acts as the
issuer and who as the assignee of a task is decided per task in twofront.command.services.supervision.
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_VIEW = [f"command.view_{m}" for m in ("workgroup", "consultation", "supervisiontask", "inspection")]
_COMMAND_POST = _VIEW + [
    "command.add_workgroup", "command.change_workgroup",
    "command.add_consultation", "command.change_consultation",
    "command.add_inspection", "command.change_inspection",
    "command.add_supervisiontask", "command.report_supervisiontask", "command.review_supervisiontask",
]

for _role in (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER):
    grant(_role, *_COMMAND_POST)
grant(Role.COMMUNITY_OFFICER, *_VIEW, "command.report_supervisiontask")

register(
    NavItem("command_tasks_mine", _("My tasks"), "supervision_mine", ("command.report_supervisiontask",),
            order=20, icon="✔"),
    NavItem("command_tasks_issued", _("Tasks issued"), "supervision_issued", ("command.add_supervisiontask",),
            order=21, icon="➚"),
    NavItem("command_tasks_overdue", _("Overdue tasks"), "supervision_overdue", ("command.view_supervisiontask",),
            order=22, icon="⚠"),
    NavItem("command_inspections", _("Inspections"), "inspection_list", ("command.view_inspection",),
            order=23, icon="⌕"),
    NavItem("command_consultations", _("Consultations"), "consultation_list", ("command.view_consultation",),
            order=24, icon="☷"),
    NavItem("command_groups", _("Work groups"), "group_list", ("command.view_workgroup",), order=25, icon="◎"),
)
