"""The command centre's part of the guiyang-2020 scenario: 8 special work groups of 114 staff."""

from twofront.command import scenario
from twofront.command.choices import MemberRole
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.core.models import User
from twofront.core.scenarios import ScenarioContext, verify


def test_eight_work_groups_of_114(personas):
    admin = User.objects.create_superuser("scenario_admin", password=None)
    ctx = ScenarioContext("guiyang-2020", actor=admin)
    scenario.work_groups(ctx)

    assert verify(ctx) == []
    special = WorkGroup.objects.filter(name__in=[g[0] for g in scenario.GROUPS])
    assert special.count() == 8
    assert WorkGroupMember.objects.filter(group__in=special).count() == 114
    assert WorkGroupMember.objects.filter(group__in=special, role=MemberRole.LEADER).count() == 8
    assert {g.created_at.date() for g in special} == {ctx.start.replace(day=22)}
