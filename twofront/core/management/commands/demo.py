import os

from django.core.management.base import BaseCommand
from django.db import transaction

from twofront.core.choices import RegionLevel
from twofront.core.models import Person, Region, User
from twofront.core.regions_seed import CITY_CODE, ensure_demo_grids, load_divisions
from twofront.core.roles import Role
from twofront.core.services.accounts import assign_role
from twofront.core.services.bulk import create_demo_persons
from twofront.core.synthetic import generate_persons

DEFAULT_PASSWORD = "twofront-demo-2020"

# username -> (display name, role, region code); the grid is resolved at run time.
DEMO_ACCOUNTS = {
    "commander": ("市指挥部 指挥长", Role.CITY_COMMANDER, CITY_CODE),
    "nanming": ("南明区 防控专员", Role.DISTRICT_OFFICER, "520102"),
    "yunyan": ("云岩区 防控专员", Role.DISTRICT_OFFICER, "520103"),
    "grid_nanming": ("南明区 网格员", Role.GRID_WORKER, "grid:520102"),
    "auditor": ("市审计员", Role.AUDITOR, CITY_CODE),
}


class Command(BaseCommand):
    help = "Load the region tree, demo grids, demo accounts and synthetic persons (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300, help="synthetic residents to add (default 300)")
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args, persons: int, seed: int, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        created_regions = load_divisions()
        grids = ensure_demo_grids()
        self.stdout.write(f"regions: {Region.objects.count()} ({created_regions} new), demo grids: {len(grids)}")
        with transaction.atomic():
            admin, created = User.objects.get_or_create(username="admin", defaults={"display_name": "系统管理员"})
            if created:
                admin.is_superuser = admin.is_staff = True
                admin.set_password(password)
                admin.save()
            first_grid = {g.path.split("/")[1]: g for g in reversed(grids)}
            for username, (display, role, code) in DEMO_ACCOUNTS.items():
                user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
                if created:
                    user.set_password(password)
                    user.save()
                region = first_grid[code.split(":")[1]] if code.startswith("grid:") else Region.objects.get(code=code)
                assign_role(actor=admin, user=user, role=role, region=region)
        if persons > 0:
            targets = [g.code for g in grids] + list(
                Region.objects.filter(level=RegionLevel.COMMUNITY, children__in=grids).values_list("code", flat=True).distinct())
            offset = Person.objects.count()
            rows = generate_persons(persons + offset, targets, seed=seed)
            # The generator is deterministic: skip the rows an earlier run already inserted.
            fresh = (row for i, row in enumerate(rows) if i >= offset)
            added = create_demo_persons(fresh, actor=admin)
            self.stdout.write(f"persons: {Person.objects.count()} ({added} new)")
        self.stdout.write(self.style.SUCCESS(f"demo ready; accounts admin, {', '.join(DEMO_ACCOUNTS)} "
                                             f"with password from DEMO_PASSWORD (default {DEFAULT_PASSWORD})"))
