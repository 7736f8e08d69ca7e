"""The employee roster: employees are persons of the one registry, found by the blind index of their ID.

An enterprise may not edit the registry; when the person is not registered yet, the roster entry registers
them (in the given residence, else in the enterprise's region) with the registry's own field builders.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from twofront.core import audit, pii
from twofront.core.errors import field_error
from twofront.core.identity import IdentityError, mask_mobile, parse_mobile
from twofront.core.models import Person, Region
from twofront.core.scope import require
from twofront.core.services.people import identity_fields, phone_fields
from twofront.enterprise.models import Employee, Enterprise
from twofront.metrics.dirty import touch_many

ROSTER_FIELDS = ("out_of_town", "origin_region_code", "planned_return_date", "actual_return_date",
                 "quarantine_needed", "active")


def roster_phone_fields(phone: str) -> dict:
    if not phone:
        return {"phone_ct": "", "phone_masked": ""}
    try:
        number = parse_mobile(phone)
    except IdentityError as exc:
        raise field_error("phone", str(exc))
    return {"phone_ct": pii.encrypt(number), "phone_masked": mask_mobile(number)}


def _clean_roster(values: dict) -> dict:
    errors: dict[str, list] = {}
    cleaned = {}
    for name, value in values.items():
        if name == "origin_region_code":
            value = (value or "").strip()
            if value and not (len(value) == 6 and value.isdigit()):
                errors[name] = [_("Enter a 6-digit division code, e.g. 420106.")]
        elif name in ("planned_return_date", "actual_return_date"):
            if value is not None and not isinstance(value, datetime.date):
                errors[name] = [_("Enter a date.")]
        elif name in ("out_of_town", "quarantine_needed", "active"):
            value = bool(value)
        else:
            errors[name] = [_("This field cannot be changed here.")]
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _person_for(*, name: str, id_number: str, phone: str, region: Region, address: str) -> tuple[Person, bool]:
    """The registered person with this ID, or a new one; (person, created)."""
    identity = identity_fields(id_number)
    name = (name or "").strip()
    person = Person.objects.filter(id_number_index=identity["id_number_index"]).first()
    if person is not None:
        if name and name != person.name:
            raise field_error("name", _("The name does not match the person registered with this ID."))
        return person, False
    if not name or len(name) > 64:
        raise field_error("name", _("Enter a name of 1 to 64 characters."))
    person = Person(name=name, region=region, address=(address or "").strip()[:255], **identity,
                    **phone_fields(phone))
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # registered concurrently: use that one
        return Person.objects.get(id_number_index=identity["id_number_index"]), False
    return person, True


@transaction.atomic
def add_employee(enterprise: Enterprise, *, actor, id_number: str, name: str = "", phone: str = "",
                 residence_region: Region | None = None, address: str = "", **roster) -> Employee:
    """Puts a person on the roster (re-activating a former entry); registers the person if needed."""
    require(actor, "enterprise.add_employee", enterprise)
    errors: dict[str, list] = {}
    fields: dict = {}
    for check in (lambda: fields.update(_clean_roster(roster)), lambda: fields.update(roster_phone_fields(phone)),
                  lambda: identity_fields(id_number)):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:  # every bad field at once, before anything is written
        raise ValidationError(errors)
    person, created = _person_for(name=name, id_number=id_number, phone=phone,
                                  region=residence_region or enterprise.region, address=address)
    employee = Employee.objects.filter(enterprise=enterprise, person=person).first()
    if employee is not None and employee.active:
        raise field_error("id_number", _("This person is already on the roster."))
    before = audit.snapshot(employee) if employee else {}
    employee = employee or Employee(enterprise=enterprise, person=person)
    for key, value in {"active": True, **fields}.items():
        setattr(employee, key, value)
    try:
        with transaction.atomic():
            employee.save()
    except IntegrityError:
        raise field_error("id_number", _("This person is already on the roster."))
    audit.record(actor, "enterprise.employee.added", employee, changes={**audit.diff(before, audit.snapshot(employee)), "person_registered": [None, created]})
    if created:
        touch_many(Person, [(person.region_id, person.created_at)])
    touch_many(Employee, [(enterprise.region_id, employee.created_at)])
    return employee


@transaction.atomic
def update_employee(employee: Employee, *, actor, phone: str | None = None, **changes) -> Employee:
    """Changes roster fields (and the roster phone); `active=False` takes the employee off the roster."""
    require(actor, "enterprise.change_employee", employee)
    fields = _clean_roster(changes)
    if phone is not None:
        fields.update(roster_phone_fields(phone))
    before = audit.snapshot(employee)
    for key, value in fields.items():
        setattr(employee, key, value)
    changed = audit.diff(before, audit.snapshot(employee))
    if changed or phone:
        employee.save()
        audit.record(actor, "enterprise.employee.updated", employee, changes=changed)
        touch_many(Employee, [(employee.enterprise.region_id, employee.created_at)])
    return employee


def upsert_roster_row(enterprise: Enterprise, *, id_number: str, name: str = "", phone: str = "",
                      **roster) -> bool:
    """One row of a roster import (imports.import_roster checks the permission, audits the file once and
    touches the metrics): adds or updates the entry; True when it was added."""
    fields = {**_clean_roster(roster), **roster_phone_fields(phone or "")}
    if not phone:
        fields.pop("phone_ct"), fields.pop("phone_masked")
    person, _created = _person_for(name=name, id_number=id_number, phone=phone or "", region=enterprise.region,
                                   address="")
    employee, added = Employee.objects.get_or_create(enterprise=enterprise, person=person,
                                                     defaults={**fields, "active": True})
    if not added:
        for key, value in {**fields, "active": True}.items():
            setattr(employee, key, value)
        employee.save()
    return added
