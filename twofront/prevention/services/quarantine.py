"""Designated quarantine sites and the stays in them: check-in, daily health checks, the release test and
release. Pages, API and tasks call these; none of them repeats the rules."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit
from twofront.core.choices import OrganisationKind, Symptom
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Organisation, Person, Region
from twofront.core.scope import require
from twofront.metrics.dirty import touch, touch_many
from twofront.prevention.choices import StayStatus, TestResult
from twofront.prevention.models import NucleicTest, QuarantineSite, QuarantineStay, StayHealthCheck
from twofront.prevention.services.testing import check_day, clean_text, create_test

STAY_DAYS = 14  # the planned end defaults to 14 days after the start
MAX_STAY_DAYS = 60
RELEASE_TEST_DAYS = 3  # the release test is sampled at most this many days before release
FEVER = Decimal("37.3")
MAX_UNITS = 100_000  # rooms and persons per site

SITE_FIELDS = ["name", "address", "rooms", "capacity", "for_hubei_travellers", "active", "opened_on"]


def _count(value, field: str, *, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_UNITS:
        raise field_error(field, _("Enter a number from %(low)s to %(high)s.") % {"low": minimum, "high": MAX_UNITS})
    return value


def _site_fields(*, name, address, rooms, capacity, for_hubei_travellers, opened_on) -> dict:
    return {"name": clean_text(name, "name", required=True, max_length=128),
            "address": clean_text(address, "address", max_length=255),
            "rooms": _count(rooms, "rooms"), "capacity": _count(capacity, "capacity"),
            "for_hubei_travellers": bool(for_hubei_travellers),
            "opened_on": check_day(opened_on or timezone.localdate(), "opened_on",
                                   earliest=datetime.date(2019, 12, 1))}


def _touch_site(site: QuarantineSite) -> None:
    touch(QuarantineSite, region_id=site.region_id, day=site.opened_on)


@transaction.atomic
def create_site(*, actor, region: Region, name: str, rooms: int, capacity: int, address: str = "",
                for_hubei_travellers: bool = False, opened_on: datetime.date | None = None) -> QuarantineSite:
    """A designated hotel and the Organisation its staff are assigned to."""
    require(actor, "prevention.add_quarantinesite", region=region)
    fields = _site_fields(name=name, address=address, rooms=rooms, capacity=capacity,
                          for_hubei_travellers=for_hubei_travellers, opened_on=opened_on)
    organisation = Organisation.objects.create(name=fields["name"], kind=OrganisationKind.QUARANTINE_SITE,
                                               region=region)
    site = QuarantineSite.objects.create(organisation=organisation, region=region, **fields)
    audit.record(actor, "prevention.site.created", site, changes=audit.diff({}, audit.snapshot(site, SITE_FIELDS)))
    _touch_site(site)
    return site


@transaction.atomic
def update_site(site: QuarantineSite, *, actor, name: str, rooms: int, capacity: int, address: str = "",
                for_hubei_travellers: bool = False, active: bool = True,
                opened_on: datetime.date | None = None) -> QuarantineSite:
    require(actor, "prevention.change_quarantinesite", site)
    before = audit.snapshot(site, SITE_FIELDS)
    old_day = site.opened_on
    fields = _site_fields(name=name, address=address, rooms=rooms, capacity=capacity,
                          for_hubei_travellers=for_hubei_travellers, opened_on=opened_on or site.opened_on)
    for key, value in {**fields, "active": bool(active)}.items():
        setattr(site, key, value)
    changes = audit.diff(before, audit.snapshot(site, SITE_FIELDS))
    if changes:
        site.save(update_fields=SITE_FIELDS)
        if "name" in changes:
            Organisation.objects.filter(pk=site.organisation_id).update(name=site.name)
        audit.record(actor, "prevention.site.updated", site, changes=changes)
        touch_many(QuarantineSite, [(site.region_id, old_day), (site.region_id, site.opened_on)])
    return site


def _touch_stay(stay: QuarantineStay) -> None:
    # Active stays count on their start day, releases due on the planned end, releases on the day released.
    days = [stay.starts_on, stay.ends_on] + ([stay.released_at] if stay.released_at else [])
    touch_many(QuarantineStay, [(stay.site.region_id, day) for day in days])


@transaction.atomic
def check_in(*, actor, site: QuarantineSite, person: Person, room: str, starts_on: datetime.date | None = None,
             ends_on: datetime.date | None = None) -> QuarantineStay:
    require(actor, "prevention.add_quarantinestay", site)
    today = timezone.localdate()
    starts_on = check_day(starts_on or today, "starts_on", earliest=today - datetime.timedelta(days=MAX_STAY_DAYS),
                          latest=today + datetime.timedelta(days=1))
    ends_on = check_day(ends_on or starts_on + datetime.timedelta(days=STAY_DAYS), "ends_on", earliest=starts_on,
                        latest=starts_on + datetime.timedelta(days=MAX_STAY_DAYS))
    room = clean_text(room, "room", required=True, max_length=16)
    # The site row lock makes "is there a free place" and the check-in one step for concurrent desks.
    site = QuarantineSite.objects.select_for_update().get(pk=site.pk)
    if not site.active:
        raise Conflict(_("This site no longer takes guests."))
    if QuarantineStay.objects.filter(person=person, status=StayStatus.ACTIVE).exists():
        raise Conflict(_("This person is already in quarantine."))
    if site.stays.filter(status=StayStatus.ACTIVE).count() >= site.capacity:
        raise Conflict(_("The site is full (%(capacity)s persons).") % {"capacity": site.capacity})
    try:
        with transaction.atomic():
            stay = QuarantineStay.objects.create(person=person, site=site, room=room, starts_on=starts_on,
                                                 ends_on=ends_on)
    except IntegrityError:  # a concurrent check-in of the same person at another site
        raise Conflict(_("This person is already in quarantine."))
    audit.record(actor, "prevention.stay.checked_in", stay,
                 changes={"person": person.pk, "site": site.pk, "room": room, "starts_on": starts_on,
                          "ends_on": ends_on})
    _touch_stay(stay)
    return stay


def _active(stay: QuarantineStay) -> QuarantineStay:
    stay = QuarantineStay.objects.select_for_update().select_related("site", "person").get(pk=stay.pk)
    if stay.status != StayStatus.ACTIVE:
        raise Conflict(_("This stay has ended (%(status)s).") % {"status": stay.get_status_display()})
    return stay


def _temperature(value) -> Decimal:
    try:
        temperature = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise field_error("temperature", _("Enter a temperature such as 36.5."))
    if not Decimal("34.0") <= temperature <= Decimal("43.0"):
        raise field_error("temperature", _("Enter a temperature from 34.0 to 43.0 °C."))
    return temperature


@transaction.atomic
def record_health_check(stay: QuarantineStay, *, actor, temperature, symptoms: list[str] | tuple = (),
                        day: datetime.date | None = None) -> StayHealthCheck:
    """The daily check of a guest; one a day."""
    require(actor, "prevention.change_quarantinestay", stay)
    stay = _active(stay)
    day = check_day(day or timezone.localdate(), "day", earliest=stay.starts_on)
    temperature = _temperature(temperature)
    symptoms = list(dict.fromkeys(symptoms or ()))
    if any(s not in Symptom.values for s in symptoms):
        raise field_error("symptoms", _("Choose listed symptoms."))
    if stay.checks.filter(day=day).exists():
        raise Conflict(_("Today's check of this guest is already recorded."))
    try:
        with transaction.atomic():
            check = StayHealthCheck.objects.create(stay=stay, day=day, temperature=temperature, symptoms=symptoms,
                                                   checked_by=actor)
    except IntegrityError:  # recorded by a colleague a moment ago
        raise Conflict(_("Today's check of this guest is already recorded."))
    audit.record(actor, "prevention.stay.checked", stay,
                 changes={"day": day, "temperature": temperature, "symptoms": symptoms})
    return check


@transaction.atomic
def register_release_sample(stay: QuarantineStay, *, actor, sample_id: str,
                            sampled_at: datetime.datetime | None = None) -> NucleicTest:
    """The release test is sampled at the site by its staff; the result comes from the lab."""
    require(actor, "prevention.change_quarantinestay", stay)
    stay = _active(stay)
    return create_test(actor=actor, person=stay.person, sample_id=sample_id, sampled_at=sampled_at or timezone.now(),
                       sample_site=stay.site.name)


def release_tests(stay: QuarantineStay):
    """The tests that may release this guest today: negative, sampled recently and during the stay."""
    earliest = max(stay.starts_on, timezone.localdate() - datetime.timedelta(days=RELEASE_TEST_DAYS))
    return NucleicTest.objects.filter(person_id=stay.person_id, result=TestResult.NEGATIVE,
                                      sampled_at__date__gte=earliest).order_by("-sampled_at")


@transaction.atomic
def release_stay(stay: QuarantineStay, *, actor, release_test: NucleicTest | None) -> QuarantineStay:
    """Release on or after the planned end, with a negative test of the guest sampled in the last days."""
    require(actor, "prevention.release_quarantinestay", stay)
    stay = _active(stay)
    if timezone.localdate() < stay.ends_on:
        raise Conflict(_("The planned end is %(day)s; release is not possible before.") % {"day": stay.ends_on})
    if release_test is None or not release_tests(stay).filter(pk=release_test.pk).exists():
        raise field_error("release_test", _("Release needs a negative test of this guest sampled in the last "
                                            "%(days)s days of the stay.") % {"days": RELEASE_TEST_DAYS})
    stay.status, stay.released_at, stay.release_test = StayStatus.RELEASED, timezone.now(), release_test
    stay.save(update_fields=["status", "released_at", "release_test"])
    audit.record(actor, "prevention.stay.released", stay,
                 changes={"status": [StayStatus.ACTIVE, StayStatus.RELEASED], "release_test": release_test.sample_id})
    _touch_stay(stay)
    return stay
