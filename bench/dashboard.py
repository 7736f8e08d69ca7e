"""Benchmark: the command dashboard's data request (GET /api/v1/command/dashboard) against the same figures
computed by raw COUNT/SUM queries, on PostgreSQL with 1M persons and 10M health check-ins.

    flock /tmp/twofront-bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/dashboard.py            # --persons 1000000 --employees 200000 --days 50

DATABASE_URL only names the server: the script creates the database twofront_bench_dashboard and drops it at
the end (--keep keeps it, --reuse runs the timings again in a kept one). Generated with SQL generate_series
(no encryption: only counts matter here, the ID/phone columns hold unique placeholders): the real division
tree and demo grids, --persons persons registered over 90 days up to --until across the communities and grids,
--enterprises enterprises in the streets (80% resumed), --employees employees (persons 1..N) on their
rosters, and one check-in per employee and day for the --days days up to --until (0.5% abnormal), i.e.
employees x days check-ins. Then the metrics rollups are rebuilt and the tables analysed.

Timed (median of --runs after a warm-up), for the city commander over the 30 days up to --until:
  dashboard   the whole request through Django's test client in this process: session auth, the API, the
              three rollup reads of services.dashboard.build (every declared tile per district, the trend
              series, the year-earlier figures) and the JSON rendering; "server time", no network
  raw         the same person, enterprise and check-in figures (city and per district: registered, new,
              enterprises registered and resumed, check-ins and abnormal ones over the period, and their daily
              series) by COUNT(*) ... GROUP BY over core_person, enterprise_enterprise and
              enterprise_healthcheckin joined to the region tree; checked equal to the dashboard's figures
Prints one JSON line, then a table.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "twofront_bench_dashboard"
TARGET_MS = 150.0
PERSON_DAYS = 90
COMPARED = ["core.persons_registered", "core.persons_new", "enterprise.registered", "enterprise.resumed",
            "enterprise.checkins", "enterprise.checkins_abnormal"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=50, help="days of check-ins (one per employee and day)")
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--until", type=datetime.date.fromisoformat, default=datetime.date(2020, 4, 26))
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time again in a database kept by --keep")
    return parser.parse_args()


def admin(statement) -> None:
    import psycopg

    from bench.common import server_url, with_database

    with psycopg.connect(with_database(server_url(), "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory, 1), "python": platform.python_version(),
            "load_average": round(os.getloadavg()[0], 1)}


def generate(args) -> dict:
    """Fills the benchmark database with SQL generate_series; returns seconds per step."""
    from django.db import connection, transaction

    from twofront.core.choices import RegionLevel
    from twofront.core.models import Region

    steps = {}
    homes = list(Region.objects.filter(level__in=[RegionLevel.COMMUNITY, RegionLevel.GRID]).order_by("code")
                 .values_list("pk", flat=True))
    streets = list(Region.objects.filter(level=RegionLevel.STREET).order_by("code").values_list("pk", flat=True))
    until = args.until
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Consistent by construction: skip the per-row foreign-key triggers (superuser; this transaction only).
        cursor.execute("SET LOCAL session_replication_role = replica")
        started = time.perf_counter()
        # Persons: registered at a pseudo-random second of the PERSON_DAYS days up to --until (Asia/Shanghai).
        cursor.execute("""
            INSERT INTO core_person (name, id_number_ct, id_number_index, id_number_masked, phone_ct, phone_index,
                                     phone_masked, birth_date, sex, native_region_code, region_id, address,
                                     created_at, updated_at)
            SELECT '居民' || g, 'bench', md5('id' || g), '5201**********' || lpad((g %% 10000)::text, 4, '0'),
                   '', '', '', DATE '1960-01-01' + (g %% 20000), CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, '520102',
                   (%(homes)s::bigint[])[1 + (g::bigint * 7919) %% %(nhomes)s], '',
                   (%(until)s::date + 1 - %(days)s)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       + ((g::bigint * 104729) %% (%(days)s * 86400)) * INTERVAL '1 second',
                   now()
            FROM generate_series(1, %(n)s) AS g""", {"homes": homes, "nhomes": len(homes), "until": until,
                                                     "days": PERSON_DAYS, "n": args.persons})
        steps["persons_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO core_organisation (name, kind, region_id, code)
            SELECT '基准企业' || g, 'enterprise', (%(streets)s::bigint[])[1 + g %% %(nstreets)s], 'bench' || g
            FROM generate_series(1, %(n)s) AS g""", {"streets": streets, "nstreets": len(streets), "n": args.enterprises})
        cursor.execute("""
            INSERT INTO enterprise_enterprise (organisation_id, credit_code, name, industry, scale, key_project,
                region_id, address, legal_representative, contact_name, contact_phone_ct, contact_phone_index,
                contact_phone_masked, checkin_token, resumed_on, created_at, updated_at)
            SELECT o.id, lpad(o.id::text, 18, '0'), o.name, 'C', 'small', false, o.region_id, '', '', '', '', '', '',
                   md5('token' || o.id), CASE WHEN o.id %% 5 = 0 THEN NULL ELSE %(until)s::date - (o.id %% 60)::int END,
                   (%(until)s::date - 90 + (o.id %% 30)::int)::timestamp AT TIME ZONE 'Asia/Shanghai', now()
            FROM core_organisation o WHERE o.kind = 'enterprise'""", {"until": until})
        cursor.execute("""
            INSERT INTO enterprise_employee (enterprise_id, person_id, out_of_town, origin_region_code,
                planned_return_date, actual_return_date, quarantine_needed, active, phone_ct, phone_masked,
                created_at, updated_at)
            SELECT e.id, p.id, false, '', NULL, NULL, false, true, '', '',
                   (%(until)s::date - 60)::timestamp AT TIME ZONE 'Asia/Shanghai', now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM core_person ORDER BY id LIMIT %(n)s) AS p
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM enterprise_enterprise) AS e
              ON e.k = p.k %% %(ne)s""", {"until": until, "n": args.employees, "ne": args.enterprises})
        steps["enterprises_employees_s"] = time.perf_counter() - started
        started = time.perf_counter()
        # One check-in per employee and day; 0.5% abnormal (a fever).
        cursor.execute("""
            INSERT INTO enterprise_healthcheckin (employee_id, enterprise_id, day, temperature, symptoms, location,
                risk_contact, abnormal, region_id, residence_region_id, source, submitted_at, updated_at)
            SELECT m.id, m.enterprise_id, %(until)s::date - d, CASE WHEN (m.id + d) %% 200 = 0 THEN 38.2 ELSE 36.5 END,
                   '[]'::jsonb, '', false, (m.id + d) %% 200 = 0, e.region_id, p.region_id, 'qr',
                   (%(until)s::date - d)::timestamp AT TIME ZONE 'Asia/Shanghai' + INTERVAL '8 hours', now()
            FROM enterprise_employee m JOIN enterprise_enterprise e ON e.id = m.enterprise_id
            JOIN core_person p ON p.id = m.person_id CROSS JOIN generate_series(0, %(days)s - 1) AS d""",
                       {"until": until, "days": args.days})
        steps["checkins_s"] = time.perf_counter() - started
    return steps


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def dashboard_request(client, first: datetime.date, last: datetime.date) -> dict:
    response = client.get("/api/v1/command/dashboard", {"from": first.isoformat(), "to": last.isoformat()})
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def figures_of(body: dict) -> dict:
    """The compared figures of a dashboard answer: city value, per district, and the daily series."""
    tiles = {tile["key"]: tile for front in body["fronts"] for tile in front["tiles"]}
    series = {line["key"]: line["values"] for trend in body["trends"] for line in trend["series"]}
    codes = [child["code"] for child in body["children"]]
    figures = {}
    for key in COMPARED:
        figures[key] = tiles[key]["value"]
        figures[f"{key}:districts"] = dict(zip(codes, tiles[key]["children"], strict=True))
        if key in series:
            figures[f"{key}:daily"] = series[key]
    return figures


def figures_from_raw(city: str, first: datetime.date, last: datetime.date, daily_keys: set[str]) -> dict:
    """The same figures by COUNT(*) ... GROUP BY over the raw tables joined to the region tree."""
    from django.db.models import Count
    from django.db.models.functions import Substr, TruncDate
    from django.utils import timezone

    from twofront.core.models import Person, Region
    from twofront.enterprise.models import Enterprise, HealthCheckin

    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    region = Region.objects.get(code=city)
    districts = list(Region.objects.filter(parent=region).order_by("code").values_list("code", flat=True))
    days = [first + datetime.timedelta(days=k) for k in range((last - first).days + 1)]

    def per_district(queryset, path: str) -> dict:
        district = Substr(path, len(region.path) + 1, len(districts[0]))
        rows = dict(queryset.filter(**{f"{path}__startswith": region.path}).order_by().values_list(district)
                    .annotate(n=Count("pk")))
        return {code: rows.get(code, 0) for code in districts}

    def daily(queryset, day) -> list[int]:
        rows = dict(queryset.order_by().values_list(day).annotate(n=Count("pk")))
        return [rows.get(d, 0) for d in days]

    persons = Person.objects.all()
    checkins = HealthCheckin.objects.filter(day__range=(first, last))
    abnormal = checkins.filter(abnormal=True)
    sets = {
        "core.persons_registered": (persons.filter(created_at__lt=end), "region__path"),
        "core.persons_new": (persons.filter(created_at__gte=start, created_at__lt=end), "region__path"),
        "enterprise.registered": (Enterprise.objects.filter(created_at__lt=end), "region__path"),
        "enterprise.resumed": (Enterprise.objects.filter(resumed_on__lte=last), "region__path"),
        "enterprise.checkins": (checkins, "region__path"),
        "enterprise.checkins_abnormal": (abnormal, "region__path"),
    }
    figures = {}
    for key, (queryset, path) in sets.items():
        by_district = per_district(queryset, path)
        figures[key] = sum(by_district.values())
        figures[f"{key}:districts"] = by_district
    if "core.persons_new" in daily_keys:
        new = daily(persons.filter(created_at__gte=start, created_at__lt=end), TruncDate("created_at", tzinfo=zone))
        figures["core.persons_new:daily"] = new
    for key, queryset in (("enterprise.checkins", checkins), ("enterprise.checkins_abnormal", abnormal)):
        if key in daily_keys:
            figures[f"{key}:daily"] = daily(queryset, "day")
    return figures


def main() -> int:
    args = parse_args()
    from psycopg import sql

    from bench.common import server_url, with_database
    from bench.metrics import timed  # warm-up, then `runs` timed calls in ms

    name = sql.Identifier(BENCH_DATABASE)
    if not args.reuse:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin(sql.SQL("CREATE DATABASE {}").format(name))
    os.environ["DATABASE_URL"] = with_database(server_url(), BENCH_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from twofront.core.models import Region, RoleAssignment, User
    from twofront.core.regions_seed import CITY_CODE, ensure_demo_grids, load_divisions
    from twofront.core.roles import Role
    from twofront.metrics import services
    from twofront.metrics.models import Rollup

    setup_test_environment()
    steps = {}
    try:
        if not args.reuse:
            call_command("migrate", verbosity=0)
            load_divisions()
            ensure_demo_grids()
            steps = generate(args)
            started = time.perf_counter()
            services.rebuild()
            steps["rebuild_s"] = time.perf_counter() - started
            started = time.perf_counter()
            analyze()
            steps["analyze_s"] = time.perf_counter() - started
        user, _created = User.objects.get_or_create(username="bench-commander")
        RoleAssignment.objects.get_or_create(user=user, role=Role.CITY_COMMANDER,
                                             region=Region.objects.get(code=CITY_CODE))
        client = Client()
        client.force_login(user)
        last = args.until
        first = last - datetime.timedelta(days=29)
        dashboard_ms, body = timed(lambda: dashboard_request(client, first, last), args.runs)
        with CaptureQueriesContext(connection) as queries:
            dashboard_request(client, first, last)
        from_dashboard = figures_of(body)
        daily_keys = {k.split(":")[0] for k in from_dashboard if k.endswith(":daily")}
        raw_ms, from_raw = timed(lambda: figures_from_raw(CITY_CODE, first, last, daily_keys), max(3, args.runs // 3))
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            database_version = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute("SELECT count(*) FROM enterprise_healthcheckin")
            checkins = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM core_person")
            persons = cursor.fetchone()[0]
        tiles = sum(len(front["tiles"]) for front in body["fronts"])
        dashboard_median, raw_median = statistics.median(dashboard_ms), statistics.median(raw_ms)
        report = {
            "benchmark": "command.dashboard", "database": connection.vendor, "database_version": database_version,
            "persons": persons, "checkins": checkins, "employees": args.employees, "enterprises": args.enterprises,
            "checkin_days": args.days, "rollup_rows": Rollup.objects.count(),
            **{k: round(v, 1) for k, v in steps.items()},
            "runs": args.runs, "period": [first.isoformat(), last.isoformat()], "tiles": tiles,
            "trend_series": sum(len(t["series"]) for t in body["trends"]), "districts": len(body["children"]),
            "dashboard_queries": len(queries.captured_queries), "response_bytes": len(json.dumps(body)),
            "dashboard_ms_median": round(dashboard_median, 1), "dashboard_ms_max": round(max(dashboard_ms), 1),
            "raw_ms_median": round(raw_median, 1), "raw_ms_max": round(max(raw_ms), 1),
            "raw_over_dashboard": round(raw_median / dashboard_median, 1), "target_ms": TARGET_MS,
            "within_target": dashboard_median < TARGET_MS, "figures_match": from_dashboard == from_raw,
            "checkins_in_period": from_dashboard["enterprise.checkins"], "machine": machine(),
        }
        if not report["figures_match"]:
            report["mismatch"] = {k: [from_dashboard.get(k), from_raw.get(k)] for k in set(from_dashboard) | set(from_raw)
                                  if from_dashboard.get(k) != from_raw.get(k)}
    finally:
        connections.close_all()
        if not args.keep:
            admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    print(json.dumps(report, ensure_ascii=False))
    rows = [("persons", f"{report['persons']:,}"), ("check-ins", f"{report['checkins']:,}"),
            ("rollup rows", f"{report['rollup_rows']:,}"),
            *[(f"{k} (s)", round(v, 1)) for k, v in steps.items()],
            ("tiles / trend series / districts", f"{tiles} / {report['trend_series']} / {report['districts']}"),
            ("queries per dashboard request", report["dashboard_queries"]),
            ("dashboard request, median (ms)", report["dashboard_ms_median"]),
            ("dashboard request, max (ms)", report["dashboard_ms_max"]),
            ("same figures by raw COUNT, median (ms)", report["raw_ms_median"]),
            ("raw / dashboard", f"{report['raw_over_dashboard']}x"),
            (f"dashboard under {TARGET_MS:.0f} ms", report["within_target"]),
            ("same figures", report["figures_match"]),
            ("database", database_version),
            ("machine", f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gib']} GiB, "
                        f"{report['machine']['cpu']}, load {report['machine']['load_average']}")]
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0 if report["figures_match"] else 1


if __name__ == "__main__":
    sys.exit(main())
