"""Who may do what at checkpoints, and the menu entries that follow.

Officials act over their region: the checkpoints in it, and the passages at those checkpoints or bound for
it (Passage.scope_region_field). Checkpoint staff act over their own checkpoint (an Organisation): they
register and confirm passages there and see only its records; travellers self-register without an account.
"""

from django.utils.translation import gettext_lazy as _

from twofront.core.navigation import NavItem, register
from twofront.core.roles import Role, grant

_VIEW = ["prevention.view_checkpoint", "prevention.view_passage"]
_OFFICIAL = [*_VIEW, "prevention.add_checkpoint", "prevention.change_checkpoint"]

for _role in (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER):
    grant(_role, *_OFFICIAL)
grant(Role.COMMUNITY_OFFICER, *_VIEW)  # they receive the travellers handed over to the community
grant(Role.CHECKPOINT_STAFF, *_VIEW, "prevention.add_passage", "prevention.confirm_passage")

register(
    NavItem("prevention_checkpoint_desk", _("Register passages"), "checkpoint_desk", ("prevention.add_passage",),
            order=30, icon="🚗"),
    NavItem("prevention_checkpoints", _("Checkpoints"), "checkpoint_list", ("prevention.view_checkpoint",),
            order=31, icon="⛳"),
    NavItem("prevention_passages", _("Passages"), "passage_list", ("prevention.view_passage",), order=32,
            icon="🛂"),
)
