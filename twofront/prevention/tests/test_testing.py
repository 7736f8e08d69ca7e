"""Key-person categories, key people, samples and results: rules, jurisdiction, audit, coverage, metrics."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.core.risk import DEFAULT_RULES
from twofront.metrics import selectors as metric_values
from twofront.metrics import services as metric_services
from twofront.prevention import selectors_testing as selectors
from twofront.prevention.models import KeyCategory, KeyPersonEntry, NucleicTest
from twofront.prevention.services import testing as services

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
def close_contact(db) -> KeyCategory:
    return KeyCategory.objects.get(code="close_contact")


def test_the_five_seeded_categories_are_the_codes_the_risk_rules_match(db):
    codes = set(KeyCategory.objects.values_list("code", flat=True))
    rule_codes = {code for rule in DEFAULT_RULES if rule["fact"] == "key_category"
                  for code in rule["match"]["value_in"]}
    assert codes >= {"confirmed", "suspected", "fever", "close_contact", "high_risk_arrival"} == rule_codes


# -- categories -------------------------------------------------------------------------------------

def test_only_the_city_command_centre_edits_categories(personas):
    with pytest.raises(PermissionDenied):
        services.create_category(actor=personas["nanming"], code="returnee", name="返岗人员")
    assert not KeyCategory.objects.filter(code="returnee").exists()

    category = services.create_category(actor=personas["commander"], code="returnee", name="返岗人员",
                                        name_en="Returning worker", order=60)
    assert AuditEvent.objects.filter(action="prevention.key_category.created", object_id=str(category.pk)).count() == 1
    services.update_category(category, actor=personas["commander"], name="返岗务工人员", name_en="", risk_level="red",
                             order=60, active=False)
    category.refresh_from_db()
    assert (category.code, category.name, category.risk_level, category.active) == ("returnee", "返岗务工人员", "red", False)


@pytest.mark.parametrize(("code", "field"), [("close_contact", "code"), ("Has Space", "code"), ("", "code")])
def test_a_category_code_is_unique_and_plain(personas, code, field):
    with pytest.raises(ValidationError) as error:
        services.create_category(actor=personas["commander"], code=code, name="x")
    assert field in error.value.message_dict


def test_a_retired_category_takes_no_new_people(personas, person_nanming):
    category = services.create_category(actor=personas["commander"], code="old", name="旧类别")
    services.update_category(category, actor=personas["commander"], name="旧类别", name_en="", risk_level="yellow",
                             order=0, active=False)
    with pytest.raises(ValidationError):
        services.add_key_person(actor=personas["nanming"], person=person_nanming, category=category, since=TODAY())


# -- key people -------------------------------------------------------------------------------------

def test_add_and_release_a_key_person(personas, person_nanming, close_contact):
    entry = services.add_key_person(actor=personas["nanming"], person=person_nanming, category=close_contact,
                                    since=ago(3), source="社区摸排")
    assert entry.region == person_nanming.region
    # the same person twice in one category would be counted twice
    with pytest.raises(Conflict):
        services.add_key_person(actor=personas["nanming"], person=person_nanming, category=close_contact, since=ago(1))
    with pytest.raises(ValidationError):  # released before entering
        services.release_key_person(entry, actor=personas["nanming"], until=ago(5))
    services.release_key_person(entry, actor=personas["nanming"], until=TODAY())
    with pytest.raises(Conflict):
        services.release_key_person(entry, actor=personas["nanming"], until=TODAY())
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="prevention.key_person").order_by("id")] == [
        "prevention.key_person.added", "prevention.key_person.released"]


def test_other_district_cannot_add_or_release_and_nothing_changes(personas, person_nanming, close_contact):
    with pytest.raises(PermissionDenied):
        services.add_key_person(actor=personas["yunyan"], person=person_nanming, category=close_contact, since=TODAY())
    entry = services.add_key_person(actor=personas["nanming"], person=person_nanming, category=close_contact,
                                    since=TODAY())
    with pytest.raises(PermissionDenied):
        services.release_key_person(entry, actor=personas["yunyan"], until=TODAY())
    entry.refresh_from_db()
    assert entry.until is None and KeyPersonEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(action="prevention.key_person.released").exists()


@pytest.mark.parametrize("since", [datetime.date(1900, 1, 1), datetime.date(9999, 12, 31)])
def test_entry_dates_are_bounded(personas, person_nanming, close_contact, since):
    with pytest.raises(ValidationError):
        services.add_key_person(actor=personas["nanming"], person=person_nanming, category=close_contact, since=since)


# -- samples and results ----------------------------------------------------------------------------

def test_sample_then_result(personas, person_nanming):
    test = services.register_sample(actor=personas["nanming"], person=person_nanming, sample_id="GY-0001",
                                    sampled_at=hours_ago(5), sample_site="南明区人民医院")
    assert test.result == "pending" and test.region == person_nanming.region
    with pytest.raises(ValidationError):  # the number is the lab's key
        services.register_sample(actor=personas["nanming"], person=person_nanming, sample_id="GY-0001",
                                 sampled_at=hours_ago(1))
    with pytest.raises(ValidationError):  # a result before the sample was taken
        services.record_result(test, actor=personas["nanming"], result="negative", result_at=hours_ago(6))
    services.record_result(test, actor=personas["nanming"], result="negative", result_at=hours_ago(1))
    with pytest.raises(Conflict):  # corrections come with the lab's batch
        services.record_result(test, actor=personas["nanming"], result="positive", result_at=hours_ago(0.5))
    test.refresh_from_db()
    assert test.result == "negative"
    assert AuditEvent.objects.filter(action="prevention.test.resulted").count() == 1


@pytest.mark.parametrize("sampled_at", [
    datetime.datetime(9999, 12, 31, 23, 59), datetime.datetime(1, 1, 1, 0, 0),
    datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=-12)))])
def test_absurd_sample_times_are_field_errors(personas, person_nanming, sampled_at):
    with pytest.raises(ValidationError) as error:
        services.register_sample(actor=personas["nanming"], person=person_nanming, sample_id="X1", sampled_at=sampled_at)
    assert "sampled_at" in error.value.message_dict


def test_other_district_cannot_sample_or_enter_results(personas, person_nanming):
    with pytest.raises(PermissionDenied):
        services.register_sample(actor=personas["yunyan"], person=person_nanming, sample_id="X2", sampled_at=hours_ago(1))
    test = services.register_sample(actor=personas["nanming"], person=person_nanming, sample_id="X2",
                                    sampled_at=hours_ago(1))
    with pytest.raises(PermissionDenied):
        services.record_result(test, actor=personas["yunyan"], result="positive", result_at=timezone.now())
    test.refresh_from_db()
    assert test.result == "pending"


# -- coverage and metrics ---------------------------------------------------------------------------

def test_coverage_counts_people_sampled_since_they_entered_the_category(personas, make_person, close_contact):
    nanming = personas["nanming"]
    a, b, c = (make_person("520102001001001") for _ in range(3))
    yunyan_person = make_person("520103001001001")
    for person in (a, b, c):
        services.add_key_person(actor=nanming, person=person, category=close_contact, since=ago(2))
    services.add_key_person(actor=personas["yunyan"], person=yunyan_person, category=close_contact, since=ago(2))
    services.register_sample(actor=nanming, person=a, sample_id="C-A", sampled_at=hours_ago(1))
    # sampled before entering the category: does not count
    services.register_sample(actor=nanming, person=b, sample_id="C-B", sampled_at=timezone.now() - datetime.timedelta(days=4))

    rows = {row.category.code: row for row in selectors.coverage(nanming)}
    assert (rows["close_contact"].in_category, rows["close_contact"].tested) == (3, 1)
    assert rows["close_contact"].percent == 33.3
    assert rows["confirmed"].in_category == 0 and rows["confirmed"].percent is None
    city = {row.category.code: row for row in selectors.coverage(personas["commander"])}
    assert city["close_contact"].in_category == 4

    # the dashboard's figures, from the rollups, agree with the page
    metric_services.refresh_dirty()
    values = {v.metric.key: v.value for v in metric_values.values(
        nanming, ["prevention.key_people_close_contact", "prevention.key_people_close_contact_tested",
                  "prevention.test_coverage_close_contact", "prevention.tests_sampled"], "520102", TODAY(), TODAY()).values}
    assert values["prevention.key_people_close_contact"] == 3
    assert values["prevention.key_people_close_contact_tested"] == 1
    assert round(values["prevention.test_coverage_close_contact"], 1) == Decimal("33.3")
    assert values["prevention.tests_sampled"] == 1


def test_metric_touches_leave_nothing_for_a_rebuild_to_fix(personas, person_nanming, close_contact):
    nanming = personas["nanming"]
    entry = services.add_key_person(actor=nanming, person=person_nanming, category=close_contact, since=ago(2))
    test = services.register_sample(actor=nanming, person=person_nanming, sample_id="M-1",
                                    sampled_at=timezone.now() - datetime.timedelta(days=1))
    services.record_result(test, actor=nanming, result="positive", result_at=hours_ago(20))
    services.release_key_person(entry, actor=nanming, until=TODAY())
    keys = ["prevention.key_people_all", "prevention.key_people_all_tested", "prevention.tests_sampled",
            "prevention.tests_positive"]

    def read():
        return [v.value for v in metric_values.values(nanming, keys, "520102", ago(5), TODAY()).values]

    metric_services.refresh_dirty()
    refreshed = read()
    metric_services.rebuild()
    assert read() == refreshed


# -- API --------------------------------------------------------------------------------------------

def post(client, url, body, **headers):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **headers)


def test_api_add_key_person_by_id_number_is_idempotent(personas, person_nanming, client_as):
    from twofront.core import pii

    client = client_as(personas["nanming"])
    body = {"id_number": pii.decrypt(person_nanming.id_number_ct), "category": "close_contact", "source": "流调"}
    first = post(client, "/api/v1/prevention/key-people", body, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, "/api/v1/prevention/key-people", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["id_number_masked"] == person_nanming.id_number_masked
    assert KeyPersonEntry.objects.count() == 1
    # without the key it is a second request: 409, the person is already in the category
    assert post(client, "/api/v1/prevention/key-people", body).status_code == 409
    # officials find people by number only in their jurisdiction
    response = post(client_as(personas["yunyan"]), "/api/v1/prevention/key-people", body)
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["id_number"]


def test_api_lists_are_scoped(personas, make_person, close_contact, client_as):
    mine, theirs = make_person("520102001001001"), make_person("520103001001001")
    services.add_key_person(actor=personas["commander"], person=mine, category=close_contact, since=TODAY())
    services.add_key_person(actor=personas["commander"], person=theirs, category=close_contact, since=TODAY())
    services.register_sample(actor=personas["commander"], person=mine, sample_id="S-M", sampled_at=hours_ago(1))
    services.register_sample(actor=personas["commander"], person=theirs, sample_id="S-T", sampled_at=hours_ago(1))
    client = client_as(personas["nanming"])
    assert [e["person_id"] for e in client.get("/api/v1/prevention/key-people").json()["items"]] == [mine.pk]
    assert [t["sample_id"] for t in client.get("/api/v1/prevention/tests").json()["items"]] == ["S-M"]
    assert client.get("/api/v1/prevention/tests", {"sample_id": "S-T"}).json()["count"] == 0
    assert client.get("/api/v1/prevention/key-people", {"region": "520103"}).json()["count"] == 0


# (name, method, url, body, {persona: status}); "{entry}" / "{test}" / "{category}" are Nanming records.
API_CASES = [
    ("categories", "get", "/api/v1/prevention/categories", None,
     {None: 401, "commander": 200, "nanming": 200, "grid_nanming": 200, "auditor": 403, "hotel_staff_nanming": 403}),
    ("category_create", "post", "/api/v1/prevention/categories", {"code": "x1", "name": "新类别"},
     {None: 401, "commander": 201, "nanming": 403, "norole": 403}),
    ("category_update", "patch", "/api/v1/prevention/categories/{category}", {"name": "密切接触者（更名）"},
     {None: 401, "commander": 200, "nanming": 403, "auditor": 403}),
    ("key_people", "get", "/api/v1/prevention/key-people", None,
     {None: 401, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "hotel_staff_nanming": 403}),
    ("key_person", "get", "/api/v1/prevention/key-people/{entry}", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "norole": 404}),
    ("release", "post", "/api/v1/prevention/key-people/{entry}/release", {},
     {None: 401, "nanming": 200, "yunyan": 404, "grid_nanming": 404}),
    ("add", "post", "/api/v1/prevention/key-people", {"person_id": "{person}", "category": "suspected"},
     {None: 401, "nanming": 201, "yunyan": 404, "norole": 404}),
    ("tests", "get", "/api/v1/prevention/tests", None, {None: 401, "nanming": 200, "auditor": 403}),
    ("test", "get", "/api/v1/prevention/tests/{test}", None, {None: 401, "nanming": 200, "yunyan": 404}),
    ("result", "post", "/api/v1/prevention/tests/{test}/result", {"result": "negative"},
     {None: 401, "nanming": 200, "yunyan": 404, "hotel_staff_nanming": 404}),
    ("sample", "post", "/api/v1/prevention/tests", {"person_id": "{person}", "sample_id": "NEW-1"},
     {None: 401, "nanming": 201, "yunyan": 404}),
    ("coverage", "get", "/api/v1/prevention/coverage", None, {None: 401, "nanming": 200, "norole": 403}),
]
WRITES = {"category_create": "prevention.key_category.created", "category_update": "prevention.key_category.updated",
          "release": "prevention.key_person.released", "add": "prevention.key_person.added",
          "result": "prevention.test.resulted", "sample": "prevention.test.sampled"}


def _user(personas, units, name):
    if name is None:
        return None
    return units[name] if name in units else personas[name]


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), [
    pytest.param(n, m, u, b, p, s, id=f"{n}-{p or 'anonymous'}") for n, m, u, b, e in API_CASES for p, s in e.items()])
def test_api_matrix(personas, units, person_nanming, close_contact, client_as, name, method, url, body, persona,
                    status):
    entry = services.add_key_person(actor=personas["commander"], person=person_nanming, category=close_contact,
                                    since=TODAY())
    test = services.register_sample(actor=personas["commander"], person=person_nanming, sample_id="MX-1",
                                    sampled_at=hours_ago(2))
    names = {"entry": entry.pk, "test": test.pk, "category": close_contact.pk, "person": person_nanming.pk}
    url = url.format(**names)
    if isinstance(body, dict):
        body = {k: names[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    before = {"entries": list(KeyPersonEntry.objects.values()), "tests": list(NucleicTest.objects.values()),
              "categories": list(KeyCategory.objects.values()), "audit": AuditEvent.objects.count()}
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client = client_as(_user(personas, units, persona))
    response = getattr(client, method)(url, json.dumps(body) if body is not None else None,
                                       content_type="application/json")

    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        # a refused call changed nothing
        assert before == {"entries": list(KeyPersonEntry.objects.values()), "tests": list(NucleicTest.objects.values()),
                          "categories": list(KeyCategory.objects.values()), "audit": AuditEvent.objects.count()}
    elif name in WRITES:
        # exactly one audit event, by the caller
        assert list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", "actor")) == [
            (WRITES[name], _user(personas, units, persona).pk)]


# Pages: (name, url, {persona: status}); 302 = to the login page.
PAGE_CASES = [
    ("categories", "/prevention/categories/", {None: 302, "commander": 200, "nanming": 200, "hotel_staff_nanming": 403}),
    ("category_new", "/prevention/categories/new/", {None: 302, "commander": 200, "nanming": 403}),
    ("category_edit", "/prevention/categories/{category}/edit/", {"commander": 200, "nanming": 403}),
    ("key_people", "/prevention/key-people/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("key_person_new", "/prevention/key-people/new/", {"nanming": 200, "auditor": 403}),
    ("key_person", "/prevention/key-people/{entry}/", {"nanming": 200, "yunyan": 404}),
    ("tests", "/prevention/tests/", {None: 302, "nanming": 200, "hotel_staff_nanming": 403}),
    ("test_new", "/prevention/tests/new/", {"nanming": 200, "grid_nanming": 403}),
    ("test", "/prevention/tests/{test}/", {"nanming": 200, "yunyan": 404}),
    ("coverage", "/prevention/coverage/", {None: 302, "nanming": 200, "norole": 403}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"), [
    pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, units, person_nanming, close_contact, client_as, name, url, persona, status):
    entry = services.add_key_person(actor=personas["commander"], person=person_nanming, category=close_contact,
                                    since=TODAY())
    test = services.register_sample(actor=personas["commander"], person=person_nanming, sample_id="PX-1",
                                    sampled_at=hours_ago(2))
    response = client_as(_user(personas, units, persona)).get(
        url.format(entry=entry.pk, test=test.pk, category=close_contact.pk))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")
