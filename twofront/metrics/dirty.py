"""Writers call `touch()` / `touch_many()` inside their transaction; the refresh job recomputes those cells.

A cell is (source model, region, day) as the model's metrics see the record: the region its metrics
declare (`Count(region="site__region")` -> the site's region) and its day in settings.TIME_ZONE. A
change that moves a record to another region or day touches the old cell and the new one.

A touch of a cell that is already dirty updates its `marked_at` (an upsert, not "do nothing"): on
PostgreSQL that row lock is what keeps a concurrent refresh from consuming the cell before the
writer's records are visible to it (see services.refresh_dirty).
"""

import datetime
from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone

from twofront.metrics.models import DirtyCell


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def touch(model: type[Model] | str, *, region_id: int, day: datetime.date | datetime.datetime | None = None) -> None:
    touch_many(model, [(region_id, day)])


def touch_many(model: type[Model] | str, cells: Iterable[tuple[int, datetime.date | datetime.datetime | None]]) -> int:
    """Marks (region id, day) cells of a source model dirty; duplicates are ignored. Returns cells marked."""
    source = _label(model)
    zone = timezone.get_default_timezone()  # rollup days are cut in settings.TIME_ZONE, whatever is active
    today = timezone.localdate(timezone=zone)
    unique = set()
    for region_id, day in cells:
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day, zone).date() if timezone.is_aware(day) else day.date()
        unique.add((region_id, day or today))
    # Sorted, so that two writers lock shared cells in the same order and cannot deadlock.
    rows = [DirtyCell(source=source, region_id=r, day=d) for r, d in sorted(unique)]
    DirtyCell.objects.bulk_create(rows, batch_size=1000, update_conflicts=True,
                                  unique_fields=["source", "region", "day"], update_fields=["marked_at"])
    return len(rows)
