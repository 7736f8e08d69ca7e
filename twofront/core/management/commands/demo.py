import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from twofront.core import scenarios
from twofront.core.choices import OrganisationKind, RegionLevel
from twofront.core.models import Organisation, Person, Region, User
from twofront.core.regions_seed import CITY_CODE, ensure_demo_grids, load_divisions
from twofront.core.roles import Role
from twofront.core.services.accounts import assign_role
from twofront.core.services.bulk import create_demo_persons
from twofront.core.synthetic import generate_persons
from twofront.metrics import services as metrics_services

DEFAULT_PASSWORD = "twofront-demo-2020"

# username -> (display name, role, region code); the grid is resolved at run time.
DEMO_ACCOUNTS = {
    "commander": ("市指挥部 指挥长", Role.CITY_COMMANDER, CITY_CODE),
    "nanming": ("南明区 防控专员", Role.DISTRICT_OFFICER, "520102"),
    "yunyan": ("云岩区 防控专员", Role.DISTRICT_OFFICER, "520103"),
    "grid_nanming": ("南明区 网格员", Role.GRID_WORKER, "grid:520102"),
    "auditor": ("市审计员", Role.AUDITOR, CITY_CODE),
}

# username -> (display name, role, organisation kind): staff of the demo data set's first unit of that kind
# (the units the apps' demo steps create, named "（演示）…").
DEMO_UNIT_ACCOUNTS = {
    "hr_demo": ("演示企业 人事", Role.ENTERPRISE_ADMIN, OrganisationKind.ENTERPRISE),
    "checkpoint_demo": ("演示卡口 值守人员", Role.CHECKPOINT_STAFF, OrganisationKind.CHECKPOINT),
    "hotel_demo": ("演示定点酒店 工作人员", Role.HOTEL_STAFF, OrganisationKind.QUARANTINE_SITE),
    "hospital_demo": ("演示医院 发热门诊", Role.HOSPITAL_STAFF, OrganisationKind.HOSPITAL),
}


class Command(BaseCommand):
    help = ("Load the region tree, demo grids, demo accounts, synthetic persons and a small recent data set for "
            "every page (idempotent); with --scenario, a reference scenario such as guiyang-2020.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300, help="synthetic residents to add (default 300)")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--scenario", help="also load this reference scenario (guiyang-2020: the article's "
                                               "figures); refused when it is already loaded")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="size of the scenario relative to the article (default 1.0)")
        parser.add_argument("--if-missing", action="store_true",
                            help="with --scenario: skip quietly instead of refusing when it is already loaded")
        parser.add_argument("--no-activity", action="store_true",
                            help="leave out the small recent data set (enterprises, checkpoints, hospitals ...)")

    def handle(self, *args, persons: int, seed: int, scenario: str | None, scale: float, if_missing: bool,
               no_activity: bool, **options):
        if scenario and scenario not in scenarios.names():
            raise CommandError(f"unknown scenario {scenario!r}; known: {', '.join(scenarios.names())}")
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
        loaded = []
        if not no_activity and not scenarios.is_loaded("demo"):
            loaded.append(self._load("demo", admin, scale=1.0, seed=seed, quiet=True))
        if scenario:
            if not scenarios.is_loaded(scenario):
                loaded.append(self._load(scenario, admin, scale=scale, seed=seed))
            elif not if_missing:
                raise CommandError(f"scenario {scenario} is already loaded: loading it again would double every "
                                   "figure. Start from an empty database (e.g. delete var/twofront.sqlite3) to reload.")
            else:
                self.stdout.write(f"scenario {scenario}: already loaded")
        self._unit_accounts(admin, password)
        if loaded:
            began = time.perf_counter()
            rows = metrics_services.rebuild()
            self.stdout.write(f"metrics rebuilt in {time.perf_counter() - began:.1f} s ({sum(rows.values())} rollup rows)")
            for ctx in loaded:
                self._report(ctx)
        accounts = [*DEMO_ACCOUNTS, *(u for u in DEMO_UNIT_ACCOUNTS if User.objects.filter(username=u).exists())]
        self.stdout.write(self.style.SUCCESS(f"demo ready; accounts admin, {', '.join(accounts)} "
                                             f"with password from DEMO_PASSWORD (default {DEFAULT_PASSWORD})"))

    @transaction.atomic
    def _unit_accounts(self, admin, password: str) -> None:
        for username, (display, role, kind) in DEMO_UNIT_ACCOUNTS.items():
            unit = Organisation.objects.filter(kind=kind, name__startswith="（演示）").order_by("pk").first()
            if unit is None:
                continue
            user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
            if created:
                user.set_password(password)
                user.save()
            assign_role(actor=admin, user=user, role=role, organisation=unit)

    def _load(self, name: str, admin, *, scale: float, seed: int, quiet: bool = False):
        began = time.perf_counter()
        self.stdout.write(f"scenario {name}: loading" + ("" if quiet else f" (scale {scale:g})"))
        ctx = scenarios.load(name, actor=admin, scale=scale, seed=seed, rebuild=False,
                             echo=None if quiet else self.stdout.write)
        self.stdout.write(f"scenario {name}: loaded in {time.perf_counter() - began:.1f} s")
        return ctx

    def _report(self, ctx) -> None:
        if not ctx.reference:
            return
        wrong = scenarios.verify(ctx)
        self.stdout.write(scenarios.table(ctx))
        if wrong:
            self.stdout.write(self.style.WARNING(
                f"{len(wrong)} figures differ from the scenario's (other records in the database?): "
                + ", ".join(e.key or e.figure for e in wrong)))
        else:
            self.stdout.write(self.style.SUCCESS(f"all {len(ctx.expectations)} figures computed as intended"))
