"""Every change to the person registry. Pages, API, imports and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from twofront.core import audit, pii
from twofront.core.db import insert_instances
from twofront.core.errors import Conflict, field_error
from twofront.core.identity import (
    IdentityError,
    mask_mobile,
    mask_national_id,
    parse_mobile,
    parse_national_id,
)
from twofront.core.models import Organisation, Person, Region
from twofront.core.scope import require
from twofront.metrics.dirty import touch

ID_PURPOSE = "person.id_number"
PHONE_PURPOSE = "person.phone"


def id_number_index(raw: str) -> str:
    """Blind index of a national ID as typed (normalised first); "" when it is not a valid ID."""
    try:
        return pii.blind_index(parse_national_id(raw).number, ID_PURPOSE)
    except IdentityError:
        return ""


def phone_index(raw: str) -> str:
    try:
        return pii.blind_index(parse_mobile(raw), PHONE_PURPOSE)
    except IdentityError:
        return ""


def identity_fields(id_number: str) -> dict:
    """Model fields derived from a national ID; raises ValidationError on a bad number."""
    try:
        parsed = parse_national_id(id_number or "")
    except IdentityError as exc:
        raise field_error("id_number", str(exc))
    return {
        "id_number_ct": pii.encrypt(parsed.number),
        "id_number_index": pii.blind_index(parsed.number, ID_PURPOSE),
        "id_number_masked": mask_national_id(parsed.number),
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
        "native_region_code": parsed.native_region_code,
    }


def phone_fields(phone: str) -> dict:
    if not phone:
        return {"phone_ct": "", "phone_index": "", "phone_masked": ""}
    try:
        number = parse_mobile(phone)
    except IdentityError as exc:
        raise field_error("phone", str(exc))
    return {"phone_ct": pii.encrypt(number), "phone_index": pii.blind_index(number, PHONE_PURPOSE),
            "phone_masked": mask_mobile(number)}


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise field_error("name", _("Enter a name of 1 to 64 characters."))
    return name


def new_person(*, actor, name: str, id_number: str, region: Region, phone: str = "", address: str = "",
               on_behalf_of: Organisation | None = None) -> Person:
    """A person checked and ready to write (not saved): the policy and every field, all errors at once.
    `on_behalf_of`: a unit whose staff register the people they deal with wherever those live (a checkpoint's
    travellers); the actor's role over that organisation must grant core.add_person."""
    require(actor, "core.add_person", region=region, organisation=on_behalf_of)
    errors: dict[str, list] = {}
    fields: dict = {}
    for builder, arg in ((_clean_name, name), (identity_fields, id_number), (phone_fields, phone)):
        try:
            result = builder(arg)
            fields.update(result if isinstance(result, dict) else {"name": result})
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return Person(region=region, address=(address or "").strip()[:255], **fields)


def created_event(actor, person: Person) -> dict:
    """The audit event of a person just written (with its id and created_at)."""
    return audit.event(actor, "core.person.created", person, changes=audit.diff({}, audit.snapshot(person)))


def create_person(*, actor, name: str, id_number: str, region: Region, phone: str = "", address: str = "",
                  on_behalf_of: Organisation | None = None) -> Person:
    """A new registry person (see new_person), audited; a taken national ID is a field error."""
    person = new_person(actor=actor, name=name, id_number=id_number, region=region, phone=phone, address=address,
                        on_behalf_of=on_behalf_of)
    # The unique blind index is the duplicate check: no lookup first, and no savepoint (a taken number inserts
    # nothing and gets no id). Inside a caller's transaction this joins it, so a passage adding a traveller
    # writes the person, its audit event and its dirty cell with the passage.
    with transaction.atomic(savepoint=False):
        written = insert_instances([person], skip_conflicts=True)
        if written:
            audit.insert(created_event(actor, person))
            touch(Person, region_id=person.region_id, day=person.created_at)
    if not written:
        raise field_error("id_number", _("This national ID is already registered."))
    return person


@transaction.atomic
def update_person(person: Person, *, actor, **changes) -> Person:
    """Changes any of name, id_number, phone, region, address; the rest is derived."""
    require(actor, "core.change_person", person)
    if "region" in changes and changes["region"] != person.region:
        require(actor, "core.change_person", region=changes["region"])
    before = audit.snapshot(person)
    errors: dict[str, list] = {}
    try:
        if "name" in changes:
            person.name = _clean_name(changes["name"])
        if "id_number" in changes:
            for key, value in identity_fields(changes["id_number"]).items():
                setattr(person, key, value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        if "phone" in changes:
            for key, value in phone_fields(changes["phone"] or "").items():
                setattr(person, key, value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    old_region_id = person.region_id
    if "region" in changes:
        person.region = changes["region"]
    if "address" in changes:
        person.address = (changes["address"] or "").strip()[:255]
    if Person.objects.filter(id_number_index=person.id_number_index).exclude(pk=person.pk).exists():
        raise field_error("id_number", _("This national ID is already registered."))
    after = audit.snapshot(person)
    changed = audit.diff(before, after)
    if changed or "id_number" in changes or "phone" in changes:
        person.save()
        audit.record(actor, "core.person.updated", person, changes=changed)
        if person.region_id != old_region_id:
            touch(Person, region_id=old_region_id, day=person.created_at)
            touch(Person, region_id=person.region_id, day=person.created_at)
    return person


@transaction.atomic
def delete_person(person: Person, *, actor) -> None:
    require(actor, "core.delete_person", person)
    snapshot = audit.snapshot(person)
    pk, label, region, created_at = person.pk, str(person), person.region, person.created_at
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError:
        raise Conflict(_("This person is referenced by other records and cannot be deleted."))
    person.pk = pk
    audit.record(actor, "core.person.deleted", person, changes=audit.diff(snapshot, {}), region=region,
                 object_repr=label)
    touch(Person, region_id=region.pk, day=created_at)


REVEALABLE = ("id_number", "phone")


@transaction.atomic
def reveal_person(person: Person, *, actor, reason: str, fields: tuple[str, ...] = REVEALABLE) -> dict[str, str]:
    """The full ID / phone number, for a stated reason; every reveal is audited."""
    require(actor, "core.reveal_person", person)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise field_error("reason", _("State why you need the full number (at least 4 characters)."))
    unknown = [f for f in fields if f not in REVEALABLE]
    if unknown or not fields:
        raise field_error("fields", _("Choose from: id_number, phone."))
    revealed = {f: pii.decrypt(getattr(person, f"{f}_ct")) for f in fields}
    audit.record(actor, "core.person.revealed", person, changes={"fields": list(fields)}, reason=reason)
    return revealed


def find_by_id_number(queryset, raw: str):
    """Exact lookup by national ID through the blind index, within an already scoped queryset."""
    index = id_number_index(raw)
    return queryset.filter(id_number_index=index) if index else queryset.none()
