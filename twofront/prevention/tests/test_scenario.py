"""The prevention part of the guiyang-2020 scenario, and the checkpoint day the checkpoint metric counts from."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from twofront.core.models import Region, User
from twofront.core.regions_seed import ensure_demo_grids, load_divisions
from twofront.core.scenarios import ScenarioContext, verify
from twofront.metrics import services as metrics
from twofront.prevention import scenario
from twofront.prevention.choices import CheckpointKind, CompoundKind
from twofront.prevention.models import ClosurePeriod, CompoundGroup, MonitoringPost, QuarantineSite
from twofront.prevention.services.checkpoints import create_checkpoint


@pytest.fixture
def admin(personas):
    load_divisions()
    ensure_demo_grids()
    return User.objects.create_superuser("scenario_admin", password=None)


def test_prevention_steps_reproduce_the_article(admin):
    ctx = ScenarioContext("guiyang-2020", actor=admin, scale=0.02)
    for each in (scenario.compounds, scenario.screening, scenario.checkpoints, scenario.quarantine,
                 scenario.key_people, scenario.venues):
        each(ctx)
    metrics.rebuild()

    assert verify(ctx) == []
    assert CompoundGroup.objects.filter(kind=CompoundKind.URBAN).count() == ctx.n(4586)
    assert CompoundGroup.objects.filter(kind=CompoundKind.VILLAGE).count() == ctx.n(8957)
    assert ClosurePeriod.objects.filter(ends_on__isnull=True).count() == ctx.n(4586) + ctx.n(8957)
    assert not CompoundGroup.objects.filter(kind=CompoundKind.VILLAGE).exclude(region__name__endswith="村").exists()
    sites = QuarantineSite.objects.all()
    assert sites.count() == 12 and all(s.for_hubei_travellers and s.rooms == s.capacity for s in sites)
    # Records carry the scenario's days, not the day of loading.
    first_post = MonitoringPost.objects.order_by("created_at").first()
    assert first_post.created_at.year == 2020
    assert {e.source for e in ctx.expectations} == {"article", "synthetic"}


def test_checkpoints_count_from_the_day_they_were_set_up(admin):
    region = Region.objects.get(code="520102")
    with pytest.raises(ValidationError):
        create_checkpoint(actor=admin, name="未来卡口", kind=CheckpointKind.ROAD, region=region,
                          opened_on=timezone.localdate() + datetime.timedelta(days=1))
    day = datetime.date(2020, 1, 25)
    create_checkpoint(actor=admin, name="贵阳站出站口", kind=CheckpointKind.STATION, region=region, opened_on=day)
    metrics.refresh_dirty()  # the service touched the cell: no rebuild needed

    ctx = ScenarioContext("guiyang-2020", actor=admin)
    ctx.expect("prevention.checkpoints", 1, "set up", period=(day, day))
    ctx.expect("prevention.checkpoints", 0, "not yet", period=(day - datetime.timedelta(days=1),) * 2)
    assert verify(ctx) == []
