"""core.db: the hot paths' statements are prepared once per connection on PostgreSQL, still logged and
error-translated by Django, and plain elsewhere or when turned off; fetch() and insert_instances() give what the
ORM's select_related query and save() give."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from twofront.core import audit, scope
from twofront.core.choices import OrganisationKind
from twofront.core.db import (
    Statement,
    batched_writes,
    fetch,
    hot_cursor,
    insert_instances,
    instances_sql,
    next_ids,
    recordset_sql,
    write,
)
from twofront.core.idempotency import Claim
from twofront.core.models import AuditEvent, Organisation, Person, RiskRuleSet, RoleAssignment, User
from twofront.core.roles import Role

pytestmark = pytest.mark.django_db

SQL = "SELECT CAST(%s AS integer) + 1, %s"


def prepared_names() -> list:
    return list(connection.connection._prepared._names.values()) if connection.vendor == "postgresql" else []


def test_a_hot_statement_runs_logged_and_on_postgresql_is_prepared_once():
    with CaptureQueriesContext(connection) as queries:
        for i in range(3):
            with hot_cursor() as cursor:
                cursor.execute(SQL, [i, "x"])
                assert cursor.fetchone() == (i + 1, "x")
    assert len(queries.captured_queries) == 3 and all(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert [key for key in connection.connection._prepared._names if key[0] == b"SELECT CAST($1 AS integer) + 1, $2"]


def test_database_errors_are_djangos(person_nanming):
    columns = ("name, id_number_ct, id_number_index, id_number_masked, phone_ct, phone_index, phone_masked, birth_date,"
               " sex, native_region_code, region_id, address, created_at, updated_at")
    with pytest.raises(IntegrityError), hot_cursor() as cursor:  # the same national ID again
        cursor.execute(f"INSERT INTO core_person ({columns}) SELECT {columns} FROM core_person WHERE id = %s",  # noqa: S608
                       [person_nanming.pk])


def test_turned_off_nothing_is_prepared(settings):
    settings.TWOFRONT_PREPARED_STATEMENTS = False
    before = prepared_names()
    with hot_cursor() as cursor:
        cursor.execute("SELECT CAST(%s AS integer) * 7", [6])
        assert cursor.fetchone() == (42,)
    assert prepared_names() == before


def concrete_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_fetch_gives_the_orms_instances_with_their_related_rows_loaded(person_nanming, person_yunyan):
    expected = {p.pk: p for p in Person.objects.select_related("region")}
    with CaptureQueriesContext(connection) as queries:
        found = fetch(Person, related=("region",), id_number_index=[person_nanming.id_number_index,
                                                                     person_yunyan.id_number_index, "no-such"])
        regions = {p.pk: p.region.code for p in found}  # loaded with them: no query
    assert len(queries.captured_queries) == 1
    assert {p.pk for p in found} == {person_nanming.pk, person_yunyan.pk}
    for person in found:
        assert concrete_values(person) == concrete_values(expected[person.pk])
        assert concrete_values(person.region) == concrete_values(expected[person.pk].region)
        assert not person._state.adding
    assert regions == {person_nanming.pk: "520102001001001", person_yunyan.pk: "520103001001001"}


def test_fetch_converts_values_as_the_orm_does_and_a_null_foreign_key_is_none(personas):
    audit.record(None, "core.test.fetched", None, changes={"n": [1, 2], "when": "今天"})
    event = AuditEvent.objects.latest("pk")
    (found,) = fetch(AuditEvent, related=("actor",), pk=event.pk)
    assert found.changes == {"n": [1, 2], "when": "今天"} and isinstance(found.at, datetime.datetime)
    assert concrete_values(found) == concrete_values(event)
    with CaptureQueriesContext(connection) as queries:
        assert found.actor is None
    assert queries.captured_queries == []


def test_fetch_of_nothing_asks_nothing_and_a_limit_is_kept(personas):
    with CaptureQueriesContext(connection) as queries:
        assert fetch(Person, id_number_index=[]) == []
    assert queries.captured_queries == []
    assert len(fetch(RiskRuleSet, limit=1)) <= 1
    assert len(fetch(type(personas["nanming"]), limit=2)) == 2


def test_insert_instances_saves_new_rows_as_save_would(personas):
    before = timezone.now()
    user = personas["norole"]
    rows = [RoleAssignment(user=user, role=Role.DISTRICT_OFFICER, region=personas.region(code))
            for code in ("520102", "520103")]
    assert insert_instances(rows) == rows
    for row in rows:
        assert row.pk and not row._state.adding and row.created_at >= before  # auto_now_add applied
        assert concrete_values(RoleAssignment.objects.get(pk=row.pk)) == concrete_values(row)


def test_insert_instances_skips_a_conflicting_row_only_when_asked(personas):
    taken = User(username="norole")  # the username is unique
    assert insert_instances([taken], skip_conflicts=True) == [] and taken.pk is None
    assert User.objects.filter(username="norole").count() == 1
    fresh = User(username="fresh")
    assert insert_instances([fresh], skip_conflicts=True) == [fresh] and fresh.pk
    with pytest.raises(ValueError):
        insert_instances([taken, User(username="other")], skip_conflicts=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_instances([taken])


def _assignments(user, codes):
    return [RoleAssignment(user=user, role=Role.DISTRICT_OFFICER, region=p) for p in codes]


def test_batched_writes_go_together_at_the_end_in_order(personas):
    user = personas["norole"]
    nanming, yunyan = personas.region("520102"), personas.region("520103")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), batched_writes():
        insert_instances(_assignments(user, [nanming]), later=True)
        with batched_writes():  # a nested block joins the outer one
            write("UPDATE core_user SET first_name = %s WHERE id = %s", ["批量", user.pk])
        insert_instances(_assignments(user, [yunyan]), later=True)
        assert not RoleAssignment.objects.filter(user=user).exists()  # nothing written yet
        asked = len(queries.captured_queries)
    written = [q for q in queries.captured_queries[asked:] if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        assert len(written) == 1 and written[0]["sql"].startswith("WITH w0 AS (INSERT")  # one round trip
    else:
        assert [q["sql"].split()[0] for q in written] == ["INSERT", "UPDATE", "INSERT"]
    assert set(RoleAssignment.objects.filter(user=user).values_list("region__code", flat=True)) == {"520102", "520103"}
    assert User.objects.get(pk=user.pk).first_name == "批量"


def test_batched_writes_are_dropped_when_the_block_fails_and_run_at_once_without_a_block(personas):
    user = personas["norole"]
    with pytest.raises(RuntimeError), transaction.atomic(), batched_writes():
        insert_instances(_assignments(user, [personas.region("520102")]), later=True)
        raise RuntimeError("the service failed")
    assert not RoleAssignment.objects.filter(user=user).exists()
    rows = _assignments(user, [personas.region("520103")])
    assert insert_instances(rows, later=True) == rows and rows[0].pk is None  # written now, without an id
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_a_failing_batch_fails_its_transaction(personas):
    user = personas["norole"]
    with pytest.raises(IntegrityError), transaction.atomic(), batched_writes():
        insert_instances(_assignments(user, [personas.region("520102")]), later=True)
        insert_instances([User(username="norole")], later=True)  # the username is taken
    assert not RoleAssignment.objects.filter(user=user).exists()


postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="one statement of CTEs: PostgreSQL")


@postgresql_only
def test_a_statement_writes_rows_sent_as_json_as_the_orm_would(personas):
    # every kind of value a hot path writes: microseconds, decimals, JSON, an IP address, nulls, a foreign key
    user = personas["norole"]
    at = timezone.now().replace(microsecond=123456)
    events = [audit.values(user, "test.recordset", object_id=str(i), changes={"温度": "37.3", "at": at},
                           region_id=personas.region("520102").pk) | {"at": at, "ip": "10.0.0.7" if i else None}
              for i in range(2)]
    ids = next_ids({AuditEvent: 2, RoleAssignment: 0})
    assert list(ids) == [AuditEvent] and len(set(ids[AuditEvent])) == 2
    rows = [AuditEvent(pk=pk, **event) for pk, event in zip(ids[AuditEvent], events, strict=True)]
    sql, params = instances_sql(rows)
    assert len(params) == 1  # the rows are one JSON parameter, whatever their number
    statement = Statement()
    statement.add("events", (sql + " RETURNING id", params))
    assert statement.run("SELECT count(*) FROM events") == (2,)
    for row in rows:
        stored = AuditEvent.objects.get(pk=row.pk)
        assert (stored.at, stored.actor_id, stored.region_id, stored.ip) == (at, user.pk, row.region_id, row.ip)
        assert stored.changes == row.changes and stored.actor_roles == row.actor_roles


@postgresql_only
def test_a_statements_gated_parts_write_only_when_the_gate_returned_a_row(personas):
    user = personas["norole"]

    def run(key):
        statement = Statement()
        statement.add("claim", Claim.of(key, principal="test", scope="test.gate", payload={}).insert_sql(201, {}))
        statement.add("rows", recordset_sql(RoleAssignment, [
            {"user_id": user.pk, "role": Role.DISTRICT_OFFICER, "region_id": personas.region("520103").pk,
             "organisation_id": None, "created_at": timezone.now()}], gate="claim"))
        return statement.run("SELECT EXISTS (SELECT FROM claim)")[0]

    assert run("gate-open") is True and RoleAssignment.objects.filter(user=user).count() == 1
    assert run("gate-open") is False and RoleAssignment.objects.filter(user=user).count() == 1  # taken: nothing


def test_get_visible_by_pk_or_404_keeps_the_jurisdiction_rule(personas):
    organisation = Organisation.objects.create(name="南明医院", kind=OrganisationKind.HOSPITAL,
                                               region=personas.region("520102"))
    for username in ("nanming", "yunyan", "grid_nanming", "norole", "commander"):
        user = personas[username]
        expected = Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()
        if expected:
            found = scope.get_visible_by_pk_or_404(Organisation, user, organisation.pk, related=("region",))
            assert found.pk == organisation.pk and found.region.code == "520102"
        else:
            with pytest.raises(Http404):
                scope.get_visible_by_pk_or_404(Organisation, user, organisation.pk)
    assert {u for u in ("nanming", "yunyan", "commander")
            if Organisation.objects.visible_to(personas[u]).filter(pk=organisation.pk).exists()} == {"nanming", "commander"}
    for bad in ("abc", None, 10**12, 2**70):
        with pytest.raises(Http404):
            scope.get_visible_by_pk_or_404(Organisation, personas["commander"], bad)
