import pytest

from twofront.prevention.testing import build_units


@pytest.fixture
def units(personas):
    """checkpoint_/site_/hospital_{nanming,yunyan} and their staff: checkpoint_staff_, hotel_staff_,
    hospital_staff_{nanming,yunyan} (role over the unit's Organisation)."""
    return build_units(personas.regions)
