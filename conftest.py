"""Shared fixtures: the small region tree and personas are created once per test session."""

import pytest
from django.db import connections

from twofront.core import scope
from twofront.core.models import Person, User
from twofront.core.services import people
from twofront.core.testing import Personas, build_personas, build_tree, client_for, sample_identity


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        regions = build_tree()
        build_personas(regions)
    yield
    for connection in connections.all():
        connection.close()


def _load_personas() -> Personas:
    from twofront.core.models import Region

    if not Region.objects.filter(code="520100").exists():  # a transactional test flushed the tables
        build_personas(build_tree())
    users = {u.username: u for u in User.objects.all()}
    for user in users.values():
        scope.forget(user)
    return Personas(regions={r.code: r for r in Region.objects.all()}, users=users)


@pytest.fixture
def personas(db) -> Personas:
    return _load_personas()


@pytest.fixture
def personas_tx(transactional_db) -> Personas:
    """For tests that need real commits (concurrency, live server)."""
    return _load_personas()


@pytest.fixture
def client_as():
    return client_for


@pytest.fixture
def make_person(request):
    personas = request.getfixturevalue("personas_tx" if "transactional_db" in request.fixturenames
                                       or "live_server" in request.fixturenames else "personas")
    counter = iter(range(10_000))

    def make(region_code: str = "520102001001001", **overrides) -> Person:
        identity = sample_identity(next(counter), seed=overrides.pop("seed", 11))
        fields = {"name": identity["name"], "id_number": identity["id_number"], "phone": identity["phone"],
                  "address": identity["address"], "region": personas.region(region_code)}
        fields.update(overrides)
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("root", password="x")
        return people.create_person(actor=admin, **fields)

    return make


@pytest.fixture
def person_nanming(make_person) -> Person:
    return make_person("520102001001001")


@pytest.fixture
def person_yunyan(make_person) -> Person:
    return make_person("520103001001001")
