"""The enterprise part of the guiyang-2020 scenario: nearly 2,000 commissioners with the enterprises above
designated size, resumption, rosters and check-ins."""

import pytest

from twofront.core.identity import parse_credit_code
from twofront.core.models import RoleAssignment, User
from twofront.core.regions_seed import load_divisions
from twofront.core.roles import Role
from twofront.core.scenarios import ScenarioContext, verify
from twofront.enterprise import scenario
from twofront.enterprise.choices import Scale
from twofront.enterprise.models import CommissionerAssignment, Enterprise, HealthCheckin
from twofront.metrics import services as metrics


@pytest.fixture
def admin(personas):
    load_divisions()
    return User.objects.create_superuser("scenario_admin", password=None)


def test_enterprises_and_commissioners(admin):
    ctx = ScenarioContext("guiyang-2020", actor=admin, scale=0.02)
    scenario.enterprises(ctx)
    metrics.rebuild()

    assert verify(ctx) == []
    commissioners = User.objects.filter(commissioner_assignments__isnull=False).distinct()
    assert commissioners.count() == ctx.n(1990)
    assert RoleAssignment.objects.filter(role=Role.COMMISSIONER, user__in=commissioners).count() == ctx.n(1990)
    assert not any(u.has_usable_password() for u in commissioners)
    above = Enterprise.objects.filter(scale=Scale.ABOVE_DESIGNATED)
    assert not above.filter(commissioner_assignments__isnull=True).exists()  # every one has a commissioner
    assert all(parse_credit_code(code) == code for code in Enterprise.objects.values_list("credit_code", flat=True))
    assert CommissionerAssignment.objects.filter(since__year=2020).count() == CommissionerAssignment.objects.count()
    assert HealthCheckin.objects.filter(day=ctx.as_of).exists()
