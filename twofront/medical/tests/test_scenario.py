"""The medical part of the guiyang-2020 scenario: 18 institutions with fever clinics, 12 designated hospitals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from twofront.core.models import Region, User
from twofront.core.regions_seed import load_divisions
from twofront.core.scenarios import ScenarioContext, verify
from twofront.medical import scenario
from twofront.medical.models import CapacityReport, Hospital
from twofront.medical.services import create_hospital
from twofront.metrics import services as metrics


@pytest.fixture
def admin(personas):
    load_divisions()
    return User.objects.create_superuser("scenario_admin", password=None)


def test_hospitals_of_the_article(admin):
    ctx = ScenarioContext("guiyang-2020", actor=admin, scale=0.02)
    scenario.hospitals(ctx)
    metrics.rebuild()

    assert verify(ctx) == []
    assert Hospital.objects.filter(fever_clinic=True).count() == 18
    assert Hospital.objects.filter(designated=True).count() == 12
    assert set(Hospital.objects.values_list("opened_on", flat=True)) == {datetime.date(2020, 1, 24)}
    assert CapacityReport.objects.filter(day=ctx.as_of).count() == 18


def test_a_hospital_counts_from_the_day_it_joined(admin):
    region = Region.objects.get(code="520103")
    with pytest.raises(ValidationError):
        create_hospital(actor=admin, region=region, name="未来医院", designated=True,
                        opened_on=timezone.localdate() + datetime.timedelta(days=1))
    day = datetime.date(2020, 1, 30)
    create_hospital(actor=admin, region=region, name="云岩区人民医院", designated=True, fever_clinic=True, opened_on=day)
    metrics.refresh_dirty()

    ctx = ScenarioContext("guiyang-2020", actor=admin)
    ctx.expect("medical.hospitals_designated", 1, "designated", period=(day, day))
    ctx.expect("medical.fever_clinics", 0, "before", period=(day - datetime.timedelta(days=1),) * 2)
    assert verify(ctx) == []
