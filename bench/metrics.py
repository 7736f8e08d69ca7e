"""Benchmark: reading the dashboard's person figures from rollups against COUNT(*) ... GROUP BY on raw tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/metrics.py --persons 1000000

With a PostgreSQL DATABASE_URL the script creates (and afterwards drops) a database `twofront_bench` on
that server; without one it uses a fresh SQLite file under var/. Pass --database-url to run in an
existing database instead (it is migrated and persons are added to it; nothing is dropped).

Steps: migrate, load the real division tree and the demo grids, insert N synthetic persons with
encrypted ID and phone numbers (PostgreSQL COPY, SQLite executemany) registered over --days days up to
--until, rebuild the rollups, then time (median of --runs) the dashboard figure set read through the
metrics service (city total and per-district values of persons registered as of --until and new in the
last 30 days, and the 30-day daily series of both) against the same figures from raw GROUP BY queries,
checking both give the same numbers. Prints one JSON line, then a table.
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "twofront_bench"
TARGET_MS = 50.0
PERSON_COLUMNS = ["name", "id_number_ct", "id_number_index", "id_number_masked", "phone_ct", "phone_index",
                  "phone_masked", "birth_date", "sex", "native_region_code", "region_id", "address", "created_at",
                  "updated_at"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90, help="registrations spread over this many days")
    parser.add_argument("--until", type=datetime.date.fromisoformat, default=datetime.date(2020, 4, 26),
                        help="last registration day, also the dashboard's date")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each side (median reported)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--database-url", help="run in this existing database instead of a scratch one")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    return parser.parse_args()


def scratch_database(args) -> tuple[str, object]:
    """The DATABASE_URL to run in and a function that cleans up after the run."""
    if args.database_url:
        return args.database_url, lambda: None
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql

        server = configured.replace("postgres://", "postgresql://", 1)

        def admin(statement):
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(statement)

        name = sql.Identifier(BENCH_DATABASE)
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin(sql.SQL("CREATE DATABASE {}").format(name))
        bench_url = urlsplit(configured)._replace(path=f"/{BENCH_DATABASE}").geturl()

        def drop():
            from django.db import connections

            connections.close_all()
            if not args.keep:
                admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))

        return bench_url, drop
    path = ROOT / "var" / "bench-metrics.sqlite3"
    path.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    def remove():
        if not args.keep:
            path.unlink(missing_ok=True)

    return f"sqlite:///{path}", remove


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory, 1), "python": platform.python_version()}


def load_persons(n: int, days: int, until: datetime.date, seed: int) -> tuple[int, list[str]]:
    """Inserts n persons living in the communities and demo grids; returns (n, their region codes)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from twofront.core.choices import RegionLevel
    from twofront.core.models import Region
    from twofront.core.services.bulk import person_from_row
    from twofront.core.synthetic import generate_persons

    codes = list(Region.objects.filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.GRID])
                 .values_list("code", flat=True))
    region_ids = dict(Region.objects.values_list("code", "pk"))
    zone = timezone.get_default_timezone()
    first = datetime.datetime.combine(until - datetime.timedelta(days=days - 1), datetime.time.min, tzinfo=zone)
    spread = days * 86400
    rng = random.Random(seed)

    # psycopg sends aware datetimes as they are; SQLite needs Django's adaptation (UTC text).
    adapt = (lambda value: value) if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value

    def values():
        for row in generate_persons(n, codes, seed=seed):
            person = person_from_row(row, region_ids)
            person.created_at = person.updated_at = adapt(first + datetime.timedelta(seconds=rng.randrange(spread)))
            yield tuple(getattr(person, c) for c in PERSON_COLUMNS)

    columns = ", ".join(PERSON_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY core_person ({columns}) FROM STDIN") as copy:
                for row in values():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(PERSON_COLUMNS))
            batch = []
            for row in values():
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(f"INSERT INTO core_person ({columns}) VALUES ({marks})", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO core_person ({columns}) VALUES ({marks})", batch)
    return n, codes


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def dashboard_from_rollups(user, city: str, first: datetime.date, last: datetime.date) -> dict:
    from twofront.metrics import selectors

    keys = ["core.persons_registered", "core.persons_new"]
    by_district = selectors.values(user, keys, city, first, last, group="children")
    daily = selectors.values(user, keys, city, first, last, group="day")
    figures = {}
    for item in by_district.values:
        figures[item.metric.key] = int(item.value)
        figures[f"{item.metric.key}:districts"] = {child.code: int(v) for child, v in item.children}
    for item in daily.values:
        figures[f"{item.metric.key}:daily"] = [int(v) for _day, v in item.series]
    return figures


def dashboard_from_raw(city: str, first: datetime.date, last: datetime.date) -> dict:
    """The same figures by COUNT(*) ... GROUP BY over the person table joined to the region tree."""
    from django.db.models import Count
    from django.db.models.functions import Substr, TruncDate
    from django.utils import timezone

    from twofront.core.models import Person, Region

    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    region = Region.objects.get(code=city)
    districts = list(Region.objects.filter(parent=region).order_by("code").values_list("code", flat=True))
    in_city = Person.objects.filter(region__path__startswith=region.path).order_by()
    district_of = Substr("region__path", len(region.path) + 1, len(districts[0]))
    registered = dict(in_city.filter(created_at__lt=end).values_list(district_of).annotate(n=Count("pk")))
    new = dict(in_city.filter(created_at__gte=start, created_at__lt=end).values_list(district_of)
               .annotate(n=Count("pk")))
    opening = in_city.filter(created_at__lt=start).count()
    per_day = dict(in_city.filter(created_at__gte=start, created_at__lt=end)
                   .values_list(TruncDate("created_at", tzinfo=zone)).annotate(n=Count("pk")))
    days = [first + datetime.timedelta(days=k) for k in range((last - first).days + 1)]
    daily_new = [per_day.get(day, 0) for day in days]
    daily_registered, running = [], opening
    for count in daily_new:
        running += count
        daily_registered.append(running)
    return {
        "core.persons_registered": sum(registered.values()),
        "core.persons_registered:districts": {code: registered.get(code, 0) for code in districts},
        "core.persons_new": sum(new.values()),
        "core.persons_new:districts": {code: new.get(code, 0) for code in districts},
        "core.persons_registered:daily": daily_registered,
        "core.persons_new:daily": daily_new,
    }


def refresh_times(codes: list[str], day: datetime.date, runs: int) -> tuple[float, float]:
    """Median ms to refresh one dirty cell (a registration in a grid), and s to refresh 1,000 cells."""
    from twofront.core.models import Person, Region
    from twofront.metrics import services
    from twofront.metrics.dirty import touch_many

    region_ids = dict(Region.objects.filter(code__in=codes).values_list("code", "pk"))
    one = []
    for _ in range(runs):
        touch_many(Person, [(region_ids[codes[-1]], day)])
        started = time.perf_counter()
        services.refresh_dirty()
        one.append((time.perf_counter() - started) * 1000)
    touch_many(Person, [(region_ids[code], day) for code in codes[:1000]])
    started = time.perf_counter()
    services.refresh_dirty()
    return statistics.median(one), time.perf_counter() - started


def timed(function, runs: int) -> tuple[list[float], object]:
    result = function()  # warm-up: connection, plans, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main() -> int:
    args = parse_args()
    url, cleanup = scratch_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from twofront.core.models import Region, RoleAssignment, User
    from twofront.core.regions_seed import CITY_CODE, ensure_demo_grids, load_divisions
    from twofront.core.roles import Role
    from twofront.metrics import services
    from twofront.metrics.models import Rollup

    try:
        call_command("migrate", verbosity=0)
        load_divisions()
        ensure_demo_grids()
        started = time.perf_counter()
        persons, codes = load_persons(args.persons, args.days, args.until, args.seed)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        services.rebuild()
        rebuild_seconds = time.perf_counter() - started
        analyze()

        user, _ = User.objects.get_or_create(username="bench-commander")
        RoleAssignment.objects.get_or_create(user=user, role=Role.CITY_COMMANDER, region=Region.objects.get(code=CITY_CODE))
        last = args.until
        first = last - datetime.timedelta(days=29)
        rollup_ms, from_rollups = timed(lambda: dashboard_from_rollups(user, CITY_CODE, first, last), args.runs)
        raw_ms, from_raw = timed(lambda: dashboard_from_raw(CITY_CODE, first, last), args.runs)
        refresh_one_ms, refresh_many_s = refresh_times(codes, last, args.runs)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            database_version = cursor.fetchone()[0].split(" on ")[0]
        rollups_median, raw_median = statistics.median(rollup_ms), statistics.median(raw_ms)
        report = {
            "benchmark": "metrics.dashboard", "database": connection.vendor, "database_version": database_version,
            "persons": persons, "regions_with_persons": len(codes), "days": args.days,
            "rollup_rows": Rollup.objects.count(), "load_s": round(load_seconds, 1),
            "rebuild_s": round(rebuild_seconds, 2), "runs": args.runs,
            "rollups_ms_median": round(rollups_median, 2), "rollups_ms_max": round(max(rollup_ms), 2),
            "raw_ms_median": round(raw_median, 2), "raw_ms_max": round(max(raw_ms), 2),
            "speedup": round(raw_median / rollups_median, 1), "target_ms": TARGET_MS,
            "refresh_one_cell_ms": round(refresh_one_ms, 1), "refresh_1000_cells_s": round(refresh_many_s, 2),
            "within_target": rollups_median < TARGET_MS, "figures_match": from_rollups == from_raw,
            "registered": from_rollups["core.persons_registered"], "machine": machine(),
        }
    finally:
        cleanup()
    print(json.dumps(report, ensure_ascii=False))
    rows = [("persons", f"{persons:,}"), ("rollup rows", f"{report['rollup_rows']:,}"),
            ("load persons (s)", report["load_s"]), ("rebuild rollups (s)", report["rebuild_s"]),
            ("dashboard from rollups, median (ms)", report["rollups_ms_median"]),
            ("dashboard from raw GROUP BY, median (ms)", report["raw_ms_median"]),
            ("raw / rollups", f"{report['speedup']}x"),
            ("refresh 1 dirty cell, median (ms)", report["refresh_one_cell_ms"]),
            ("refresh 1,000 dirty cells (s)", report["refresh_1000_cells_s"]), (f"rollups under {TARGET_MS:.0f} ms", report["within_target"]),
            ("same figures", report["figures_match"]),
            ("database", f"{connection.vendor} {database_version}"),
            ("machine", f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gib']} GiB, "
                        f"{report['machine']['cpu']}")]
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0 if report["figures_match"] else 1


if __name__ == "__main__":
    sys.exit(main())
