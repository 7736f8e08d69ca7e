from django.core.management.base import BaseCommand

from twofront.metrics import services


class Command(BaseCommand):
    help = "Recompute the rollups of dirty cells now (the worker does this at least every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.refresh_dirty()} dirty cells refreshed")
