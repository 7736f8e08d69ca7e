"""Fixtures for the cross-cutting suites in tests/: browser walks, schema fuzzing, the OpenAPI snapshot.

The region tree, personas, `personas_tx` and `make_person` come from the root conftest.py.
"""

import pytest

from tests.kit import ARTIFACTS, FULL_NATIONAL_ID, MASKED_MOBILE, MASKED_NATIONAL_ID  # noqa: F401 (re-exported)


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """Live-server tests flush the database, so the root conftest re-creates the seven personas (and their
    Argon2 hashes, ~0.1 s each) before every one of them; a cheap Argon2 keeps the browser and fuzz suites fast."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def bearer_token():
    """`bearer_token(user, name="x")` -> a raw bearer token issued through the accounts service."""
    from twofront.core.services.accounts import issue_token

    def issue(user, name: str = "tests") -> str:
        raw, _token = issue_token(actor=user, name=name)
        return raw

    return issue
