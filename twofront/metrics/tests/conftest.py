import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from twofront.core.models import Person, Region
from twofront.metrics import registry, services
from twofront.metrics.dirty import touch
from twofront.metrics.models import Rollup
from twofront.metrics.registry import Count, Metric, Ratio, Sum, YearOverYear

GRID_1, GRID_2 = "520102001001001", "520102001001002"
COMMUNITY = "520102001001"
YUNYAN_GRID = "520103001001001"


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), timezone.get_default_timezone())


@pytest.fixture
def register_on():
    """Moves a person's registration to another day, marking both cells as a service would."""

    def move(person: Person, day: datetime.date) -> Person:
        touch(Person, region_id=person.region_id, day=person.created_at)
        Person.objects.filter(pk=person.pk).update(created_at=noon(day))
        touch(Person, region_id=person.region_id, day=day)
        person.refresh_from_db()
        return person

    return move


@pytest.fixture
def persons_on(make_person, register_on):
    """persons_on(day, region, n): n persons registered in region on day."""

    def create(day: datetime.date, region: str = GRID_1, n: int = 1) -> list[Person]:
        return [register_on(make_person(region), day) for _ in range(n)]

    return create


@pytest.fixture
def refresh():
    return services.refresh_dirty


@pytest.fixture
def raw_counts():
    """(region id, day) -> persons registered that day in the region or below it, from the person table."""

    def count() -> dict:
        ids = dict(Region.objects.values_list("code", "pk"))
        counts: dict = {}
        for path, created_at in Person.objects.values_list("region__path", "created_at"):
            for code in filter(None, path.split("/")):
                key = (ids[code], timezone.localtime(created_at).date())
                counts[key] = counts.get(key, 0) + 1
        return counts

    return count


def rollups(key: str = "core.persons_new") -> dict:
    return {(r.region_id, r.day): int(r.value) for r in Rollup.objects.filter(key=key)}


TEST_METRICS = [
    Metric("test.new_share", "Share of new persons", kind=Ratio("core.persons_new", "core.persons_registered")),
    Metric("test.registered_yoy", "Registered, year on year", kind=YearOverYear("core.persons_registered")),
    Metric("test.new_yoy", "New, year on year", kind=YearOverYear("core.persons_new")),
    Metric("test.women", "Women registered", kind=Count(Person, filter=Q(sex="F"))),
    Metric("test.id_total", "Sum of person ids", kind=Sum("core.Person", "id")),
]


@pytest.fixture
def test_metrics():
    registry.register(*TEST_METRICS)
    yield {m.key: m for m in TEST_METRICS}
    registry.unregister(*(m.key for m in TEST_METRICS))
