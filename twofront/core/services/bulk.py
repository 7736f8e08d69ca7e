"""Fast creation of many persons at once (demo data); imports use the transfer engine instead."""

from collections.abc import Iterable

from django.db import transaction

from twofront.core import audit
from twofront.core.models import Person, Region
from twofront.core.services.people import identity_fields, phone_fields
from twofront.metrics.dirty import touch_many


def person_from_row(row: dict, region_ids: dict[str, int]) -> Person:
    """A Person in the stored form of people.create_person, built by the same field builders (as the importer,
    twofront.core.imports, does too)."""
    return Person(name=row["name"], **identity_fields(row["id_number"]), **phone_fields(row.get("phone") or ""),
                  region_id=region_ids[row["region_code"]], address=row.get("address", "")[:255])


@transaction.atomic
def create_demo_persons(rows: Iterable[dict], *, actor=None, batch_size: int = 2000) -> int:
    """Inserts generated residents, skipping IDs already registered; one audit event for the batch."""
    region_ids = dict(Region.objects.values_list("code", "pk"))
    created, batch, used = 0, [], set()
    for row in rows:
        batch.append(person_from_row(row, region_ids))
        used.add(batch[-1].region_id)
        if len(batch) >= batch_size:
            created += len(Person.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(Person.objects.bulk_create(batch, ignore_conflicts=True))
    touch_many(Person, [(region_id, None) for region_id in used])
    audit.record(actor, "core.person.demo_generated", None, changes={"rows": created})
    return created
