"""Keeping rollups current: `refresh_dirty()` (every minute, from the worker) and `rebuild()` (on demand).

Freshness is a job, not the writing transaction: services only mark (source, region, day) cells dirty
(dirty.touch), which is one small statement, and the worker recomputes those cells at least once a minute.
Writers never contend on hot rollup rows (today's row of the city is shared by every registration),
and a bulk import marks its cells once. Readers see rollups at most a minute (plus the refresh time)
behind the records.

Rollups are pre-summed up the region tree (models.Rollup). For a batch of dirty cells, regions R and
days [first, last], the regions to recompute are R and all their ancestors, A. Per metric, all of it
set-based SQL that runs the same on SQLite and PostgreSQL:
    DELETE FROM metrics_rollup WHERE key = ? AND region_id IN (A) AND day BETWEEN first AND last;
    -- the regions' own records: one GROUP BY over the source table
    INSERT INTO metrics_rollup (...) SELECT ?, region, day, COUNT(*) FROM source WHERE region IN (A) ...
        GROUP BY region, day ON CONFLICT (key, region_id, day) DO UPDATE SET value = value + excluded.value;
    -- then level by level, deepest first: add the children's rows into their parents in A
    INSERT INTO metrics_rollup (...) SELECT ?, parent_id, day, SUM(value) FROM metrics_rollup JOIN core_region
        WHERE depth = d AND parent_id IN (A) ... GROUP BY parent_id, day ON CONFLICT ... (same);

Concurrency. Refreshes and rebuilds take one lock (a PostgreSQL advisory lock; on SQLite the
IMMEDIATE transaction already excludes every other writer), so rollup rows have one writer at a time.
Dirty cells are an append-only log of marks (dirty.py). A refresh takes a batch of marks with one
`DELETE ... RETURNING` (under READ COMMITTED it sees only marks whose writers have committed, and it
deletes exactly the ones it returns), then recomputes their distinct cells in the same transaction: a
change committed after that statement has its own mark, still in the log, for the next run. Writers
never wait for a refresh, nor a refresh for writers. If a recompute fails, the transaction rolls back
and the marks are back in the log.
"""

import datetime
import logging
from collections import defaultdict

from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from twofront.core.models import Region
from twofront.metrics import registry
from twofront.metrics.models import DirtyCell, Rollup
from twofront.metrics.registry import Metric

logger = logging.getLogger(__name__)

_LOCK_ID = 7_466_746_501  # pg advisory lock key: "the metrics rollups"


def _lock(*, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_LOCK_ID])
        acquired = cursor.fetchone()[0]
    return wait or bool(acquired)


def _day_field(metric: Metric) -> models.Field:
    model, *path = [metric.kind.source, *metric.kind.day.split("__")]
    field = None
    for name in path:
        field = model._meta.get_field(name)
        model = field.related_model or model
    return field


def _day_of(metric: Metric):
    if isinstance(_day_field(metric), models.DateTimeField):
        return TruncDate(metric.kind.day, tzinfo=timezone.get_default_timezone())
    return F(metric.kind.day)


def _days_between(metric: Metric, first: datetime.date, last: datetime.date) -> Q:
    """Records whose day is in [first, last], as a range on the raw column (so an index can serve it)."""
    day = metric.kind.day
    if isinstance(_day_field(metric), models.DateTimeField):
        zone = timezone.get_default_timezone()
        start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min), zone)
        end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min), zone)
        return Q(**{f"{day}__gte": start, f"{day}__lt": end})
    return Q(**{f"{day}__range": (first, last)})


def computed(metric: Metric, condition: Q | None = None) -> models.QuerySet:
    """The metric's (region, day, value) rows computed from its source records: one GROUP BY."""
    kind = metric.kind
    return (kind.source._default_manager.filter(kind.source_filter(), condition or Q())
            .filter(**{f"{kind.region}__isnull": False, f"{kind.day}__isnull": False})
            .annotate(metric_region=F(kind.region), metric_day=_day_of(metric))
            .values("metric_region", "metric_day").annotate(metric_value=kind.aggregate()).order_by())


def _add_into_rollups(key: str, rows: models.QuerySet) -> None:
    """INSERT the (region, day, value) rows of a query into the key's rollups, adding to existing rows."""
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    quote = connection.ops.quote_name
    table, value = quote(Rollup._meta.db_table), quote("value")
    unique = ", ".join(quote(c) for c in ("key", "region_id", "day"))
    with connection.cursor() as cursor:
        # Quoted names and the ORM's own compiled SELECT; every value is a parameter.
        cursor.execute(f"INSERT INTO {table} ({unique}, {value}) "  # noqa: S608
                       f"SELECT %s, metric_region, metric_day, metric_value FROM ({sql}) AS computed WHERE true "
                       f"ON CONFLICT ({unique}) DO UPDATE SET {value} = {table}.{value} + excluded.{value}",
                       [key, *params])


def _children_into_parents(key: str, depth: int, parents: list[int] | None = None, days: Q | None = None) -> None:
    """Adds the rollups of the regions at `depth` into their parents' (only `parents`, when given)."""
    rows = Rollup.objects.filter(key=key, region__depth=depth).filter(days or Q())
    if parents is not None:
        rows = rows.filter(region__parent_id__in=parents)
    _add_into_rollups(key, rows.annotate(metric_region=F("region__parent_id"), metric_day=F("day"))
                      .values("metric_region", "metric_day").annotate(metric_value=models.Sum("value")).order_by())


def _recompute(metric: Metric, regions: dict[int, int], first: datetime.date, last: datetime.date) -> None:
    """Recomputes the rollups of `regions` (id -> depth; with all their ancestors) over [first, last]."""
    ids = list(regions)
    Rollup.objects.filter(key=metric.key, region_id__in=ids, day__range=(first, last)).delete()
    _add_into_rollups(metric.key, computed(metric, Q(**{f"{metric.kind.region}__in": ids})
                                           & _days_between(metric, first, last)))
    for depth in range(_deepest() - 1, -1, -1):
        parents = [pk for pk, d in regions.items() if d == depth]
        if parents:
            _children_into_parents(metric.key, depth + 1, parents, Q(day__range=(first, last)))


def _deepest() -> int:
    return Region.objects.aggregate(depth=models.Max("depth"))["depth"] or 0


def _with_ancestors(region_ids: set[int]) -> dict[int, int]:
    paths = Region.objects.filter(pk__in=region_ids).values_list("path", flat=True)
    codes = {code for path in paths for code in path.split("/") if code}
    return dict(Region.objects.filter(code__in=codes).values_list("pk", "depth"))


def _recompute_cells(cells: set[tuple[str, int, datetime.date]]) -> None:
    by_source: dict[str, list[tuple[int, datetime.date]]] = defaultdict(list)
    for source, region_id, day in cells:
        by_source[source].append((region_id, day))
    for source, source_cells in by_source.items():
        regions = _with_ancestors({region_id for region_id, _day in source_cells})
        days = [day for _region, day in source_cells]
        for metric in registry.stored_metrics(source):
            _recompute(metric, regions, min(days), max(days))


def _take(batch_size: int) -> list[tuple[str, int, datetime.date]]:
    """Deletes the oldest committed marks, up to batch_size, and returns them: one statement, one snapshot."""
    table = connection.ops.quote_name(DirtyCell._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s) "  # noqa: S608
                       "RETURNING source, region_id, day", [batch_size])
        rows = cursor.fetchall()
    day = DirtyCell._meta.get_field("day")  # SQLite returns the day as text
    return [(source, region_id, day.to_python(value)) for source, region_id, value in rows]


@transaction.atomic
def _refresh_batch(batch_size: int) -> int:
    if not _lock(wait=False):
        return 0  # another refresh or a rebuild is running; it leaves nothing behind for long
    marks = _take(batch_size)
    _recompute_cells(set(marks))
    return len(marks)


def refresh_dirty(*, batch_size: int = 5000, max_batches: int = 200) -> int:
    """Recomputes the rollups of the marked cells, a batch of marks per transaction (a busy cell is marked by
    many writers, so a batch's distinct cells are usually far fewer). Returns the marks consumed."""
    consumed = 0
    for _ in range(max_batches):
        done = _refresh_batch(batch_size)
        consumed += done
        if done < batch_size:
            break
    if consumed:
        logger.info("metrics: refreshed %s dirty cells", consumed)
    return consumed


@transaction.atomic
def rebuild(keys: list[str] | None = None) -> dict[str, int]:
    """Recomputes the rollups of the given metrics (derived ones: of what they are computed from), or of
    all stored metrics, dropping rollups of keys no longer declared. Returns rollup rows per key."""
    _lock(wait=True)
    if keys is None:
        metrics = registry.stored_metrics()
        Rollup.objects.exclude(key__in=[m.key for m in metrics]).delete()
    else:
        stored = set().union(*(registry.stored_dependencies(k) for k in keys))
        metrics = [registry.get(k) for k in sorted(stored)]
    deepest = _deepest()
    for metric in metrics:
        Rollup.objects.filter(key=metric.key).delete()
        _add_into_rollups(metric.key, computed(metric))
        for depth in range(deepest, 0, -1):
            _children_into_parents(metric.key, depth)
    return {metric.key: Rollup.objects.filter(key=metric.key).count() for metric in metrics}
