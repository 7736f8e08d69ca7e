"""Prepared statements for the few statements a hot path repeats thousands of times (a check-in's read and
write). PostgreSQL then parses and plans each once per connection instead of once per request; for the
check-in's read, planning took 0.3 ms and executing it 0.04 ms. Everything else keeps Django's cursor
(client-side binding, nothing prepared)."""

import datetime
import decimal
import json
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from twofront.core.context import gathering


def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-side binding cursor that asks psycopg to prepare every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

    return PreparingCursor


class _LoggedCursor(CursorDebugWrapper):
    """Logs the statement as written (placeholders, not values): psycopg keeps no query text of a prepared
    execution for Django's last_executed_query."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


_CLASS = []


def _db():
    """This thread's connection itself: `connection` is a proxy whose every attribute costs a thread-local lookup
    (about 160 of them per passage before the hot paths resolved it once)."""
    return connections[DEFAULT_DB_ALIAS]


@contextmanager
def hot_cursor():
    """A cursor for a hot path's statements: prepared on PostgreSQL (psycopg keeps up to 100 per connection),
    Django's ordinary cursor elsewhere or with TWOFRONT_PREPARED_STATEMENTS off. Queries are still logged
    and wrapped by Django (errors, execute wrappers), so tests count them as any."""
    db = _db()
    if db.vendor != "postgresql" or not settings.TWOFRONT_PREPARED_STATEMENTS:
        with db.cursor() as cursor:
            yield cursor
        return
    if not _CLASS:
        _CLASS.append(_preparing_cursor_class())
    db.ensure_connection()
    db.validate_thread_sharing()
    # Django's wrapper (query logging, execute_wrappers, error translation) around a cursor of our class.
    raw = _CLASS[0](db.connection)
    cursor = _LoggedCursor(raw, db) if db.queries_logged else CursorWrapper(raw, db)
    try:
        yield cursor
    finally:
        cursor.close()


_INSERTS: dict[tuple, str] = {}


def insert_sql(model, rows: list[dict], *, skip_conflicts: bool = False, returning: bool = True) -> tuple[str, list]:
    """The one INSERT of rows (dicts of the same columns, by field name or attname, every value given: no
    defaults are applied), its SQL built once per shape. `returning`: it returns the rows' ids."""
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    key = (model._meta.label, tuple(names), len(rows), skip_conflicts, returning)
    if key not in _INSERTS:
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        _INSERTS[key] = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                         f"VALUES {', '.join([row] * len(rows))}{' ON CONFLICT DO NOTHING' if skip_conflicts else ''}"
                         f"{' RETURNING ' + quote(model._meta.pk.column) if returning else ''}")
    db = _db()
    return _INSERTS[key], [field.get_db_prep_save(values[name], db) for values in rows
                           for name, field in zip(names, fields, strict=True)]


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # all of it: DjangoJSONEncoder would cut microseconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def recordset_sql(model, rows: list[dict], *, gate: str | None = None) -> tuple[str, list]:
    """PostgreSQL: the INSERT of rows (as insert_sql's, nothing returned) for a part of one Statement, the rows
    sent as one JSON parameter. The statement's text and its few parameters are then the same for any number of
    rows: psycopg keeps its parse of a statement only up to 50 parameters (parsing the car's statement of 85 cost
    0.4 ms a request), and the server one prepared statement per shape. `gate`: the name of an earlier part; the
    rows are written only when it returned a row."""
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    key = ("recordset", model._meta.label, tuple(names), gate)
    if key not in _INSERTS:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        types = ", ".join(f"{quote(f.column)} {f.cast_db_type(connection)}" for f in fields)
        where = f" WHERE EXISTS (SELECT FROM {gate})" if gate else ""
        _INSERTS[key] = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {columns} "  # noqa: S608
                         f"FROM jsonb_to_recordset(%s::jsonb) AS v ({types}){where}")
    records = [{f.column: f.get_prep_value(values[name]) for name, f in zip(names, fields, strict=True)}
               for values in rows]
    return _INSERTS[key], [json.dumps(records, default=_json_value, ensure_ascii=False)]


def insert_rows(model, rows: list[dict], *, skip_conflicts: bool = False) -> list[int]:
    """Inserts rows (as insert_sql) in one statement, prepared on PostgreSQL, and returns their ids in order. For
    hot paths, where bulk_create's query building costs more than the database's work (two audit events: 0.85
    against 0.35 ms). `skip_conflicts`: a row that would break a unique constraint is not inserted and has no id
    (no error, so no savepoint is needed to carry on)."""
    if not rows:
        return []
    sql, params = insert_sql(model, rows, skip_conflicts=skip_conflicts)
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _instance_rows(instances: list) -> list[dict]:
    fields = [f for f in instances[0]._meta.concrete_fields
              if not (f.primary_key and getattr(instances[0], f.attname) is None)]
    return [{f.attname: f.pre_save(instance, True) for f in fields} for instance in instances]


def insert_instances(instances: list, *, skip_conflicts: bool = False, later: bool = False) -> list:
    """save() of new rows for hot paths: one prepared INSERT of every concrete field of the instances (all of one
    model; pre_save applied, so auto_now_add works), their ids set on them. No signals are sent and no savepoint
    is made. Returns the instances written: with `skip_conflicts` (one instance only, as ids could not be matched
    to rows otherwise) one that breaks a unique constraint is not written, has no id, and is left out.
    `later`: written with the other writes of an open batched_writes() block (now, without one); no ids are set."""
    if not instances:
        return []
    if skip_conflicts and len(instances) > 1:
        raise ValueError("skip_conflicts takes one instance")
    if later:
        write(*insert_sql(type(instances[0]), _instance_rows(instances), returning=False))
        return instances
    ids = insert_rows(type(instances[0]), _instance_rows(instances), skip_conflicts=skip_conflicts)
    for instance, pk in zip(instances, ids, strict=False):
        instance.pk, instance._state.adding, instance._state.db = pk, False, DEFAULT_DB_ALIAS
    return instances[:len(ids)]


def instances_sql(instances: list, *, gate: str | None = None) -> tuple[str, list]:
    """recordset_sql of new instances (all of one model; pre_save applied, so auto_now_add works) for a part of one
    Statement: nothing is returned, so give them their ids first (next_ids)."""
    return recordset_sql(type(instances[0]), _instance_rows(instances), gate=gate)


_SEQUENCES: dict[str, str] = {}


def next_ids(counts: dict) -> dict:
    """PostgreSQL: ids for rows to be written later in one statement, {model: count} -> {model: [ids]}, taken
    from each table's own sequence in one round trip (a write that fails leaves gaps, as any rolled back insert)."""
    models = [model for model, count in counts.items() if count]
    missing = [m for m in models if m._meta.db_table not in _SEQUENCES]
    if missing:
        with hot_cursor() as cursor:
            for model in missing:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
                _SEQUENCES[model._meta.db_table] = cursor.fetchone()[0]
    if not models:
        return {}
    parts = ", ".join("ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))" for _ in models)
    with hot_cursor() as cursor:
        cursor.execute(f"SELECT {parts}",  # noqa: S608 (placeholders only)
                       [v for m in models for v in (_SEQUENCES[m._meta.db_table], counts[m])])
        row = cursor.fetchone()
    return dict(zip(models, row, strict=True))


_batch: ContextVar[list | None] = ContextVar("core_db_batch", default=None)


def batched_writes():
    """Writes queued in the block by write() (and insert_instances(later=True)) go to the database together when
    it ends without an error: on PostgreSQL as one statement (each write a data-modifying CTE: one round trip
    however many), elsewhere one by one in order. For the tail of a hot transaction, writes that nothing in it
    reads back: audit events, dirty marks, rows whose ids are not needed, the idempotency response. Open it
    inside the transaction; a nested block joins the outer one; an error drops what was queued."""
    return gathering(_batch, list, _flush)


def write(sql: str, params: list) -> None:
    """A statement that returns nothing: queued when a batched_writes() block is open, run now otherwise."""
    queued = _batch.get()
    if queued is not None:
        queued.append((sql, params))
        return
    with hot_cursor() as cursor:
        cursor.execute(sql, params)


def _flush(queued: list[tuple[str, list]]) -> None:
    if len(queued) > 1 and _db().vendor == "postgresql":
        # All of them see the transaction as it was before the statement: fine, as none reads another's rows.
        statement = Statement()
        for i, part in enumerate(queued):
            statement.add(f"w{i}", part)
        statement.run("SELECT 1")
        return
    for sql, params in queued:
        with hot_cursor() as cursor:
            cursor.execute(sql, params)


class Statement:
    """PostgreSQL: writes as the data-modifying CTEs of one statement, one round trip however many (outside a
    transaction it commits on its own). Every part sees the database as it was before the statement and may
    refer to the parts added before it (e.g. write only when an earlier part returned a row)."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, name: str, part: tuple[str, list]) -> None:
        sql, params = part
        self.parts.append(f"{name} AS ({sql})")
        self.params += params

    def run(self, select: str) -> tuple | None:
        """Runs the statement ending in `select` (which may read the parts' RETURNING rows); its first row."""
        with hot_cursor() as cursor:
            cursor.execute("WITH " + ",\n".join(self.parts) + "\n" + select, self.params)
            return cursor.fetchone()


_SELECTS: dict[tuple, tuple] = {}


def _columns(model, alias: str) -> tuple[list, list[str]]:
    from django.db.models.expressions import Col

    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    cols = [Col(alias, field) for field in fields]
    return ([(field, col, connection.ops.get_db_converters(col) + field.get_db_converters(connection))
             for field, col in zip(fields, cols, strict=True)],
            [f"{alias}.{quote(field.column)}" for field in fields])


def _select(model, related: tuple[str, ...], where: tuple[tuple[str, int], ...], limit: int | None) -> tuple:
    """The SQL of fetch() and how to read its rows, built once per shape."""
    key = (model._meta.label, related, where, limit)
    if key not in _SELECTS:
        quote = connection.ops.quote_name
        reads, columns = [], []
        own, sql = _columns(model, "t")
        reads.append((model, None, own, [f.attname for f, _col, _c in own]))
        columns += sql
        joins = []
        for i, name in enumerate(related):
            field = model._meta.get_field(name)
            alias = f"r{i}"
            target = field.related_model
            fields, sql = _columns(target, alias)
            reads.append((target, field, fields, [f.attname for f, _col, _c in fields]))
            columns += sql
            joins.append(f"LEFT JOIN {quote(target._meta.db_table)} {alias} "
                         f"ON {alias}.{quote(field.target_field.column)} = t.{quote(field.column)}")
        conditions = []
        for name, size in where:
            column = f"t.{quote(model._meta.get_field(name).column)}"
            conditions.append(f"{column} = %s" if size < 0 else f"{column} IN ({', '.join(['%s'] * size)})")
        _SELECTS[key] = (
            f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t {' '.join(joins)} "  # noqa: S608
            f"WHERE {' AND '.join(conditions) or 'TRUE'}{f' LIMIT {limit}' if limit else ''}", reads)
    return _SELECTS[key]


def fetch(model, *, related: tuple[str, ...] = (), limit: int | None = None, **filters) -> list:
    """Instances of `model` whose fields equal the filters (a list or tuple value: any of them), with the
    foreign keys named in `related` loaded as select_related would, in one prepared statement. For hot paths,
    where the ORM's query compiling costs more than the database's work (a token and its user: 0.5 ms of
    Python against 0.1 ms of database). No ordering; filters are exact matches only (None matches
    nothing, where the ORM would ask IS NULL)."""
    where, params, db = [], [], _db()
    for name, value in filters.items():
        name = model._meta.pk.name if name == "pk" else name
        many = isinstance(value, list | tuple)
        field = model._meta.get_field(name)
        values = list(value) if many else [value]
        if many and not values:
            return []
        where.append((name, len(values) if many else -1))
        params += [field.get_db_prep_value(v, db) for v in values]
    sql, reads = _select(model, tuple(related), tuple(where), limit)
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        start, instance = 0, None
        for target, field, fields, names in reads:
            values = list(row[start:start + len(fields)])
            start += len(fields)
            for i, (_field, col, converters) in enumerate(fields):
                for convert in converters:
                    values[i] = convert(values[i], col, db)
            if field is None:
                instance = target.from_db(DEFAULT_DB_ALIAS, names, values)
            else:
                value = (None if getattr(instance, field.attname) is None
                         else target.from_db(DEFAULT_DB_ALIAS, names, values))
                field.set_cached_value(instance, value)
        found.append(instance)
    return found
