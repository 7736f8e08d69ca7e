"""Input rules shared by the community line of defence (compounds, screening, venues)."""

import datetime
from functools import partial

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import errors
from twofront.core.errors import field_error
from twofront.core.models import Region

# Free text here may span lines; other control characters are refused.
clean_text = partial(errors.clean_text, multiline=True)

# Records describe what happened: not before the epidemic's first year of records, never in the future.
EARLIEST_DAY = datetime.date(2019, 12, 1)


def clean_day(value: datetime.date | None, field: str, *, not_before: datetime.date | None = None,
              future_days: int = 0) -> datetime.date:
    """A date from EARLIEST_DAY (or `not_before`) up to today (plus `future_days`)."""
    today = timezone.localdate()
    if value is None:
        raise field_error(field, _("This field is required."))
    if value > today + datetime.timedelta(days=future_days):
        raise field_error(field, _("The date cannot be in the future.") if not future_days
                          else _("The date is too far in the future."))
    if value < max(EARLIEST_DAY, not_before or EARLIEST_DAY):
        first = max(EARLIEST_DAY, not_before or EARLIEST_DAY)
        raise field_error(field, _("The date cannot be before %(day)s.") % {"day": first.isoformat()})
    return value


def clean_moment(value: datetime.datetime | None, field: str, *, future_days: int = 0) -> datetime.datetime:
    """A time from EARLIEST_DAY up to now (plus `future_days`); a time without zone is local time."""
    if not isinstance(value, datetime.datetime):
        raise field_error(field, _("Enter a date and time."))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=timezone.get_current_timezone())
    low = timezone.make_aware(datetime.datetime.combine(EARLIEST_DAY, datetime.time.min))
    if not low <= value <= timezone.now() + datetime.timedelta(days=future_days, minutes=5):
        raise field_error(field, _("Enter a time from %(first)s up to %(days)s days ahead.")
                          % {"first": EARLIEST_DAY.isoformat(), "days": future_days})
    return value.astimezone(datetime.UTC)  # PostgreSQL refuses offsets beyond +-15:59, which Python allows


def require_level(region: Region, field: str, *levels: str) -> Region:
    if region.level not in levels:
        raise field_error(field, _("Choose a region of level: %(levels)s.") % {"levels": ", ".join(levels)})
    return region


def user_by_username(username: str, field: str = "username"):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise field_error(field, _("No active account has this user name."))
    return user
