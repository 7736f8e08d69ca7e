"""Errors services raise; the API turns them into problem+json, the pages into form errors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def field_error(field: str, message) -> ValidationError:
    return ValidationError({field: [message]})


def clean_text(value, field: str, *, required: bool = False, max_length: int = 200, multiline: bool = False) -> str:
    """Trimmed text. Control characters are field errors (PostgreSQL cannot store NUL), except line breaks and
    tabs in `multiline` text; so are a missing required value and overlong text."""
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    allowed = "\n\r\t" if multiline else ""
    if any(ord(c) < 32 and c not in allowed for c in value):
        raise field_error(field, _("Remove the control characters."))
    if required and not value:
        raise field_error(field, _("This field is required."))
    if len(value) > max_length:
        raise field_error(field, _("Use at most %(n)s characters.") % {"n": max_length})
    return value


class Conflict(Exception):
    """The request is well formed but clashes with the state of the records (e.g. still referenced)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
