"""Prevention's records as risk facts, case by case through core.risk.statuses_for (with `today` for expiry)."""

import datetime

import pytest
from django.utils import timezone

from twofront.core import risk
from twofront.core.services import risk as risk_services
from twofront.prevention.facts_health import health_facts
from twofront.prevention.models import KeyCategory, KeyPersonEntry
from twofront.prevention.services import quarantine as stays
from twofront.prevention.services import testing as services

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """The unit kit creates six staff accounts per test; their passwords are never typed here."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


def day(offset: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=offset)


def at(offset_days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=offset_days)


def status(person, offset: int = 0):
    return risk.statuses_for([person.pk], today=day(offset))[person.pk]


@pytest.fixture
def official(personas):
    return personas["nanming"]


@pytest.fixture
def put_in(official):
    def put(person, code: str, since_offset: int) -> KeyPersonEntry:
        return services.add_key_person(actor=official, person=person, category=KeyCategory.objects.get(code=code),
                                       since=day(since_offset))
    return put


@pytest.fixture
def tested(official):
    counter = iter(range(1000))

    def test(person, result: str, offset_days: float):
        sample = services.register_sample(actor=official, person=person, sample_id=f"RF-{next(counter)}",
                                          sampled_at=at(offset_days - 0.2))
        return services.record_result(sample, actor=official, result=result, result_at=at(offset_days))
    return test


def test_nobody_on_record_is_green(person_nanming):
    assert status(person_nanming).level == "green"


def test_close_contact_is_red_for_14_days_from_entry(person_nanming, put_in):
    put_in(person_nanming, "close_contact", -3)
    red = status(person_nanming)
    assert (red.level, [r.rule for r in red.reasons], red.changes_on) == ("red", ["close_contact"], day(11))
    assert status(person_nanming, 10).level == "red"
    assert status(person_nanming, 11).level == "green"  # expired


@pytest.mark.parametrize("code", ["confirmed", "suspected"])
def test_confirmed_or_suspected_is_red_until_released_from_the_category(person_nanming, put_in, official, code):
    entry = put_in(person_nanming, code, -5)
    assert status(person_nanming).level == "red" and status(person_nanming).changes_on is None
    assert status(person_nanming, 300).level == "red"  # no expiry while in the category
    services.release_key_person(entry, actor=official, until=TODAY())
    assert status(person_nanming).level == "red"  # the day released still counts
    assert status(person_nanming, 1).level == "green"


def test_fever_patient_is_yellow_until_a_later_negative_test(person_nanming, put_in, tested):
    tested(person_nanming, "negative", -4)  # before the fever: does not clear it
    put_in(person_nanming, "fever", -2)
    assert status(person_nanming).level == "yellow"
    tested(person_nanming, "negative", -0.1)
    assert status(person_nanming).level == "green"


def test_arrival_from_a_high_risk_area_is_yellow_for_14_days(person_nanming, put_in):
    put_in(person_nanming, "high_risk_arrival", -13)
    assert status(person_nanming).level == "yellow" and status(person_nanming).changes_on == day(1)
    assert status(person_nanming, 1).level == "green"


def test_a_positive_test_is_red_for_28_days(person_nanming, tested):
    tested(person_nanming, "positive", -1)
    assert status(person_nanming).level == "red"
    assert [r.rule for r in status(person_nanming).reasons] == ["positive_test"]
    assert status(person_nanming, 26).level == "red"
    assert status(person_nanming, 27).level == "green"


def test_a_pending_test_is_no_fact(person_nanming, official):
    services.register_sample(actor=official, person=person_nanming, sample_id="P-1", sampled_at=at(-0.1))
    assert status(person_nanming).level == "green"


def test_quarantine_is_red_while_it_lasts_and_until_the_release_day(person_nanming, units, tested):
    stay = stays.check_in(actor=units["hotel_staff_nanming"], site=units["site_nanming"], person=person_nanming,
                          room="1", starts_on=day(-14))
    assert status(person_nanming).level == "red" and status(person_nanming).changes_on is None
    assert status(person_nanming, 30).level == "red"  # still in: no expiry
    test = tested(person_nanming, "negative", -0.5)
    stays.release_stay(stay, actor=units["hotel_staff_nanming"], release_test=test)
    released = status(person_nanming)
    assert released.level == "red" and released.changes_on == day(1)
    assert status(person_nanming, 1).level == "green"


def test_the_worst_level_wins_and_every_reason_is_listed(person_nanming, put_in):
    put_in(person_nanming, "high_risk_arrival", -2)
    put_in(person_nanming, "close_contact", -1)
    result = status(person_nanming)
    assert result.level == "red" and [r.rule for r in result.reasons] == ["close_contact", "high_risk_arrival"]


def test_an_override_replaces_the_status_until_its_date(person_nanming, put_in, personas):
    put_in(person_nanming, "close_contact", -1)
    risk_services.override_risk(person_nanming, actor=personas["nanming"], level="green", reason="核酸两次阴性，专家会商解除",
                                until=day(2))
    result = status(person_nanming)
    assert (result.level, result.overridden, result.changes_on) == ("green", True, day(3))
    assert status(person_nanming, 2).level == "green"
    after = status(person_nanming, 3)
    assert (after.level, after.overridden) == ("red", False)  # back to the rules


def test_many_persons_at_once_and_old_history_left_out(make_person, put_in, official):
    a, b = make_person(), make_person()
    put_in(a, "close_contact", -1)
    old = put_in(b, "confirmed", -200)
    services.release_key_person(old, actor=official, until=day(-100))
    result = risk.statuses_for([a.pk, b.pk])
    assert (result[a.pk].level, result[b.pk].level) == ("red", "green")
    facts = health_facts([a.pk, b.pk], day(-60))
    assert b.pk not in facts and [f.kind for f in facts[a.pk]] == ["key_category"]


# -- the person page: the badge, and the override form for officials ---------------------------------

def test_person_page_shows_the_status_with_reasons(person_nanming, put_in, client_as, personas):
    put_in(person_nanming, "close_contact", -2)
    page = client_as(personas["nanming"]).get(f"/persons/{person_nanming.pk}/").content.decode()
    assert 'data-level="red"' in page and "密切接触者" in page and day(12).isoformat() in page
    assert f'action="/persons/{person_nanming.pk}/risk/override/"' in page
    # a grid worker sees the status but may not override it
    page = client_as(personas["grid_nanming"]).get(f"/persons/{person_nanming.pk}/").content.decode()
    assert 'data-level="red"' in page and "/risk/override/" not in page


@pytest.mark.parametrize(("persona", "body", "status"), [
    (None, "ok", 302), ("nanming", "ok", 302), ("commander", "ok", 302), ("yunyan", "ok", 404),
    ("grid_nanming", "ok", 403), ("nanming", "short_reason", 422), ("nanming", "too_late", 422)])
def test_override_page(person_nanming, personas, client_as, persona, body, status):
    from twofront.core.models import AuditEvent, RiskOverride

    data = {"level": "red", "until": day(3).isoformat(), "reason": "流调发现密接，居家观察"}
    data.update({"short_reason": {"reason": "密接"}, "too_late": {"until": day(90).isoformat()}}.get(body, {}))
    response = client_as(personas[persona] if persona else None).post(
        f"/persons/{person_nanming.pk}/risk/override/", data)
    assert response.status_code == status
    if persona is None:
        assert response["Location"].startswith("/login/")
    allowed = status == 302 and persona is not None
    assert RiskOverride.objects.exists() == allowed
    assert AuditEvent.objects.filter(action="core.risk.overridden").count() == int(allowed)
    if allowed:
        assert status_of_today(person_nanming) == ("red", True)


def status_of_today(person):
    result = status(person)
    return result.level, result.overridden
