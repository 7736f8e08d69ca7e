"""Writers call `touch()` / `touch_many()` inside their transaction; the refresh job recomputes those cells.

A cell is (source model, region, day) as the model's metrics see the record: the region its metrics
declare (`Count(region="site__region")` -> the site's region) and its day in settings.TIME_ZONE. A
change that moves a record to another region or day touches the old cell and the new one.

Marks are an append-only log (models.DirtyCell): a touch inserts one row per cell, nothing else, so
writers never wait for one another or lock a shared row (every check-in of an enterprise marks the same
cell). A mark is visible to the refresh only once its writer has committed, together with the records
it stands for; the refresh deletes exactly the marks it read, in the same statement (services.py), so
a change can never be dropped between a recompute and the removal of its mark.
"""

import datetime
from collections.abc import Iterable
from contextvars import ContextVar

from django.db.models import Model
from django.utils import timezone

from twofront.core.context import gathering
from twofront.core.db import insert_sql, write
from twofront.metrics.models import DirtyCell

_BATCH = 1000
_FEW = 16

_deferred: ContextVar[set | None] = ContextVar("metrics_dirty_deferred", default=None)


def deferred():
    """Cells touched in the block are marked together, in one statement, when it ends without an error.
    For a service that touches several models: use it inside the writing transaction (the cells must
    commit with the records); nested blocks join the outermost."""
    return gathering(_deferred, set, lambda cells: _mark(sorted(cells)))


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
    """Marks (region id, day) cells of a source model dirty, each once however often listed. Returns cells marked.
    Call it inside the transaction that writes the records, so the cells commit with them."""
    source, rows = _label(model), cells_of(cells)
    pending = _deferred.get()
    if pending is not None:
        pending.update((source, r, d) for r, d in rows)
    else:
        _mark([(source, r, d) for r, d in rows])
    return len(rows)


def _mark(cells: list[tuple[str, int, datetime.date]]) -> None:
    """(source, region id, day) marks appended to the log: a writer's few in one prepared INSERT (its SQL is kept
    per row count; it joins an open core.db.batched_writes() block), an import's many through bulk_create."""
    if not cells:
        return
    if len(cells) <= _FEW:
        write(*insert_sql(DirtyCell, [{"source": s, "region_id": r, "day": d, "marked_at": timezone.now()}
                                      for s, r, d in cells], returning=False))
        return
    DirtyCell.objects.bulk_create([DirtyCell(source=s, region_id=r, day=d) for s, r, d in cells], batch_size=_BATCH)


_COLUMNS = "source, region_id, day, marked_at"


def touch_sql(model: type[Model] | str, cells, *, after: str | None) -> tuple[str, list]:
    """PostgreSQL: the INSERT of the cells' marks for a writer's own statement, as a data-modifying CTE that
    writes them only when the CTE `after` (the write they stand for) returned a row (always, when None)."""
    return marks_sql({model: cells}, after=after)


def marks_sql(cells_by_model: dict, *, after: str | None) -> tuple[str, list]:
    """touch_sql of several models' cells, {model: cells}, in one INSERT."""
    marks = [(_label(model), region_id, day) for model, cells in cells_by_model.items()
             for region_id, day in cells_of(cells)]
    values = ", ".join(["(%s, %s::bigint, %s::date)"] * len(marks))
    gate = f" WHERE EXISTS (SELECT FROM {after})" if after else ""
    return (f"INSERT INTO {DirtyCell._meta.db_table} ({_COLUMNS}) SELECT v.source, v.region_id, v.day, now() "  # noqa: S608
            f"FROM (VALUES {values}) AS v (source, region_id, day){gate}",
            [value for mark in marks for value in mark])
