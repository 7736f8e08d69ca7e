"""Fast creation of many persons at once (demo data); imports use the transfer engine instead."""

from collections.abc import Iterable

from django.db import transaction

from twofront.core import audit, pii
from twofront.core.identity import mask_mobile, mask_national_id, parse_national_id
from twofront.core.models import Person, Region
from twofront.core.services.people import ID_PURPOSE, PHONE_PURPOSE
from twofront.metrics.dirty import touch_many


def person_from_row(row: dict, region_ids: dict[str, int]) -> Person:
    parsed = parse_national_id(row["id_number"])
    phone = row.get("phone") or ""
    return Person(
        name=row["name"], id_number_ct=pii.encrypt(parsed.number),
        id_number_index=pii.blind_index(parsed.number, ID_PURPOSE), id_number_masked=mask_national_id(parsed.number),
        phone_ct=pii.encrypt(phone), phone_index=pii.blind_index(phone, PHONE_PURPOSE),
        phone_masked=mask_mobile(phone), birth_date=parsed.birth_date, sex=parsed.sex,
        native_region_code=parsed.native_region_code, region_id=region_ids[row["region_code"]],
        address=row.get("address", "")[:255])


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
