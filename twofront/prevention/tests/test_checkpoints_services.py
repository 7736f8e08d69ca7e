"""Passages: plates, the person registry, risk on screen, idempotent retries, self-registration and its
confirmation, the duty roster, and refused calls that change nothing."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core import pii
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, DutyShift, Person
from twofront.prevention.facts_checkpoints import division_code, passage_facts, province_name
from twofront.prevention.models import Passage, PassageTraveller, PendingTraveller
from twofront.prevention.services import checkpoints as services
from twofront.prevention.tests.test_checkpoints_kit import (
    YUNYAN_GRID,
    identity,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    passage_body,
    traveller,
)

API = "/api/v1/prevention"
NANMING_STREET = "520102001"  # the pages offer districts and streets as destinations


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def counts() -> tuple:
    return (Passage.objects.count(), PassageTraveller.objects.count(), PendingTraveller.objects.count(),
            Person.objects.count(), AuditEvent.objects.count())


# --- plates and other input -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("贵A12345", "贵A12345"), ("贵a 123 45", "贵A12345"), ("贵A·D12345", "贵AD12345"), ("粤Z1234港", "粤Z1234港"),
    ("鄂A1234F", "鄂A1234F"),
])
def test_plates_are_validated_and_normalised(kit, typed, stored):
    passage = kit.register(plate=typed, travellers=[traveller(1)])
    assert passage.plate == stored


@pytest.mark.parametrize("typed", ["贵I12345", "A12345", "贵A1234", "贵A1234567", "京AO1234", "X"])
def test_bad_plates_are_refused_and_change_nothing(kit, typed):
    before = counts()
    response = post(kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/passages",
                    passage_body(traveller(1), plate=typed))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["plate"]
    assert counts() == before


def test_on_foot_needs_no_plate_but_a_car_does(kit):
    assert kit.register(plate="", vehicle_type="none", travellers=[traveller(1)]).plate == ""
    with pytest.raises(ValidationError) as error:
        kit.register(plate="", vehicle_type="car", travellers=[traveller(2)])
    assert "plate" in error.value.message_dict


def test_every_bad_field_is_reported_at_once(kit):
    before = counts()
    bad_id = identity(1)["id_number"][:-1] + ("0" if identity(1)["id_number"][-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        kit.register(origin_province="火星", travellers=[traveller(1, id_number=bad_id), traveller(2, temperature=50),
                                                        traveller(2), traveller(3, decision="shoot")])
    assert set(error.value.message_dict) == {
        "origin_province", "travellers.0.id_number", "travellers.1.temperature", "travellers.2.id_number",
        "travellers.3.decision"}
    assert counts() == before


def test_province_names_and_codes():
    assert province_name("湖北省") == province_name("湖北") == "湖北"
    assert province_name("内蒙古自治区") == "内蒙古"
    assert division_code("湖北省武汉市") == division_code("武汉") == "4201"
    assert division_code("湖北") == "42"
    assert division_code("广西壮族自治区南宁市") == "45"
    assert division_code("北京朝阳") == "11"
    assert division_code("重庆武汉路") == "50"  # a street name is not the city of Wuhan
    assert division_code("火星") == ""


# --- the person registry ------------------------------------------------------------------------


def test_a_registered_person_is_found_by_id_and_not_duplicated(kit):
    existing = Person.objects.get(id_number_index=pii.blind_index(identity(0)["id_number"], "person.id_number"))
    before = Person.objects.count()
    passage = kit.register(travellers=[traveller(0, name="别的名字")])
    assert Person.objects.count() == before
    saved = passage.travellers.get()
    assert saved.person == existing and saved.person.name == identity(0)["name"]  # the registry's name wins


def test_a_new_person_is_created_in_the_destination_by_the_staff_member(kit):
    passage = kit.register(destination_code=YUNYAN_GRID, travellers=[traveller(9)])
    person = passage.travellers.get().person
    assert person.region.code == YUNYAN_GRID and person.name == identity(9)["name"]
    assert pii.decrypt(person.phone_ct) == identity(9)["phone"]
    event = AuditEvent.objects.get(action="core.person.created", object_id=str(person.pk))
    assert event.actor == kit.user("staff_nanming")


def test_a_new_person_needs_a_name_and_nothing_is_created_without_it(kit):
    before = counts()
    response = post(kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/passages",
                    passage_body(traveller(1), traveller(2, name="")))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"loc": ["travellers.1.name"], "msg": response.json()["errors"][0]["msg"]}]
    assert counts() == before  # not even the first (valid, new) traveller was added to the registry


def test_lookup_shows_name_masked_id_and_risk(kit):
    response = post(kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/lookup",
                    {"id_number": identity(0)["id_number"]})
    body = response.json()
    assert body["found"] and body["name"] == identity(0)["name"]
    assert body["id_number_masked"].count("*") == 10 and identity(0)["id_number"] not in response.content.decode()
    assert body["risk"]["level"] == "green"
    unknown = post(kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/lookup",
                   {"id_number": identity(30)["id_number"]})
    assert unknown.json() == {"found": False, "person_id": None, "name": "", "id_number_masked": "", "risk": None}


# --- risk -----------------------------------------------------------------------------------------


def test_a_hubei_arrival_is_yellow_at_the_next_checkpoint(kit):
    first = kit.register(origin_province="湖北省", origin_city="武汉", travellers=[traveller(11)])
    assert first.travellers.get().risk_level == "green"  # what staff saw at the first checkpoint

    # when the same person reaches the Yunyan checkpoint
    lookup = post(kit.client("staff_yunyan"), f"{API}/checkpoints/{kit.yunyan.pk}/lookup",
                  {"id_number": identity(11)["id_number"]}).json()
    assert lookup["risk"]["level"] == "yellow"
    assert any("湖北" in reason or "Hubei" in reason for reason in lookup["risk"]["reasons"])
    second = kit.register(kit.yunyan, actor="staff_yunyan", destination_code=YUNYAN_GRID,
                          travellers=[traveller(11)])
    assert second.travellers.get().risk_level == "yellow"


def test_travel_history_counts_too_and_referrals_are_facts(kit):
    passage = kit.register(origin_province="重庆", travellers=[traveller(12, travel_history=["湖北武汉"],
                                                                         decision="quarantine")])
    person_id = passage.travellers.get().person_id
    facts = passage_facts([person_id], timezone.localdate() - datetime.timedelta(days=60))[person_id]
    assert {(f.kind, f.value) for f in facts} == {("travel", "50"), ("travel", "4201"), ("referral", "quarantine")}
    response = post(kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/lookup",
                    {"id_number": identity(12)["id_number"]})
    assert response.json()["risk"]["level"] == "yellow"


def test_a_pending_self_registration_gives_no_facts(kit):
    kit.register(travellers=[traveller(13)])
    kit.self_register(origin_province="湖北", travellers=[identity(13)])
    person = Person.objects.get(id_number_index=pii.blind_index(identity(13)["id_number"], "person.id_number"))
    assert {f.value for f in passage_facts([person.pk], datetime.date(2000, 1, 1))[person.pk]} == {"50"}


# --- idempotency ----------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_creates_one_passage(kit):
    client, url = kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/passages"
    body = passage_body(traveller(14), traveller(15))
    first = post(client, url, body, HTTP_IDEMPOTENCY_KEY="car-42")
    before = counts()
    retry = post(client, url, body, HTTP_IDEMPOTENCY_KEY="car-42")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert counts() == before
    assert AuditEvent.objects.filter(action="prevention.passage.registered", object_id=str(first.json()["id"])).count() == 1
    other = post(client, url, passage_body(traveller(16)), HTTP_IDEMPOTENCY_KEY="car-42")
    assert other.status_code == 422 and counts() == before


def test_a_new_person_added_meanwhile_by_another_car_is_used_not_duplicated(kit, monkeypatch):
    # another checkpoint registered traveller 18 between this car's registry lookup and its write
    kit.register(kit.yunyan, actor="staff_yunyan", travellers=[traveller(18)], destination_code=YUNYAN_GRID)
    person = Person.objects.get(id_number_index=pii.blind_index(identity(18)["id_number"], "person.id_number"))
    real, calls = services._registered, []

    def stale_first(rows, errors):
        calls.append(1)
        found = real(rows, errors)
        return {k: v for k, v in found.items() if v.pk != person.pk} if len(calls) == 1 else found

    monkeypatch.setattr(services, "_registered", stale_first)
    before = counts()
    passage = kit.register(travellers=[traveller(18), traveller(19)])
    assert [t.person_id for t in passage.travellers.order_by("pk")][0] == person.pk
    # one new person (19), the passage, two travellers, two audit events (19 created, the passage)
    after = counts()
    assert (after[0] - before[0], after[1] - before[1], after[3] - before[3], after[4] - before[4]) == (1, 2, 1, 2)
    assert Person.objects.filter(pk=person.pk, name=identity(18)["name"]).exists()
    # PostgreSQL: the car's one statement failed on the taken ID, wrote nothing, and was tried again after a new
    # lookup; elsewhere the new person's insert found the number taken and used that record
    from django.db import connection

    assert len(calls) == (2 if connection.vendor == "postgresql" else 1)


@pytest.mark.slow
def test_twenty_concurrent_posts_of_a_car_with_one_key_make_one_passage(personas_tx):
    from twofront.core.models import IdempotencyRecord
    from twofront.core.testing import at_once, client_for
    from twofront.prevention.tests.test_checkpoints_kit import build_kit

    kit = build_kit(personas_tx)
    url = f"{API}/checkpoints/{kit.nanming.pk}/passages"
    body, before = passage_body(traveller(30), traveller(31)), counts()

    def submit():
        response = post(client_for(kit.user("staff_nanming")), url, body, HTTP_IDEMPOTENCY_KEY="flaky-car-1")
        return response.status_code, response.content

    results = at_once(20, submit)
    assert len(results) == 20
    assert {status for status, _ in results} == {201}, {c for s, c in results if s != 201}
    assert len({json.dumps(json.loads(content), sort_keys=True) for _, content in results}) == 1
    after = counts()
    # one passage, two travellers, two new persons, three audit events (two persons, the passage)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (1, 2, 0, 2, 3)
    assert IdempotencyRecord.objects.filter(key="flaky-car-1").count() == 1


def test_a_car_costs_a_bounded_number_of_statements(kit):
    # the checkpoint's hot path: one known traveller and one new, through the API with a key. The risk status
    # is one query for people without records; the car's audit events and dirty cells are one statement each.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = kit.client("staff_nanming"), f"{API}/checkpoints/{kit.nanming.pk}/passages"
    assert post(client, url, passage_body(traveller(40)), HTTP_IDEMPOTENCY_KEY="warm").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = post(client, url, passage_body(traveller(40, is_driver=True), traveller(41)),
                        HTTP_IDEMPOTENCY_KEY="car-7")
    assert response.status_code == 201
    statements = [q["sql"].replace('"', "") for q in queries.captured_queries]
    # session and user (a token costs the same), roles, checkpoint, destination, registry lookup; then on
    # PostgreSQL: the ids, risk presence, the driver's earlier passage, and one statement for every write (in a
    # savepoint here, as the test runs in a transaction; the API's commits on its own). Elsewhere: the key,
    # the new person, the passage, the same risk queries, then the tail: travellers, dirty marks, audit events
    # and the key's response (31 statements before 2026-11-25, 12 on PostgreSQL until 2026-11-26).
    writes = ["INSERT INTO core_person ", "INSERT INTO prevention_passage ", "INSERT INTO prevention_passagetraveller ",
              "INSERT INTO core_auditevent ", "INSERT INTO metrics_dirtycell ", "INSERT INTO core_idempotencyrecord "]
    if connection.vendor == "postgresql":
        assert len(statements) <= 12, statements
        assert [sum(part in s for s in statements) for part in writes] == [1] * len(writes)
        assert any(all(part in s for part in writes) for s in statements)
    else:
        tail = writes[2:5] + ["UPDATE core_idempotencyrecord"]
        assert len(statements) <= 19, statements
        assert [sum(s.startswith(part) for s in statements) for part in tail] == [1, 1, 1, 1]
    assert AuditEvent.objects.filter(action__in=["core.person.created", "prevention.passage.registered"],
                                     request_id=AuditEvent.objects.latest("pk").request_id).count() == 2


def test_the_desk_page_is_idempotent_too(kit):
    client, url = kit.client("staff_nanming"), f"/prevention/checkpoints/{kit.nanming.pk}/register/"
    page = client.get(url).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    form = {"idempotency_key": key, "plate": "贵A54321", "vehicle_type": "car", "origin_province": "四川",
            "origin_city": "", "destination": NANMING_STREET, "travellers-TOTAL_FORMS": "2",
            "travellers-INITIAL_FORMS": "0", "travellers-MIN_NUM_FORMS": "1", "travellers-MAX_NUM_FORMS": "60",
            "travellers-0-id_number": identity(17)["id_number"], "travellers-0-name": identity(17)["name"],
            "travellers-0-decision": "pass", "travellers-0-temperature": "36.5", "travellers-1-id_number": "",
            "travellers-1-decision": "pass"}
    first = client.post(url, form)
    assert first.status_code == 302
    retry = client.post(url, form)
    assert retry.status_code == 302 and retry["Location"] == first["Location"]
    assert Passage.objects.filter(plate="贵A54321").count() == 1


def test_the_desk_page_puts_service_errors_on_the_row(kit):
    client, url = kit.client("staff_nanming"), f"/prevention/checkpoints/{kit.nanming.pk}/register/"
    form = {"plate": "贵A5432", "vehicle_type": "car", "origin_province": "四川", "destination": NANMING_STREET,
            "travellers-TOTAL_FORMS": "1", "travellers-INITIAL_FORMS": "0", "travellers-MIN_NUM_FORMS": "1",
            "travellers-MAX_NUM_FORMS": "60", "travellers-0-id_number": identity(18)["id_number"],
            "travellers-0-decision": "pass"}
    response = client.post(url, form)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count('class="field f-name invalid"') == 1 and 'class="field invalid"' in html  # name, plate


# --- self-registration and confirmation -----------------------------------------------------------


def test_self_registration_keeps_claims_apart_from_the_registry(kit):
    before = Person.objects.count()
    response = post(kit.client(None), f"{API}/self-registration/{kit.nanming.self_registration_token}",
                    passage_body(identity(20), identity(21), plate="鄂A11111", origin_province="湖北"))
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    passage = Passage.objects.get(pk=response.json()["reference"])
    claims = list(passage.pending_travellers.all())
    assert Person.objects.count() == before
    assert [c.name for c in claims] == [identity(20)["name"], identity(21)["name"]]
    assert pii.decrypt(claims[0].id_number_ct) == identity(20)["id_number"]
    assert identity(20)["id_number"] not in response.content.decode()


def test_staff_confirm_turns_claims_into_travellers_with_decisions(kit):
    claims = list(kit.pending.pending_travellers.all())
    response = post(kit.client("staff_nanming"), f"{API}/passages/{kit.pending.pk}/confirm",
                    {"travellers": [{"id": claims[0].pk, "decision": "pass", "temperature": 36.5},
                                    {"id": claims[1].pk, "decision": "handover"}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["pending_travellers"] == []
    assert [(t["name"], t["decision"]) for t in body["travellers"]] == [
        (identity(5)["name"], "pass"), (identity(6)["name"], "handover")]
    assert not PendingTraveller.objects.filter(passage=kit.pending).exists()  # the encrypted claims are gone
    assert Passage.objects.get(pk=kit.pending.pk).registered_by == kit.user("staff_nanming")
    # a colleague pressing confirm a moment later changes nothing
    again = post(kit.client("staff_nanming"), f"{API}/passages/{kit.pending.pk}/confirm",
                 {"travellers": [{"id": claims[0].pk, "decision": "turn_back"}]})
    assert again.status_code == 409
    assert PassageTraveller.objects.filter(passage=kit.pending, decision="turn_back").count() == 0


def test_confirm_needs_a_decision_for_everyone(kit):
    claim = kit.pending.pending_travellers.first()
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.confirm_passage(kit.pending, actor=kit.user("staff_nanming"), decisions={claim.pk: {"decision": "pass"}})
    assert list(error.value.message_dict) == ["travellers.1.decision"]
    assert counts() == before


def test_self_registration_is_rate_limited(kit, settings):
    settings.TWOFRONT_SELF_REGISTRATION_LIMIT = (2, 600)
    url = f"{API}/self-registration/{kit.nanming.self_registration_token}"
    statuses = [post(kit.client(None), url, passage_body(identity(22 + i))).status_code for i in range(3)]
    assert statuses == [201, 201, 429]  # the kit's own self-registration came from no address (ip None)
    page = kit.client(None).post(f"/prevention/checkpoint/{kit.nanming.self_registration_token}/register/", {})
    assert page.status_code == 429


def test_self_registration_page_then_done_page(kit):
    url = f"/prevention/checkpoint/{kit.nanming.self_registration_token}/register/"
    form = {"idempotency_key": "k1", "plate": "川A12345", "vehicle_type": "car", "origin_province": "四川",
            "destination": NANMING_STREET, "travellers-TOTAL_FORMS": "1", "travellers-INITIAL_FORMS": "0",
            "travellers-MIN_NUM_FORMS": "1", "travellers-MAX_NUM_FORMS": "60",
            "travellers-0-name": identity(25)["name"], "travellers-0-id_number": identity(25)["id_number"],
            "travellers-0-phone": identity(25)["phone"], "travellers-0-travel_history": "成都、重庆"}
    response = kit.client(None).post(url, form)
    assert response.status_code == 302
    done = kit.client(None).get(response["Location"])
    passage = Passage.objects.get(plate="川A12345")
    assert done.status_code == 200 and f"№ {passage.pk}" in done.content.decode()
    assert passage.pending_travellers.get().travel_history == ["成都", "重庆"]
    assert kit.client(None).get(response["Location"].replace("ref=", "ref=x")).status_code == 404


# --- refused calls --------------------------------------------------------------------------------


def test_staff_of_another_checkpoint_and_closed_checkpoints_change_nothing(kit):
    before = counts()
    with pytest.raises(PermissionDenied):
        kit.register(actor="staff_yunyan", travellers=[traveller(26)])
    with pytest.raises(PermissionDenied):
        services.confirm_passage(kit.pending, actor=kit.user("staff_yunyan"), decisions={})
    kit.nanming.active = False
    kit.nanming.save(update_fields=["active"])
    with pytest.raises(Conflict):
        kit.register(travellers=[traveller(26)])
    assert post(kit.client(None), f"{API}/self-registration/{kit.nanming.self_registration_token}",
                passage_body(identity(26))).status_code == 404
    assert counts() == before


# --- checkpoints and the roster -------------------------------------------------------------------


def test_create_checkpoint_sets_up_its_organisation(kit):
    response = post(kit.client("nanming"), f"{API}/checkpoints",
                    {"name": "贵阳北站卡口", "kind": "station", "region_code": "520102001"})
    assert response.status_code == 201
    body = response.json()
    assert body["self_registration_path"].startswith("/prevention/checkpoint/")
    assert post(kit.client("nanming"), f"{API}/checkpoints",
                {"name": "x", "kind": "road", "region_code": "999"}).status_code == 422


def test_a_night_shift_with_its_leader(kit):
    night = timezone.make_aware(datetime.datetime(2020, 2, 10, 20, 0))
    client = kit.client("nanming")
    response = post(client, f"{API}/checkpoints/{kit.nanming.pk}/shifts", {
        "starts_at": night.isoformat(), "ends_at": (night + datetime.timedelta(hours=12)).isoformat(),
        "username": "checkpoint_nanming", "is_leader": True})
    assert response.status_code == 201
    assert response.json()["staff_name"] == "checkpoint_nanming" and response.json()["is_leader"]
    shift = DutyShift.objects.get(pk=response.json()["id"])
    assert (shift.post_type, shift.post_id, shift.region) == ("checkpoint", kit.nanming.pk, kit.nanming.region)
    listed = client.get(f"{API}/checkpoints/{kit.nanming.pk}/shifts?since=2020-02-11&days=1").json()
    assert [s["id"] for s in listed["items"]] == [shift.pk]  # it runs into the next morning
    page = client.get(f"/prevention/checkpoints/{kit.nanming.pk}/roster/?since=2020-02-10").content.decode()
    assert page.count("is-leader") == 2 and "<sup>+1</sup>" in page


def test_a_shift_is_for_this_checkpoints_staff_and_ends_after_it_starts(kit):
    start = timezone.make_aware(datetime.datetime(2020, 2, 10, 8, 0))
    before = DutyShift.objects.count()
    with pytest.raises(ValidationError) as error:
        services.add_checkpoint_shift(kit.nanming, actor=kit.user("nanming"), starts_at=start, ends_at=start,
                                      user=kit.user("staff_yunyan"))
    assert set(error.value.message_dict) == {"ends_at", "user"}
    with pytest.raises(PermissionDenied):
        services.add_checkpoint_shift(kit.nanming, actor=kit.user("staff_nanming"), starts_at=start,
                                      ends_at=start + datetime.timedelta(hours=8), staff_name="x")
    assert DutyShift.objects.count() == before


def test_roster_page_adds_a_shift(kit):
    client = kit.client("nanming")
    response = client.post(f"/prevention/checkpoints/{kit.nanming.pk}/roster/", {
        "day": "2020-02-10", "starts": "22:00", "ends": "06:00", "staff_name": "张三", "is_leader": "on"})
    assert response.status_code == 302
    shift = DutyShift.objects.get(staff_name="张三")
    assert timezone.localtime(shift.ends_at).date() == datetime.date(2020, 2, 11)
    refused = kit.client("staff_nanming").post(f"/prevention/checkpoints/{kit.nanming.pk}/roster/", {
        "day": "2020-02-10", "starts": "08:00", "ends": "16:00", "staff_name": "李四"})
    assert refused.status_code == 403 and not DutyShift.objects.filter(staff_name="李四").exists()


def test_a_confirmed_passage_is_not_called_a_confirmed_case_in_chinese():
    from django.utils import translation

    from twofront.medical.choices import CaseState
    from twofront.prevention.choices import PassageStatus

    with translation.override("zh-hans"):
        assert str(PassageStatus.CONFIRMED.label) == "已确认"
        assert str(CaseState.CONFIRMED.label) == "确诊"
