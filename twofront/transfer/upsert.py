"""Bulk upsert on a natural key through a staging table, inside the caller's transaction.

Each batch goes into a temporary table (PostgreSQL `COPY`, SQLite `executemany`) and then into the
model's table with one `INSERT ... SELECT ... ON CONFLICT (natural key) DO UPDATE`, so the database
does the work in sets and nothing is visible to others until the caller commits.

The SQL is assembled from model metadata (quoted identifiers, integer ids) only; values are parameters.
"""
# ruff: noqa: S608

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class StagedUpsert:
    def __init__(self, model, fields: list[str], natural_key: str, *, keep: tuple[str, ...] = (),
                 region_ids: set[int] | None = None):
        """`fields`: attnames each row supplies, in order. `region_ids`: when given, an existing record is
        only updated if it lies in one of these regions (the importer's jurisdiction, checked again here
        because the validation pass ran outside this transaction)."""
        meta, quote = model._meta, connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"
        self.cursor = connection.cursor()
        table = quote(meta.db_table)
        self.staging = quote(f"transfer_staging_{meta.db_table}")
        columns = [meta.get_field(name).column for name in fields]
        column_list = ", ".join(quote(c) for c in columns)
        key = quote(meta.get_field(natural_key).column)
        region = quote(meta.get_field(model.scope_region_field).column)
        stamps = [f for f in meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        created = next((f.column for f in stamps if getattr(f, "auto_now_add", False)), None)
        updates = [c for c in columns if c != key and c not in keep] + [f.column for f in stamps if f.auto_now]
        guard = f" WHERE {table}.{region} IN ({', '.join(str(int(r)) for r in region_ids) or 'NULL'})" \
            if region_ids is not None else ""
        self.stamp_params = [connection.ops.adapt_datetimefield_value(timezone.now())] * len(stamps)

        if self.postgres:
            self.cursor.execute(f"CREATE TEMP TABLE {self.staging} ON COMMIT DROP AS "
                                f"SELECT {column_list} FROM {table} WITH NO DATA")
            self.fill_sql = f"COPY {self.staging} ({column_list}) FROM STDIN"
        else:
            self.cursor.execute(f"CREATE TEMP TABLE {self.staging} AS SELECT {column_list} FROM {table} WHERE 0")
            self.fill_sql = f"INSERT INTO {self.staging} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        # Records that move to another region: both (region, created day) cells change.
        created_expr = f"t.{quote(created)}" if created else "NULL"
        self.moved_sql = (f"SELECT DISTINCT t.{region}, {created_expr}, s.{region} FROM {table} t "
                          f"JOIN {self.staging} s ON s.{key} = t.{key} WHERE t.{region} <> s.{region}")
        self.regions_sql = f"SELECT DISTINCT {region} FROM {self.staging}"
        stamp_columns = "".join(f", {quote(f.column)}" for f in stamps)
        self.merge_sql = (f"INSERT INTO {table} ({column_list}{stamp_columns}) "
                          f"SELECT {column_list}{', %s' * len(stamps)} FROM {self.staging} WHERE true "
                          f"ON CONFLICT ({key}) DO UPDATE SET "
                          + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates) + guard)
        self.clear_sql = f"TRUNCATE {self.staging}" if self.postgres else f"DELETE FROM {self.staging}"
        self.cells: set[tuple[int, datetime.date | datetime.datetime | None]] = set()

    def merge(self, rows: list[tuple]) -> int:
        """Writes one batch; returns how many records it inserted or updated."""
        if not rows:
            return 0
        if self.postgres:
            with self.cursor.copy(self.fill_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.cursor.executemany(self.fill_sql, rows)
        self.cursor.execute(self.moved_sql)
        for old_region, created_at, new_region in self.cursor.fetchall():
            day = _aware(created_at)
            self.cells.update(((old_region, day), (new_region, day)))
        self.cursor.execute(self.regions_sql)
        self.cells.update((region_id, None) for (region_id,) in self.cursor.fetchall())  # new records: today
        self.cursor.execute(self.merge_sql, self.stamp_params)
        written = self.cursor.rowcount
        self.cursor.execute(self.clear_sql)
        return written

    def close(self) -> None:
        # Dropped now, not at commit: the caller's transaction may be nested in a longer one.
        self.cursor.execute(f"DROP TABLE {'' if self.postgres else 'temp.'}{self.staging}")
        self.cursor.close()


def _aware(value):
    # SQLite hands back naive UTC datetimes (or text) from raw SQL; the metrics cut days in local time.
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        return value.replace(tzinfo=datetime.UTC)
    return value
