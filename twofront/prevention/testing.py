"""Test kit for the prevention and medical apps: units with their staff personas."""

from twofront.core.choices import OrganisationKind
from twofront.core.models import Organisation, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.testing import PASSWORD
from twofront.medical.models import Hospital
from twofront.prevention.models import Checkpoint, QuarantineSite


def _staff(username: str, role: str, organisation: Organisation) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


def build_units(regions: dict) -> dict:
    """Checkpoints, hotels and hospitals in Nanming and Yunyan, each with one staff account."""
    units = {}
    for key, code in (("nanming", "520102001"), ("yunyan", "520103001")):
        region = regions[code]
        checkpoint = Checkpoint.objects.create(
            organisation=Organisation.objects.create(name=f"{region.name}高速卡口", kind=OrganisationKind.CHECKPOINT,
                                                     region=region),
            name=f"{region.name}高速卡口", kind="expressway", region=region, location="收费站")
        site = QuarantineSite.objects.create(
            organisation=Organisation.objects.create(name=f"{region.name}定点酒店", kind=OrganisationKind.QUARANTINE_SITE,
                                                     region=region),
            name=f"{region.name}定点酒店", region=region, rooms=50, capacity=60, for_hubei_travellers=True)
        hospital = Hospital.objects.create(
            organisation=Organisation.objects.create(name=f"{region.name}定点医院", kind=OrganisationKind.HOSPITAL,
                                                     region=region),
            name=f"{region.name}定点医院", region=region, designated=True, fever_clinic=True, isolation_wards=4,
            beds=200)
        units[f"checkpoint_{key}"] = checkpoint
        units[f"site_{key}"] = site
        units[f"hospital_{key}"] = hospital
        units[f"checkpoint_staff_{key}"] = _staff(f"checkpoint_{key}", Role.CHECKPOINT_STAFF, checkpoint.organisation)
        units[f"hotel_staff_{key}"] = _staff(f"hotel_{key}", Role.HOTEL_STAFF, site.organisation)
        units[f"hospital_staff_{key}"] = _staff(f"hospital_{key}", Role.HOSPITAL_STAFF, hospital.organisation)
    return units
