"""The enterprise test kit: two enterprises in two districts, their HR, a commissioner, and employees.

Built on the core personas (`twofront.core.testing`). Fixtures wrap these builders in
`twofront/enterprise/tests/conftest.py`; other suites (browser tests) may call the builders directly.

    hr_a            enterprise_admin of enterprise A (Nanming, street 520102001)
    hr_b            enterprise_admin of enterprise B (Yunyan, street 520103001)
    commissioner_a  commissioner over 520102, assigned to enterprise A only (not to C)
    street_nanming  street_officer of 520102001 (reviews declarations of A and C)
    enterprise C    a second Nanming enterprise without HR persona and without commissioner
"""

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password

from twofront.core import pii, scope
from twofront.core.choices import OrganisationKind
from twofront.core.identity import credit_code_check_char, mask_mobile
from twofront.core.models import Organisation, Person, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.services.people import PHONE_PURPOSE, identity_fields, phone_fields
from twofront.core.testing import PASSWORD, Personas, sample_identity
from twofront.enterprise.choices import Industry, Scale
from twofront.enterprise.models import CommissionerAssignment, Employee, Enterprise
from twofront.enterprise.services.employees import roster_phone_fields

NANMING_STREET = "520102001"
YUNYAN_STREET = "520103001"
NANMING_GRID = "520102001001001"
YUNYAN_GRID = "520103001001001"


def credit_code(region6: str, serial: int) -> str:
    """A valid unified social credit code (GB 32100) for a company registered in `region6`."""
    first17 = f"91{region6}MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


# key -> (name, credit code, street, industry, scale, key project)
ENTERPRISES = {
    "a": ("南明精密制造有限公司", credit_code("520102", 1), NANMING_STREET, Industry.C, Scale.ABOVE_DESIGNATED, True),
    "b": ("云岩商贸有限公司", credit_code("520103", 2), YUNYAN_STREET, Industry.F, Scale.SMALL, False),
    "c": ("南明餐饮服务有限公司", credit_code("520102", 3), NANMING_STREET, Industry.H, Scale.MICRO, False),
}
CONTACT_PHONES = {"a": "13800000001", "b": "13800000002", "c": "13800000003"}


@cache
def _password_hash() -> str:
    # One Argon2 hash per process: hashing per test would cost ~0.1 s for each persona.
    return make_password(PASSWORD)


@dataclass
class EnterprisePersonas:
    base: Personas
    users: dict[str, User] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.users[name] if name in self.users else self.base[name]

    def region(self, code: str):
        return self.base.region(code)

    @property
    def a(self) -> Enterprise:
        return self.enterprises["a"]

    @property
    def b(self) -> Enterprise:
        return self.enterprises["b"]

    @property
    def c(self) -> Enterprise:
        return self.enterprises["c"]


def build_enterprise(personas: Personas, key: str) -> Enterprise:
    name, code, street, industry, scale, key_project = ENTERPRISES[key]
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        return existing
    region = personas.region(street)
    organisation = Organisation.objects.create(name=name, kind=OrganisationKind.ENTERPRISE, region=region, code=code)
    phone = CONTACT_PHONES[key]
    return Enterprise.objects.create(
        organisation=organisation, credit_code=code, name=name, industry=industry, scale=scale,
        key_project=key_project, region=region, address=f"{region.name}1号", legal_representative="张伟",
        contact_name="李娜", contact_phone_ct=pii.encrypt(phone), contact_phone_index=pii.blind_index(phone, PHONE_PURPOSE),
        contact_phone_masked=mask_mobile(phone))


def _user(username: str, role: str, *, region=None, organisation=None) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": username,
                                                                            "password": _password_hash()})
    RoleAssignment.objects.get_or_create(user=user, role=role, region=region, organisation=organisation)
    scope.forget(user)
    return user


def build_enterprise_personas(personas: Personas) -> EnterprisePersonas:
    """Idempotent: safe to call in every test (rows are rolled back or flushed between tests)."""
    kit = EnterprisePersonas(base=personas)
    for key in ENTERPRISES:
        kit.enterprises[key] = build_enterprise(personas, key)
    kit.users["hr_a"] = _user("hr_a", Role.ENTERPRISE_ADMIN, organisation=kit.a.organisation)
    kit.users["hr_b"] = _user("hr_b", Role.ENTERPRISE_ADMIN, organisation=kit.b.organisation)
    kit.users["commissioner_a"] = _user("commissioner_a", Role.COMMISSIONER, region=personas.region("520102"))
    kit.users["street_nanming"] = _user("street_nanming", Role.STREET_OFFICER, region=personas.region(NANMING_STREET))
    CommissionerAssignment.objects.get_or_create(commissioner=kit.users["commissioner_a"], enterprise=kit.a,
                                                 defaults={"since": datetime.date(2020, 2, 10)})
    return kit


def build_employee(enterprise: Enterprise, index: int, *, region=None, seed: int = 31, phone: str | None = None,
                   **fields) -> Employee:
    """An employee of `enterprise` whose person lives in `region` (default: the enterprise's region).

    `sample_identity(index, seed)` gives the name, national ID and phone (also the roster phone unless
    `phone` is given): use the same index and seed in a test to know the numbers (e.g. for the check-in)."""
    identity = sample_identity(index, seed=seed)
    fields.update(roster_phone_fields(identity["phone"] if phone is None else phone))
    person = Person.objects.filter(id_number_index=identity_fields(identity["id_number"])["id_number_index"]).first()
    if person is None:
        person = Person.objects.create(name=identity["name"], region=region or enterprise.region,
                                       address=identity["address"], **identity_fields(identity["id_number"]),
                                       **phone_fields(identity["phone"]))
    employee, _created = Employee.objects.get_or_create(enterprise=enterprise, person=person, defaults=fields)
    return employee


def employee_identity(index: int, seed: int = 31) -> dict:
    """The raw name / id_number / phone of `build_employee(..., index, seed=seed)`."""
    return sample_identity(index, seed=seed)
