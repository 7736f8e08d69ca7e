"""Resumption declarations (复工申报): draft -> submitted -> approved / returned (edit and resubmit).

Reviewers (street, district and city officials) have settings.TWOFRONT_REVIEW_DEADLINE_DAYS (3 by default)
from submission; `review_due` is set then, and the review queue surfaces what is past it.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit
from twofront.core.errors import Conflict, field_error
from twofront.core.scope import require
from twofront.enterprise.choices import DeclarationStatus
from twofront.enterprise.models import DeclarationAttachment, Enterprise, ResumptionDeclaration

EDITABLE = (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED)
FIELDS = ("planned_date", "expected_headcount", "local_employees", "out_of_town_employees", "mask_stock_days",
          "disinfection", "temperature_checks", "isolation_room", "canteen_arrangement", "responsible_person")
TEXT_LIMITS = {"canteen_arrangement": 200, "responsible_person": 64}
COUNT_LIMITS = {"expected_headcount": 1_000_000, "local_employees": 1_000_000, "out_of_town_employees": 1_000_000,
                "mask_stock_days": 365}
# Attachments: what a reviewer can open safely, by extension and by the file's first bytes.
ATTACHMENT_TYPES = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",),
                    ".jpeg": (b"\xff\xd8\xff",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",)}


def review_deadline_days() -> int:
    return int(getattr(settings, "TWOFRONT_REVIEW_DEADLINE_DAYS", 3))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "TWOFRONT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def _clean(values: dict, current: ResumptionDeclaration | None = None) -> dict:
    errors: dict[str, list] = {}
    cleaned = {}
    for name, value in values.items():
        if name not in FIELDS:
            errors[name] = [_("This field cannot be changed here.")]
        elif name in TEXT_LIMITS:
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[name]:
                errors[name] = [_("Enter at most %(n)s characters.") % {"n": TEXT_LIMITS[name]}]
        elif name in COUNT_LIMITS:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_LIMITS[name]:
                errors[name] = [_("Enter a whole number from 0 to %(n)s.") % {"n": COUNT_LIMITS[name]}]
        elif name == "planned_date":
            if not isinstance(value, datetime.date):
                errors[name] = [_("Enter a date.")]
        else:
            value = bool(value)
        cleaned[name] = value
    merged = {f: getattr(current, f) for f in FIELDS} if current else {}
    merged.update(cleaned)
    headcount = merged.get("expected_headcount")
    if not errors and isinstance(headcount, int):
        if headcount < 1:
            errors["expected_headcount"] = [_("At least one employee is expected.")]
        for part in ("local_employees", "out_of_town_employees"):
            if merged.get(part, 0) > headcount:
                errors[part] = [_("Cannot exceed the expected headcount.")]
        if merged.get("local_employees", 0) + merged.get("out_of_town_employees", 0) > headcount:
            errors["out_of_town_employees"] = [_("Local plus out-of-town employees cannot exceed the headcount.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _open_declaration_conflict() -> Conflict:
    return Conflict(_("This enterprise already has a declaration in progress; edit that one."))


@transaction.atomic
def create_declaration(enterprise: Enterprise, *, actor, **values) -> ResumptionDeclaration:
    require(actor, "enterprise.add_resumptiondeclaration", enterprise)
    missing = [f for f in ("planned_date", "expected_headcount") if values.get(f) is None]
    if missing:
        raise ValidationError({f: [_("This field is required.")] for f in missing})
    fields = _clean(values)
    if enterprise.declarations.exclude(status=DeclarationStatus.APPROVED).exists():
        raise _open_declaration_conflict()
    try:
        with transaction.atomic():
            declaration = ResumptionDeclaration.objects.create(enterprise=enterprise, **fields)
    except IntegrityError:
        raise _open_declaration_conflict()
    audit.record(actor, "enterprise.declaration.created", declaration,
                 changes=audit.diff({}, audit.snapshot(declaration, list(FIELDS))))
    return declaration


def _locked(declaration: ResumptionDeclaration) -> ResumptionDeclaration:
    # Row lock: two reviewers (or a reviewer and HR) acting at once are serialised, the second sees the new state.
    return ResumptionDeclaration.objects.select_for_update().select_related("enterprise").get(pk=declaration.pk)


@transaction.atomic
def update_declaration(declaration: ResumptionDeclaration, *, actor, **values) -> ResumptionDeclaration:
    require(actor, "enterprise.change_resumptiondeclaration", declaration)
    declaration = _locked(declaration)
    if declaration.status not in EDITABLE:
        raise Conflict(_("Only a draft or a returned declaration can be edited."))
    fields = _clean(values, declaration)
    before = audit.snapshot(declaration, list(FIELDS))
    for name, value in fields.items():
        setattr(declaration, name, value)
    changed = audit.diff(before, audit.snapshot(declaration, list(FIELDS)))
    if changed:
        declaration.save(update_fields=[*fields, "updated_at"])
        audit.record(actor, "enterprise.declaration.updated", declaration, changes=changed)
    return declaration


@transaction.atomic
def submit_declaration(declaration: ResumptionDeclaration, *, actor) -> ResumptionDeclaration:
    require(actor, "enterprise.change_resumptiondeclaration", declaration)
    declaration = _locked(declaration)
    if declaration.status not in EDITABLE:
        raise Conflict(_("Only a draft or a returned declaration can be submitted."))
    previous = declaration.status
    now = timezone.now()
    declaration.status, declaration.submitted_at = DeclarationStatus.SUBMITTED, now
    declaration.review_due = now + datetime.timedelta(days=review_deadline_days())
    declaration.save(update_fields=["status", "submitted_at", "review_due", "updated_at"])
    audit.record(actor, "enterprise.declaration.submitted", declaration,
                 changes={"status": [previous, declaration.status], "review_due": [None, declaration.review_due]})
    return declaration


def _review(declaration: ResumptionDeclaration, *, actor, status: str, reason: str = "") -> ResumptionDeclaration:
    require(actor, "enterprise.review_resumptiondeclaration", declaration)
    declaration = _locked(declaration)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise Conflict(_("Only a submitted declaration can be reviewed."))
    declaration.status, declaration.reviewed_at, declaration.reviewed_by = status, timezone.now(), actor
    declaration.return_reason = reason
    declaration.save(update_fields=["status", "reviewed_at", "reviewed_by", "return_reason", "updated_at"])
    action = "approved" if status == DeclarationStatus.APPROVED else "returned"
    audit.record(actor, f"enterprise.declaration.{action}", declaration,
                 changes={"status": [DeclarationStatus.SUBMITTED, status]}, reason=reason)
    return declaration


@transaction.atomic
def approve_declaration(declaration: ResumptionDeclaration, *, actor) -> ResumptionDeclaration:
    return _review(declaration, actor=actor, status=DeclarationStatus.APPROVED)


@transaction.atomic
def return_declaration(declaration: ResumptionDeclaration, *, actor, reason: str) -> ResumptionDeclaration:
    reason = (reason or "").strip()
    if len(reason) < 2 or len(reason) > 1000:
        raise field_error("reason", _("Say what the enterprise must change (2 to 1000 characters)."))
    return _review(declaration, actor=actor, status=DeclarationStatus.RETURNED, reason=reason)


def _check_upload(upload) -> str:
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise field_error("file", _("Upload a PDF, JPEG, PNG, DOCX or XLSX file."))
    if upload.size > attachment_max_bytes():
        raise field_error("file", _("The file is larger than %(mb)s MB.") % {"mb": attachment_max_bytes() // 2**20})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[suffix]):
        raise field_error("file", _("The file's content does not match its type."))
    return name[-200:]


@transaction.atomic
def add_attachment(declaration: ResumptionDeclaration, *, actor, upload) -> DeclarationAttachment:
    require(actor, "enterprise.change_resumptiondeclaration", declaration)
    declaration = _locked(declaration)
    if declaration.status not in EDITABLE:
        raise Conflict(_("Attachments can be added to a draft or a returned declaration only."))
    if declaration.attachments.count() >= 10:
        raise Conflict(_("A declaration has at most 10 attachments."))
    name = _check_upload(upload)
    attachment = DeclarationAttachment(declaration=declaration, name=name)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.record(actor, "enterprise.declaration.attachment_added", declaration,
                 changes={"attachment": [None, name], "size": [None, upload.size]})
    return attachment


@transaction.atomic
def remove_attachment(attachment: DeclarationAttachment, *, actor) -> None:
    declaration = _locked(attachment.declaration)
    require(actor, "enterprise.change_resumptiondeclaration", declaration)
    if declaration.status not in EDITABLE:
        raise Conflict(_("Attachments can be removed from a draft or a returned declaration only."))
    name, stored = attachment.name, attachment.file.name
    attachment.delete()
    audit.record(actor, "enterprise.declaration.attachment_removed", declaration, changes={"attachment": [name, None]})
    storage = DeclarationAttachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
