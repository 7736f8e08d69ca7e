"""Errors services raise; the API turns them into problem+json, the pages into form errors."""

from django.core.exceptions import ValidationError


def field_error(field: str, message) -> ValidationError:
    return ValidationError({field: [message]})


class Conflict(Exception):
    """The request is well formed but clashes with the state of the records (e.g. still referenced)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
