from django.core.management.base import BaseCommand, CommandError

from twofront.metrics import registry, services


class Command(BaseCommand):
    help = "Recompute metric rollups from the records: all stored metrics, or the given keys."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="metric keys (default: all)")

    def handle(self, *args, keys: list[str], verbosity: int, **options):
        unknown = [k for k in keys if not registry.is_declared(k)]
        if unknown:
            raise CommandError(f"unknown metrics: {', '.join(unknown)}")
        rows = services.rebuild(keys or None)
        if verbosity >= 2:
            for key, count in rows.items():
                self.stdout.write(f"{key}: {count} rollup rows")
        self.stdout.write(f"metrics rebuilt: {len(rows)} stored metrics, {sum(rows.values())} rollup rows")
