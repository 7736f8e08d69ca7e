"""Input checks shared by the operations services (duty, information reports, incidents)."""

import datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import errors
from twofront.core.errors import field_error

# Free text here may span lines; other control characters are refused.
clean_text = partial(errors.clean_text, multiline=True)

EARLIEST_DAY = datetime.date(2019, 12, 1)  # the platform holds nothing from before the epidemic


def clean_moment(value, field: str, *, future_days: int = 0) -> datetime.datetime:
    """A time from EARLIEST_DAY up to now (plus `future_days`); a time without zone is local time.
    Stored in UTC: PostgreSQL refuses offsets beyond +-15:59 that Python allows."""
    if not isinstance(value, datetime.datetime):
        raise field_error(field, _("Enter a date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    low = timezone.make_aware(datetime.datetime.combine(EARLIEST_DAY, datetime.time.min))
    if not low <= value <= timezone.now() + datetime.timedelta(days=future_days, minutes=5):
        raise field_error(field, _("Enter a time from %(first)s up to %(days)s days ahead.")
                          % {"first": EARLIEST_DAY.isoformat(), "days": future_days})
    return value.astimezone(datetime.UTC)


def clean_day(value, field: str, *, future_days: int = 0) -> datetime.date:
    """A date from EARLIEST_DAY up to today (plus `future_days`)."""
    latest = timezone.localdate() + datetime.timedelta(days=future_days)
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime) \
            or not EARLIEST_DAY <= value <= latest:
        raise field_error(field, _("Enter a date from %(first)s to %(last)s.")
                          % {"first": EARLIEST_DAY.isoformat(), "last": latest.isoformat()})
    return value
