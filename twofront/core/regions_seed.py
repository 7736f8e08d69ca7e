"""Loads the real division tree (city > district > street > community) and, for the demo, grids."""

import csv
from pathlib import Path

from django.db import transaction

from twofront.core.choices import RegionLevel
from twofront.core.models import Region

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "guiyang-divisions.csv"
CITY_CODE = "520100"
DISTRICT_CODES = ["520102", "520103", "520111", "520112", "520113", "520115", "520121", "520122", "520123", "520181"]


@transaction.atomic
def load_divisions(path: Path = DIVISIONS_CSV) -> int:
    """Creates the regions that are missing, level by level so parents exist first. Returns how many."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    known = {r.code: r for r in Region.objects.only("pk", "code", "path", "depth")}
    created = 0
    for level in (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY):
        batch = []
        for row in rows:
            if row["level"] != level or row["code"] in known:
                continue
            parent = known.get(row["parent_code"]) if row["parent_code"] else None
            batch.append(Region(
                code=row["code"], name=row["name"], level=level, parent_id=parent.pk if parent else None,
                path=f"{parent.path if parent else ''}{row['code']}/", depth=parent.depth + 1 if parent else 0))
        Region.objects.bulk_create(batch, batch_size=500)
        created += len(batch)
        known = {r.code: r for r in Region.objects.only("pk", "code", "path", "depth")}
    return created


@transaction.atomic
def ensure_demo_grids(per_community: int = 2, streets_per_district: int = 3, communities_per_street: int = 3) -> list[Region]:
    """A few grids under the first communities of the first streets of every district."""
    grids = []
    for district in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"):
        for street in district.children.order_by("code")[:streets_per_district]:
            for community in street.children.order_by("code")[:communities_per_street]:
                for n in range(1, per_community + 1):
                    grid, _ = Region.objects.get_or_create(
                        code=f"{community.code}{n:03d}",
                        defaults={"name": f"{community.name}第{n}网格", "level": RegionLevel.GRID, "parent": community})
                    grids.append(grid)
    return grids
