"""Enterprise fixtures: `enterprise_personas` (hr_a, hr_b, commissioner_a, street_nanming + the core personas),
`enterprise_a` / `enterprise_b` / `enterprise_c`, `make_employee`. Transactional tests use `enterprise_personas_tx`
(its `.a`, `.b`, `.c` and `["hr_a"]`) and `build_employee` from twofront.enterprise.testing.

Every fixture depends on `personas` or `personas_tx` *statically*: pytest-django sets up the test database only
for tests whose fixture closure names `db` / `transactional_db`; a dynamic `getfixturevalue("personas")` as the
first database use would run the session setup against the development database."""

import pytest

from twofront.enterprise.testing import EnterprisePersonas, build_employee, build_enterprise_personas


@pytest.fixture
def enterprise_personas(personas) -> EnterprisePersonas:
    return build_enterprise_personas(personas)


@pytest.fixture
def enterprise_personas_tx(personas_tx) -> EnterprisePersonas:
    return build_enterprise_personas(personas_tx)


@pytest.fixture
def enterprise_a(enterprise_personas):
    return enterprise_personas.a


@pytest.fixture
def enterprise_b(enterprise_personas):
    return enterprise_personas.b


@pytest.fixture
def enterprise_c(enterprise_personas):
    """A second Nanming enterprise: no HR persona, no commissioner."""
    return enterprise_personas.c


@pytest.fixture
def hr_a(enterprise_personas):
    return enterprise_personas["hr_a"]


@pytest.fixture
def hr_b(enterprise_personas):
    return enterprise_personas["hr_b"]


@pytest.fixture
def commissioner_a(enterprise_personas):
    return enterprise_personas["commissioner_a"]


@pytest.fixture
def make_employee(enterprise_personas):
    """`make_employee(enterprise, index, region=None, **fields)`; the raw numbers are `employee_identity(index)`."""
    counter = iter(range(1000, 100_000))

    def make(enterprise, index: int | None = None, **fields):
        return build_employee(enterprise, next(counter) if index is None else index, **fields)

    return make
