"""core.db.hot_cursor: the hot paths' statements are prepared once per connection on PostgreSQL, still
logged and error-translated by Django, and plain elsewhere or when turned off."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from twofront.core.db import hot_cursor

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
