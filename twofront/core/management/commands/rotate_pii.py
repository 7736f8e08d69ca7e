from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from twofront.core import audit, context, pii
from twofront.core.choices import AuditSource
from twofront.core.models import Person, User
from twofront.core.services.people import ID_PURPOSE, PHONE_PURPOSE


class Command(BaseCommand):
    help = "Re-encrypt personal data under the active PII key (and, with --reindex, recompute blind indexes)."

    def add_arguments(self, parser):
        parser.add_argument("--reindex", action="store_true", help="recompute blind indexes with BLIND_INDEX_KEY")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, reindex: bool, batch: int, **options):
        active = settings.PII_ACTIVE_KEY_ID
        prefix = f"{active}:"
        with context.use(AuditSource.CLI):
            stale = Person.objects.exclude(id_number_ct__startswith=prefix) | Person.objects.exclude(
                phone_ct="").exclude(phone_ct__startswith=prefix)
            queryset = Person.objects.all() if reindex else stale
            done, last = 0, 0
            while True:
                rows = list(queryset.filter(pk__gt=last).order_by("pk")[:batch])
                if not rows:
                    break
                with transaction.atomic():
                    for person in rows:
                        number, phone = pii.decrypt(person.id_number_ct), pii.decrypt(person.phone_ct)
                        person.id_number_ct, person.phone_ct = pii.encrypt(number), pii.encrypt(phone)
                        if reindex:
                            person.id_number_index = pii.blind_index(number, ID_PURPOSE)
                            person.phone_index = pii.blind_index(phone, PHONE_PURPOSE)
                    Person.objects.bulk_update(rows, ["id_number_ct", "phone_ct", "id_number_index", "phone_index"])
                done, last = done + len(rows), rows[-1].pk
                self.stdout.write(f"persons re-encrypted: {done}")
            users = User.objects.exclude(totp_secret_ct="").exclude(totp_secret_ct__startswith=prefix)
            for user in users:
                user.totp_secret_ct = pii.encrypt(pii.decrypt(user.totp_secret_ct))
                user.save(update_fields=["totp_secret_ct"])
            audit.record(None, "core.pii.rotated", None, changes={"persons": done, "key_id": active,
                                                                  "reindex": reindex})
            left = Person.objects.exclude(id_number_ct__startswith=prefix).count()
        self.stdout.write(self.style.SUCCESS(f"done: {done} persons, {left} rows left under old keys"))
