"""Every change to an enterprise: registration (with its Organisation), edits, resumption, QR token rotation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit
from twofront.core.choices import OrganisationKind
from twofront.core.errors import Conflict, field_error
from twofront.core.identity import IdentityError, parse_credit_code
from twofront.core.models import Organisation, Region
from twofront.core.scope import require
from twofront.core.services.people import phone_fields
from twofront.enterprise.choices import DeclarationStatus, Industry, Scale
from twofront.enterprise.models import Enterprise, new_checkin_token
from twofront.metrics.dirty import touch_many

TEXT_LIMITS = {"name": 128, "address": 255, "legal_representative": 64, "contact_name": 64}


def contact_phone_fields(phone: str) -> dict:
    """Encrypted, blind-indexed and masked exactly like a person's phone (same purpose, same key)."""
    try:
        fields = phone_fields((phone or "").strip())
    except ValidationError:
        raise field_error("contact_phone", _("Enter a valid mainland mobile number."))
    return {f"contact_{key}": value for key, value in fields.items()}


def clean_credit_code(raw: str) -> str:
    try:
        return parse_credit_code(raw or "")
    except IdentityError as exc:
        raise field_error("credit_code", str(exc))


def _clean(values: dict) -> dict:
    """Validates the editable fields present in `values`; raises one ValidationError with all field errors."""
    errors: dict[str, list] = {}
    cleaned = {}
    for name, value in values.items():
        if name in TEXT_LIMITS:
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[name] or (name == "name" and not value):
                errors[name] = [_("Enter 1 to %(n)s characters.") % {"n": TEXT_LIMITS[name]}]
        elif name == "industry" and value not in Industry.values:
            errors[name] = [_("Choose a GB/T 4754 section (A to T).")]
        elif name == "scale" and value not in Scale.values:
            errors[name] = [_("Choose a scale: above, small or micro.")]
        elif name == "key_project":
            value = bool(value)
        elif name == "region" and (not isinstance(value, Region) or value.depth < 1):
            errors[name] = [_("Choose a district, street or community.")]
        cleaned[name] = value
    if "credit_code" in values:
        try:
            cleaned["credit_code"] = clean_credit_code(values["credit_code"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "contact_phone" in values:
        try:
            cleaned.update(contact_phone_fields(cleaned.pop("contact_phone")))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _touch(*pairs: tuple[int, datetime.date | datetime.datetime | None]) -> None:
    touch_many(Enterprise, [p for p in pairs if p[0]])


@transaction.atomic
def create_enterprise(*, actor, credit_code: str, name: str, industry: str, scale: str, region: Region,
                      key_project: bool = False, address: str = "", legal_representative: str = "",
                      contact_name: str = "", contact_phone: str = "") -> Enterprise:
    """Registers an enterprise and the Organisation its accounts are assigned to."""
    require(actor, "enterprise.add_enterprise", region=region if isinstance(region, Region) else None)
    fields = _clean({"credit_code": credit_code, "name": name, "industry": industry, "scale": scale,
                     "region": region, "key_project": key_project, "address": address,
                     "legal_representative": legal_representative, "contact_name": contact_name,
                     "contact_phone": contact_phone})
    if Enterprise.objects.filter(credit_code=fields["credit_code"]).exists():
        raise field_error("credit_code", _("An enterprise with this credit code is already registered."))
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=fields["name"], kind=OrganisationKind.ENTERPRISE,
                                                       region=region, code=fields["credit_code"])
            enterprise = Enterprise.objects.create(organisation=organisation, **fields)
    except IntegrityError:  # a concurrent registration of the same code
        raise field_error("credit_code", _("An enterprise with this credit code is already registered."))
    audit.record(actor, "enterprise.enterprise.created", enterprise,
                 changes=audit.diff({}, audit.snapshot(enterprise)))
    _touch((enterprise.region_id, enterprise.created_at))
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, actor, **changes) -> Enterprise:
    """Changes any of the registration fields; moving it to another region needs the right there too."""
    require(actor, "enterprise.change_enterprise", enterprise)
    allowed = {"credit_code", "name", "industry", "scale", "region", "key_project", "address",
               "legal_representative", "contact_name", "contact_phone"}
    unknown = set(changes) - allowed
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be changed here."))
    if "region" in changes and changes["region"] != enterprise.region:
        require(actor, "enterprise.change_enterprise", region=changes["region"])
    fields = _clean(changes)
    if "credit_code" in fields and Enterprise.objects.filter(
            credit_code=fields["credit_code"]).exclude(pk=enterprise.pk).exists():
        raise field_error("credit_code", _("An enterprise with this credit code is already registered."))
    before, old_region_id = audit.snapshot(enterprise), enterprise.region_id
    for name, value in fields.items():
        setattr(enterprise, name, value)
    changed = audit.diff(before, audit.snapshot(enterprise))
    if not changed and "contact_phone" not in changes:
        return enterprise
    enterprise.save()
    organisation = enterprise.organisation
    organisation.name, organisation.region_id, organisation.code = (enterprise.name, enterprise.region_id,
                                                                    enterprise.credit_code)
    organisation.save(update_fields=["name", "region", "code"])
    audit.record(actor, "enterprise.enterprise.updated", enterprise, changes=changed)
    if enterprise.region_id != old_region_id:
        _touch((old_region_id, enterprise.created_at), (enterprise.region_id, enterprise.created_at),
               (old_region_id, enterprise.resumed_on), (enterprise.region_id, enterprise.resumed_on))
    return enterprise


@transaction.atomic
def mark_resumed(enterprise: Enterprise, *, actor, resumed_on: datetime.date) -> Enterprise:
    """Records the day work resumed; only after a resumption declaration was approved."""
    require(actor, "enterprise.change_enterprise", enterprise)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not enterprise.declarations.filter(status=DeclarationStatus.APPROVED).exists():
        raise Conflict(_("Work can be marked resumed only after a resumption declaration is approved."))
    if resumed_on is None or resumed_on > timezone.localdate():
        raise field_error("resumed_on", _("The day cannot be in the future."))
    before, previous = audit.snapshot(enterprise), enterprise.resumed_on
    enterprise.resumed_on = resumed_on
    enterprise.save(update_fields=["resumed_on", "updated_at"])
    audit.record(actor, "enterprise.enterprise.resumed", enterprise,
                 changes=audit.diff(before, audit.snapshot(enterprise)))
    _touch((enterprise.region_id, resumed_on), (enterprise.region_id, previous) if previous else (0, None))
    return enterprise


@transaction.atomic
def rotate_checkin_token(enterprise: Enterprise, *, actor) -> Enterprise:
    """A new QR-code link; printed codes with the old one stop working."""
    require(actor, "enterprise.change_enterprise", enterprise)
    enterprise.checkin_token = new_checkin_token()
    enterprise.save(update_fields=["checkin_token", "updated_at"])
    audit.record(actor, "enterprise.enterprise.checkin_token_rotated", enterprise)
    return enterprise
