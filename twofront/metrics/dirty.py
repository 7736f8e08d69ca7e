"""Writers call `touch()` / `touch_many()` inside their transaction; the refresh job recomputes those cells."""

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
    today = timezone.localdate()
    unique = set()
    for region_id, day in cells:
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        unique.add((region_id, day or today))
    rows = [DirtyCell(source=source, region_id=r, day=d) for r, d in unique]
    DirtyCell.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)
