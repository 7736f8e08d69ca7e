"""Writers call `touch()` / `touch_many()` inside their transaction; the refresh job recomputes those cells.

A cell is (source model, region, day) as the model's metrics see the record: the region its metrics
declare (`Count(region="site__region")` -> the site's region) and its day in settings.TIME_ZONE. A
change that moves a record to another region or day touches the old cell and the new one.

One statement, and writers never wait for each other on a shared cell (every check-in of an enterprise
marks the same (region, day) cell). A cell that is already dirty is left as it is (no update, no
exclusive row lock); on PostgreSQL the writer takes a FOR KEY SHARE lock on it instead, held until its
commit. Share locks do not conflict with each other, but they do conflict with the refresh's
`FOR UPDATE SKIP LOCKED`, so a refresh cannot consume (delete) a cell while a writer that marked it
has not committed: it recomputes such a busy cell and leaves it dirty for the next run (see
services.refresh_dirty). A cell that is absent, or that a refresh deletes while the writer waits for
its lock, is inserted. Rows are handled in sorted order, so two writers never deadlock over cells.
"""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from twofront.core.db import hot_cursor
from twofront.metrics.models import DirtyCell

_BATCH = 1000

# PostgreSQL: the function metrics_touch (migration 0003) locks the cells that exist (key share: writers do not
# block each other) and inserts the others, retrying when a concurrent writer inserted one first. A writer may
# call it inside its own write statement (`touch_sql`).


_deferred: ContextVar[set | None] = ContextVar("metrics_dirty_deferred", default=None)


@contextmanager
def deferred():
    """Cells touched in the block are marked together, in one statement, when it ends without an error.
    For a service that touches several models: use it inside the writing transaction (the cells must
    commit with the records); nested blocks join the outermost."""
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
        cells = _deferred.get()
    finally:
        _deferred.reset(token)
    _mark(sorted(cells, key=lambda c: (c[1], c[2], c[0])))


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def touch(model: type[Model] | str, *, region_id: int, day: datetime.date | datetime.datetime | None = None) -> None:
    touch_many(model, [(region_id, day)])


def cells_of(cells: Iterable[tuple[int, datetime.date | datetime.datetime | None]]) -> list[tuple[int, datetime.date]]:
    """The distinct (region id, day) cells, days cut in settings.TIME_ZONE (None: today), sorted."""
    zone = timezone.get_default_timezone()  # rollup days are cut in settings.TIME_ZONE, whatever is active
    today = None
    unique = set()
    for region_id, day in cells:
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day, zone).date() if timezone.is_aware(day) else day.date()
        elif day is None:
            today = today or timezone.localdate(timezone=zone)
            day = today
        unique.add((region_id, day))
    return sorted(unique)


def touch_many(model: type[Model] | str, cells: Iterable[tuple[int, datetime.date | datetime.datetime | None]]) -> int:
    """Marks (region id, day) cells of a source model dirty; duplicates are ignored. Returns cells marked.
    Call it inside the transaction that writes the records, so the cells commit with them."""
    source, rows = _label(model), cells_of(cells)
    pending = _deferred.get()
    if pending is not None:
        pending.update((source, r, d) for r, d in rows)
    else:
        _mark([(source, r, d) for r, d in rows])
    return len(rows)


def _mark(cells: list[tuple[str, int, datetime.date]]) -> None:
    """(source, region id, day) cells, sorted by region and day, marked dirty in batches."""
    for start in range(0, len(cells), _BATCH):
        batch = cells[start:start + _BATCH]
        if connection.vendor == "postgresql":
            _touch_postgresql(batch)
        else:  # SQLite: one writer at a time, so "insert unless there" is all it takes
            DirtyCell.objects.bulk_create([DirtyCell(source=s, region_id=r, day=d) for s, r, d in batch],
                                          ignore_conflicts=True)


def _call(cells: list[tuple[str, int, datetime.date]]) -> tuple[str, list]:
    """`metrics_touch(...)` for these cells. A few cells (a writer's usual case) go as scalar parameters in
    ARRAY[...] constructors: psycopg dumps three Python lists much more slowly than six scalars."""
    if len(cells) > 16:
        return "metrics_touch(%s::varchar[], %s::bigint[], %s::date[])", [
            [s for s, _r, _d in cells], [r for _s, r, _d in cells], [d for _s, _r, d in cells]]
    marks = ", ".join(["%s"] * len(cells))
    return (f"metrics_touch(ARRAY[{marks}]::varchar[], ARRAY[{marks}]::bigint[], ARRAY[{marks}]::date[])",
            [s for s, _r, _d in cells] + [r for _s, r, _d in cells] + [d for _s, _r, d in cells])


def touch_sql(model: type[Model] | str, cells) -> tuple[str, list]:
    """PostgreSQL: the SQL expression (and its parameters) that marks the cells, for a writer's own statement,
    e.g. a data-modifying CTE's `SELECT metrics_touch(...) FROM written` (it runs only if the main query reads it)."""
    source = _label(model)
    return _call([(source, r, d) for r, d in cells_of(cells)])


def _touch_postgresql(batch: list[tuple[str, int, datetime.date]]) -> None:
    call, params = _call(batch)
    with hot_cursor() as cursor:
        cursor.execute(f"SELECT {call}", params)  # noqa: S608 (our own SQL)
