"""Quarantine: check-in, daily checks, release rules, hotel staff see only their own site, occupancy metrics."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core import pii
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.metrics import selectors as metric_values
from twofront.metrics import services as metric_services
from twofront.prevention.choices import StayStatus
from twofront.prevention.models import NucleicTest, QuarantineSite, QuarantineStay, StayHealthCheck
from twofront.prevention.services import quarantine as services
from twofront.prevention.services import testing as test_services

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """The unit kit creates six staff accounts per test; their passwords are never typed here."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


def ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


@pytest.fixture
def stay(units, person_nanming):
    """A guest at the Nanming hotel whose 14 days end today."""
    return services.check_in(actor=units["hotel_staff_nanming"], site=units["site_nanming"], person=person_nanming,
                             room="301", starts_on=ago(14))


def negative_test(actor, person, sample_id="REL-1", hours=20) -> NucleicTest:
    test = test_services.register_sample(actor=actor, person=person, sample_id=sample_id, sampled_at=hours_ago(hours))
    return test_services.record_result(test, actor=actor, result="negative", result_at=hours_ago(hours - 4))


def snapshot():
    return {"stays": list(QuarantineStay.objects.values()), "checks": list(StayHealthCheck.objects.values()),
            "tests": list(NucleicTest.objects.values()), "sites": list(QuarantineSite.objects.values()),
            "audit": AuditEvent.objects.count()}


# -- check-in --------------------------------------------------------------------------------------

def test_check_in_defaults_to_fourteen_days(units, person_nanming):
    stay = services.check_in(actor=units["hotel_staff_nanming"], site=units["site_nanming"], person=person_nanming,
                             room="201")
    assert (stay.starts_on, stay.ends_on, stay.status) == (TODAY(), TODAY() + datetime.timedelta(days=14), "active")
    assert AuditEvent.objects.filter(action="prevention.stay.checked_in", actor=units["hotel_staff_nanming"]).count() == 1


def test_one_stay_at_a_time_and_never_beyond_capacity(units, personas, make_person, stay):
    with pytest.raises(Conflict):
        services.check_in(actor=personas["yunyan"], site=units["site_yunyan"], person=stay.person, room="1")
    site = units["site_yunyan"]
    QuarantineSite.objects.filter(pk=site.pk).update(capacity=1)
    services.check_in(actor=units["hotel_staff_yunyan"], site=site, person=make_person("520103001001001"), room="1")
    before = snapshot()
    with pytest.raises(Conflict):
        services.check_in(actor=units["hotel_staff_yunyan"], site=site, person=make_person("520103001001001"), room="2")
    after = snapshot()
    assert before["stays"] == after["stays"]


def test_hotel_staff_check_in_only_at_their_own_site(units, person_nanming):
    with pytest.raises(PermissionDenied):
        services.check_in(actor=units["hotel_staff_yunyan"], site=units["site_nanming"], person=person_nanming,
                          room="1")
    assert not QuarantineStay.objects.exists()


@pytest.mark.parametrize(("starts", "ends", "field"), [(-100, None, "starts_on"), (0, -1, "ends_on"), (0, 90, "ends_on")])
def test_stay_dates_are_bounded(units, person_nanming, starts, ends, field):
    starts_on = TODAY() + datetime.timedelta(days=starts)
    ends_on = starts_on + datetime.timedelta(days=ends) if ends is not None else None
    with pytest.raises(ValidationError) as error:
        services.check_in(actor=units["hotel_staff_nanming"], site=units["site_nanming"], person=person_nanming,
                          room="1", starts_on=starts_on, ends_on=ends_on)
    assert field in error.value.message_dict


# -- daily checks ----------------------------------------------------------------------------------

def test_one_health_check_a_day(units, stay):
    staff = units["hotel_staff_nanming"]
    check = services.record_health_check(stay, actor=staff, temperature=36.6, symptoms=["cough"])
    assert (check.day, check.temperature, check.symptoms) == (TODAY(), Decimal("36.6"), ["cough"])
    with pytest.raises(Conflict):
        services.record_health_check(stay, actor=staff, temperature=36.5)
    services.record_health_check(stay, actor=staff, temperature=36.5, day=ago(1))
    assert stay.checks.count() == 2


@pytest.mark.parametrize(("kwargs", "field"), [({"temperature": 45.1}, "temperature"),
                                               ({"temperature": "warm"}, "temperature"),
                                               ({"temperature": 36.5, "symptoms": ["headache!"]}, "symptoms"),
                                               ({"temperature": 36.5, "day": TODAY() + datetime.timedelta(days=1)}, "day")])
def test_bad_health_checks_are_field_errors(units, stay, kwargs, field):
    with pytest.raises(ValidationError) as error:
        services.record_health_check(stay, actor=units["hotel_staff_nanming"], **kwargs)
    assert field in error.value.message_dict
    assert not StayHealthCheck.objects.exists()


def test_other_hotel_cannot_check_or_release_my_guest(units, stay):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.record_health_check(stay, actor=units["hotel_staff_yunyan"], temperature=36.5)
    with pytest.raises(PermissionDenied):
        services.release_stay(stay, actor=units["hotel_staff_yunyan"], release_test=None)
    assert snapshot() == before


# -- release ---------------------------------------------------------------------------------------

def test_release_with_a_recent_negative_test(units, personas, stay):
    staff = units["hotel_staff_nanming"]
    sample = services.register_release_sample(stay, actor=staff, sample_id="REL-9", sampled_at=hours_ago(20))
    assert sample.sample_site == units["site_nanming"].name and sample.region == stay.person.region
    test_services.record_result(sample, actor=personas["nanming"], result="negative", result_at=hours_ago(10))
    assert list(services.release_tests(stay)) == [sample]

    released = services.release_stay(stay, actor=staff, release_test=sample)

    assert released.status == StayStatus.RELEASED and released.release_test == sample and released.released_at
    event = AuditEvent.objects.get(action="prevention.stay.released")
    assert event.actor == staff and event.changes["release_test"] == "REL-9"
    with pytest.raises(Conflict):  # released once
        services.release_stay(stay, actor=staff, release_test=sample)


def test_release_is_refused_before_the_planned_end(units, personas, person_nanming):
    staff = units["hotel_staff_nanming"]
    stay = services.check_in(actor=staff, site=units["site_nanming"], person=person_nanming, room="1", starts_on=ago(3))
    test = negative_test(personas["nanming"], person_nanming)
    before = snapshot()
    with pytest.raises(Conflict):
        services.release_stay(stay, actor=staff, release_test=test)
    assert snapshot() == before


@pytest.mark.parametrize("which", ["none", "positive", "pending", "too_old", "before_stay", "someone_else"])
def test_release_needs_this_guests_recent_negative_test(units, personas, make_person, stay, which):
    official = personas["nanming"]
    test = None
    if which in ("positive", "pending"):
        test = test_services.register_sample(actor=official, person=stay.person, sample_id="R", sampled_at=hours_ago(5))
        if which == "positive":
            test_services.record_result(test, actor=official, result="positive", result_at=hours_ago(1))
    elif which == "too_old":
        test = negative_test(official, stay.person, hours=24 * 5)
    elif which == "before_stay":
        QuarantineStay.objects.filter(pk=stay.pk).update(starts_on=TODAY(), ends_on=TODAY())
        stay.refresh_from_db()
        test = negative_test(official, stay.person, hours=30)
    elif which == "someone_else":
        test = negative_test(official, make_person("520102001001001"))
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.release_stay(stay, actor=units["hotel_staff_nanming"], release_test=test)
    assert "release_test" in error.value.message_dict
    assert snapshot() == before


# -- metrics ---------------------------------------------------------------------------------------

def test_occupancy_and_releases_due_follow_the_stays(units, personas, make_person, stay):
    staff = units["hotel_staff_nanming"]
    services.check_in(actor=staff, site=units["site_nanming"], person=make_person("520102001001001"), room="302")
    keys = ["prevention.quarantine_guests", "prevention.quarantine_capacity", "prevention.quarantine_occupancy",
            "prevention.quarantine_releases_due", "prevention.quarantine_released"]

    def read():
        metric_services.refresh_dirty()
        return {v.metric.key: v.value for v in metric_values.values(personas["nanming"], keys, "520102", TODAY(),
                                                                     TODAY()).values}

    QuarantineSite.objects.filter(pk=units["site_nanming"].pk).update(opened_on=ago(30))
    metric_services.rebuild()  # the sites of the test kit were created before any touch
    figures = read()
    assert (figures["prevention.quarantine_guests"], figures["prevention.quarantine_capacity"]) == (2, 60)
    assert round(figures["prevention.quarantine_occupancy"], 2) == Decimal("3.33")
    assert figures["prevention.quarantine_releases_due"] == 1

    services.release_stay(stay, actor=staff, release_test=negative_test(personas["nanming"], stay.person))
    figures = read()
    assert figures["prevention.quarantine_guests"] == 1 and figures["prevention.quarantine_releases_due"] == 0
    assert figures["prevention.quarantine_released"] == 1
    metric_services.rebuild()
    assert read() == figures


# -- API and pages ---------------------------------------------------------------------------------

def post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}, default=str), content_type="application/json", **headers)


def test_hotel_staff_check_in_by_the_id_card_and_retry_safely(units, person_nanming, client_as):
    client = client_as(units["hotel_staff_nanming"])
    body = {"id_number": pii.decrypt(person_nanming.id_number_ct), "room": "808"}
    url = f"/api/v1/prevention/sites/{units['site_nanming'].pk}/stays"
    first = post(client, url, body, HTTP_IDEMPOTENCY_KEY="phone-1")
    again = post(client, url, body, HTTP_IDEMPOTENCY_KEY="phone-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["id_number_masked"] == person_nanming.id_number_masked
    assert QuarantineStay.objects.count() == 1
    # but the staff cannot look anyone up in the registry
    assert client.get(f"/api/v1/persons/{person_nanming.pk}").status_code in (403, 404)


def test_hotel_staff_see_only_their_own_sites_guests(units, stay, make_person, client_as):
    services.check_in(actor=units["hotel_staff_yunyan"], site=units["site_yunyan"],
                      person=make_person("520103001001001"), room="1")
    mine = client_as(units["hotel_staff_nanming"]).get("/api/v1/prevention/stays").json()
    assert [s["id"] for s in mine["items"]] == [stay.pk]
    sites = client_as(units["hotel_staff_nanming"]).get("/api/v1/prevention/sites").json()
    assert [s["id"] for s in sites["items"]] == [units["site_nanming"].pk]
    assert sites["items"][0]["guests"] == 1 and sites["items"][0]["releases_due"] == 1


API_CASES = [
    ("sites", "get", "/api/v1/prevention/sites", None,
     {None: 401, "commander": 200, "nanming": 200, "hotel_staff_nanming": 200, "grid_nanming": 403,
      "hospital_staff_nanming": 403}),
    ("site", "get", "/api/v1/prevention/sites/{site}", None,
     {None: 401, "nanming": 200, "yunyan": 404, "hotel_staff_nanming": 200, "hotel_staff_yunyan": 404}),
    ("site_update", "patch", "/api/v1/prevention/sites/{site}", {"capacity": 80},
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hotel_staff_nanming": 403}),
    ("site_create", "post", "/api/v1/prevention/sites",
     {"name": "花果园酒店", "region_code": "520102001", "rooms": 80, "capacity": 100},
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "hotel_staff_nanming": 403}),
    ("stays", "get", "/api/v1/prevention/stays", None,
     {None: 401, "nanming": 200, "hotel_staff_yunyan": 200, "grid_nanming": 403}),
    ("stay", "get", "/api/v1/prevention/stays/{stay}", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hotel_staff_nanming": 200,
      "hotel_staff_yunyan": 404, "hospital_staff_nanming": 404}),
    ("check", "post", "/api/v1/prevention/stays/{stay}/checks", {"temperature": 36.8, "symptoms": ["cough"]},
     {None: 401, "nanming": 201, "yunyan": 404, "hotel_staff_nanming": 201, "hotel_staff_yunyan": 404}),
    ("sample", "post", "/api/v1/prevention/stays/{stay}/samples", {"sample_id": "API-S1"},
     {None: 401, "hotel_staff_nanming": 201, "hotel_staff_yunyan": 404}),
    ("release_tests", "get", "/api/v1/prevention/stays/{stay}/release-tests", None,
     {None: 401, "hotel_staff_nanming": 200, "hotel_staff_yunyan": 404}),
    ("release", "post", "/api/v1/prevention/stays/{stay}/release", {"release_test_id": "{test}"},
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "hotel_staff_nanming": 200,
      "hotel_staff_yunyan": 404, "norole": 404}),
    ("check_in", "post", "/api/v1/prevention/sites/{site}/stays", {"person_id": "{other}", "room": "9"},
     {None: 401, "nanming": 201, "yunyan": 404, "hotel_staff_yunyan": 404}),
]
WRITES = {"site_update": "prevention.site.updated", "site_create": "prevention.site.created",
          "check": "prevention.stay.checked", "sample": "prevention.test.sampled",
          "release": "prevention.stay.released", "check_in": "prevention.stay.checked_in"}


def _user(personas, units, name):
    return None if name is None else units[name] if name in units else personas[name]


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), [
    pytest.param(n, m, u, b, p, s, id=f"{n}-{p or 'anonymous'}") for n, m, u, b, e in API_CASES for p, s in e.items()])
def test_api_matrix(personas, units, stay, make_person, client_as, name, method, url, body, persona, status):
    test = negative_test(personas["commander"], stay.person)
    names = {"site": units["site_nanming"].pk, "stay": stay.pk, "test": test.pk,
             "other": make_person("520102001001001").pk}
    url = url.format(**names)
    if isinstance(body, dict):
        body = {k: names[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    before = snapshot()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = getattr(client_as(_user(personas, units, persona)), method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json")

    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert snapshot() == before
    elif name in WRITES:
        # exactly one audit event, by the caller
        assert list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", "actor")) == [
            (WRITES[name], _user(personas, units, persona).pk)]


PAGE_CASES = [
    ("today", "/prevention/quarantine/", {None: 302, "nanming": 200, "hotel_staff_nanming": 200, "grid_nanming": 403}),
    ("stays", "/prevention/quarantine/stays/", {None: 302, "nanming": 200, "hotel_staff_nanming": 200, "auditor": 403}),
    ("stay", "/prevention/quarantine/stays/{stay}/", {"nanming": 200, "yunyan": 404, "hotel_staff_nanming": 200,
                                           "hotel_staff_yunyan": 404}),
    ("check", "/prevention/quarantine/stays/{stay}/check/", {"hotel_staff_nanming": 200, "hotel_staff_yunyan": 404}),
    ("sample", "/prevention/quarantine/stays/{stay}/sample/", {"hotel_staff_nanming": 200, "hotel_staff_yunyan": 404}),
    ("release", "/prevention/quarantine/stays/{stay}/release/", {"hotel_staff_nanming": 200, "hotel_staff_yunyan": 404,
                                                      "yunyan": 404}),
    ("check_in", "/prevention/quarantine/stays/new/", {"hotel_staff_nanming": 200, "nanming": 200, "grid_nanming": 403}),
    ("sites", "/prevention/quarantine/sites/", {None: 302, "commander": 200, "hotel_staff_nanming": 200, "grid_nanming": 403}),
    ("site_new", "/prevention/quarantine/sites/new/", {"commander": 200, "nanming": 200, "hotel_staff_nanming": 403}),
    ("site_edit", "/prevention/quarantine/sites/{site}/edit/", {"nanming": 200, "yunyan": 404, "hotel_staff_nanming": 403}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"), [
    pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, units, stay, client_as, name, url, persona, status):
    response = client_as(_user(personas, units, persona)).get(url.format(stay=stay.pk, site=units["site_nanming"].pk))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


def test_daily_check_and_release_through_the_pages(units, personas, stay, client_as):
    client = client_as(units["hotel_staff_nanming"])
    page = client.get("/prevention/quarantine/").content.decode()
    assert stay.person.name in page and "301" in page

    response = client.post(f"/prevention/quarantine/stays/{stay.pk}/check/", {"temperature": "36.7", "symptoms": ["cough"]})
    assert response.status_code == 302
    assert client.post(f"/prevention/quarantine/stays/{stay.pk}/check/", {"temperature": "36.7"}).status_code == 422  # twice

    test = negative_test(personas["nanming"], stay.person)
    response = client.post(f"/prevention/quarantine/stays/{stay.pk}/release/", {"release_test": test.pk})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.status == StayStatus.RELEASED
