"""Key-person categories, key people and nucleic-acid tests. Pages, API, imports and tasks call these."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit
from twofront.core.errors import Conflict, field_error
from twofront.core.errors import clean_text as clean_text  # control characters refused, line breaks too
from twofront.core.models import Person, Region, RiskLevel
from twofront.core.scope import require
from twofront.metrics.dirty import touch, touch_many
from twofront.prevention.choices import TestResult
from twofront.prevention.models import KeyCategory, KeyPersonEntry, NucleicTest

MAX_PAST_DAYS = 366  # records older than a year are history, not today's work
CLOCK_SKEW = datetime.timedelta(minutes=5)  # a phone's clock a little ahead is not "in the future"
CATEGORY_LEVELS = (RiskLevel.YELLOW, RiskLevel.RED)


def check_day(value: datetime.date, field: str, *, earliest: datetime.date | None = None,
              latest: datetime.date | None = None) -> datetime.date:
    """A date within [earliest, latest] (default: the past year up to today)."""
    today = timezone.localdate()
    earliest = earliest or today - datetime.timedelta(days=MAX_PAST_DAYS)
    latest = latest or today
    if not isinstance(value, datetime.date) or not earliest <= value <= latest:
        raise field_error(field, _("Enter a date from %(first)s to %(last)s.") % {"first": earliest, "last": latest})
    return value


def check_moment(value: datetime.datetime, field: str, *, earliest: datetime.datetime | None = None) -> datetime.datetime:
    """A time from `earliest` (default: a year ago) up to now; a naive time is local time."""
    if not isinstance(value, datetime.datetime):
        raise field_error(field, _("Enter a date and time."))
    now = timezone.now()
    low, high = earliest or now - datetime.timedelta(days=MAX_PAST_DAYS), now + CLOCK_SKEW
    if timezone.is_naive(value):  # compared as local times, so an absurd year is refused, never converted
        low, high = (timezone.localtime(moment).replace(tzinfo=None) for moment in (low, high))
    if not low <= value <= high:
        first = timezone.localtime(low) if timezone.is_aware(low) else low
        raise field_error(field, _("Enter a time from %(first)s up to now.") % {"first": f"{first:%Y-%m-%d %H:%M}"})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def city_region() -> Region:
    return Region.objects.get(depth=0)


# -- categories ------------------------------------------------------------------------------------

def _category_fields(name, name_en, risk_level, order) -> dict:
    if risk_level not in CATEGORY_LEVELS:
        raise field_error("risk_level", _("Choose yellow or red."))
    if not isinstance(order, int) or not 0 <= order <= 999:
        raise field_error("order", _("Enter 0 to 999."))
    return {"name": clean_text(name, "name", required=True, max_length=64),
            "name_en": clean_text(name_en, "name_en", max_length=64), "risk_level": risk_level, "order": order}


@transaction.atomic
def create_category(*, actor, code: str, name: str, name_en: str = "", risk_level: str = RiskLevel.YELLOW,
                    order: int = 0) -> KeyCategory:
    require(actor, "prevention.add_keycategory", region=city_region())
    code = clean_text(code, "code", required=True, max_length=32).lower()
    if not all(c.isascii() and (c.isalnum() or c == "_") for c in code):
        raise field_error("code", _("Use lower-case letters, digits and underscores."))
    fields = _category_fields(name, name_en, risk_level, order)
    if KeyCategory.objects.filter(code=code).exists():
        raise field_error("code", _("This code is taken."))
    category = KeyCategory.objects.create(code=code, **fields)
    audit.record(actor, "prevention.key_category.created", category, region=city_region(),
                 changes=audit.diff({}, audit.snapshot(category, ["code", *fields, "active"])))
    return category


@transaction.atomic
def update_category(category: KeyCategory, *, actor, name: str, name_en: str, risk_level: str, order: int,
                    active: bool) -> KeyCategory:
    """Everything but the code, which risk rules and facts refer to."""
    require(actor, "prevention.change_keycategory", region=city_region())
    names = ["name", "name_en", "risk_level", "order", "active"]
    before = audit.snapshot(category, names)
    for key, value in {**_category_fields(name, name_en, risk_level, order), "active": bool(active)}.items():
        setattr(category, key, value)
    changes = audit.diff(before, audit.snapshot(category, names))
    if changes:
        category.save(update_fields=names)
        audit.record(actor, "prevention.key_category.updated", category, region=city_region(), changes=changes)
    return category


# -- key people ------------------------------------------------------------------------------------

@transaction.atomic
def add_key_person(*, actor, person: Person, category: KeyCategory, since: datetime.date,
                   source: str = "") -> KeyPersonEntry:
    require(actor, "prevention.add_keypersonentry", region=person.region)
    if not category.active:
        raise field_error("category", _("This category is no longer in use."))
    check_day(since, "since")
    source = clean_text(source, "source", max_length=64)
    # One open entry per person and category: a second would count the person twice.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if KeyPersonEntry.objects.filter(person=person, category=category, until__isnull=True).exists():
        raise Conflict(_("This person is already in this category."))
    entry = KeyPersonEntry.objects.create(person=person, category=category, since=since, source=source,
                                          region=person.region)
    audit.record(actor, "prevention.key_person.added", entry,
                 changes={"category": category.code, "since": since, "source": source})
    touch(KeyPersonEntry, region_id=entry.region_id, day=entry.since)
    return entry


@transaction.atomic
def release_key_person(entry: KeyPersonEntry, *, actor, until: datetime.date) -> KeyPersonEntry:
    require(actor, "prevention.change_keypersonentry", entry)
    entry = KeyPersonEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.until is not None:
        raise Conflict(_("This person was already released from the category on %(day)s.") % {"day": entry.until})
    entry.until = check_day(until, "until", earliest=entry.since)
    entry.save(update_fields=["until"])
    audit.record(actor, "prevention.key_person.released", entry, changes={"until": [None, until]})
    touch(KeyPersonEntry, region_id=entry.region_id, day=entry.since)
    return entry


# -- nucleic-acid tests ----------------------------------------------------------------------------

def create_test(*, actor, person: Person, sample_id: str, sampled_at: datetime.datetime, sample_site: str = "",
                lab: str = "") -> NucleicTest:
    """The write itself; callers check the permission (officials over the person's region, hotel staff
    over the stay) and hold the transaction."""
    sample_id = clean_text(sample_id, "sample_id", required=True, max_length=32)
    sampled_at = check_moment(sampled_at, "sampled_at")
    fields = {"sample_site": clean_text(sample_site, "sample_site", max_length=128),
              "lab": clean_text(lab, "lab", max_length=128)}
    if NucleicTest.objects.filter(sample_id=sample_id).exists():
        raise field_error("sample_id", _("This sample number is already registered."))
    try:
        with transaction.atomic():
            test = NucleicTest.objects.create(person=person, sample_id=sample_id, sampled_at=sampled_at,
                                              region=person.region, **fields)
    except IntegrityError:
        raise field_error("sample_id", _("This sample number is already registered."))
    audit.record(actor, "prevention.test.sampled", test, changes={"sample_id": sample_id, "sampled_at": sampled_at,
                                                                  **fields})
    touch(NucleicTest, region_id=test.region_id, day=test.sampled_at)
    # Coverage counts the person's open key-person entries as tested from now on.
    touch_many(KeyPersonEntry, KeyPersonEntry.objects.filter(person=person, until__isnull=True)
               .values_list("region_id", "since"))
    return test


@transaction.atomic
def register_sample(*, actor, person: Person, sample_id: str, sampled_at: datetime.datetime, sample_site: str = "",
                    lab: str = "") -> NucleicTest:
    require(actor, "prevention.add_nucleictest", region=person.region)
    return create_test(actor=actor, person=person, sample_id=sample_id, sampled_at=sampled_at,
                       sample_site=sample_site, lab=lab)


@transaction.atomic
def record_result(test: NucleicTest, *, actor, result: str, result_at: datetime.datetime) -> NucleicTest:
    """A result typed in by hand. Corrections come with the lab's batch (imported on the sample number)."""
    require(actor, "prevention.change_nucleictest", test)
    if result not in (TestResult.NEGATIVE, TestResult.POSITIVE):
        raise field_error("result", _("Choose negative or positive."))
    test = NucleicTest.objects.select_for_update().get(pk=test.pk)
    if test.result != TestResult.PENDING:
        raise Conflict(_("This sample already has a result (%(result)s).") % {"result": test.get_result_display()})
    test.result, test.result_at = result, check_moment(result_at, "result_at", earliest=test.sampled_at)
    test.save(update_fields=["result", "result_at"])
    audit.record(actor, "prevention.test.resulted", test,
                 changes={"result": [TestResult.PENDING, result], "result_at": [None, test.result_at]})
    touch(NucleicTest, region_id=test.region_id, day=test.result_at)
    return test
