import pytest

from twofront.prevention.testing import build_units


@pytest.fixture
def units(personas):
    """checkpoint_/site_/hospital_{nanming,yunyan} and their staff: checkpoint_staff_, hotel_staff_,
    hospital_staff_{nanming,yunyan} (role over the unit's Organisation)."""
    return build_units(personas.regions)


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """The unit kit creates six staff accounts per test; their passwords are never typed here."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
