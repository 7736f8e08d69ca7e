"""Check-in throughput on PostgreSQL: the real QR endpoint against a bare one-row insert, same run, same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/checkin.py

DATABASE_URL only names the server: the benchmark creates its own database (twofront_bench_checkin) with
psycopg, seeds the real division tree, one enterprise and --employees roster entries (100k by default, their
persons encrypted, indexed and masked like any), and drops the database at the end (--keep keeps it).

gunicorn (--workers x --threads, gthread) serves bench.settings_bench with bench/urls_checkin.py on 127.0.0.1;
a load client of --clients threads, each with its own keep-alive connection, sends a bounded number of requests:
  ceiling  POST /bench/bare-checkin: one INSERT ... ON CONFLICT into bench_checkin (LIKE enterprise_healthcheckin)
  real     POST /api/v1/enterprise/checkin/{token}: QR token, schema validation, the ID + phone-digits proof
           with its rate-limit query, Idempotency-Key (key row + write in one transaction), the upsert, the
           abnormal flag, one audit event and the metrics' dirty cells
Every request checks in a different employee (new rows, as in the morning rush). Prints a table and one JSON line.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import OUT, Server, analyze, django_env, load, machine, scratch_database  # noqa: E402

BENCH_DB = "twofront_bench_checkin"
URLCONF = "bench.urls_checkin"


# -- child: seed the benchmark database ----------------------------------------------------------------------

def child_seed(employees: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from twofront.core.models import Person, Region, User
    from twofront.core.regions_seed import load_divisions
    from twofront.core.services.bulk import create_demo_persons
    from twofront.core.synthetic import generate_persons
    from twofront.enterprise.models import Employee
    from twofront.enterprise.services.enterprises import create_enterprise
    from twofront.enterprise.testing import credit_code

    load_divisions()
    admin = User.objects.create_superuser("bench", password="bench-password-1")
    nanming = Region.objects.filter(path__startswith="520100/520102/").order_by("path")
    street = nanming.filter(depth=2).first()
    communities = list(nanming.filter(depth=3).values_list("code", flat=True))
    enterprise = create_enterprise(actor=admin, credit_code=credit_code("520102", 1), name="基准测试制造有限公司",
                                   industry="C", scale="above", region=street)
    rows = list(generate_persons(employees, communities, seed=2020))  # residences across Nanming
    create_demo_persons(rows, actor=admin)
    ids = Person.objects.order_by("pk").values_list("pk", flat=True)
    Employee.objects.bulk_create([Employee(enterprise=enterprise, person_id=pk) for pk in ids.iterator()],
                                 batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_checkin (LIKE enterprise_healthcheckin INCLUDING ALL)")
        cursor.execute("ANALYZE")
    people = [{"id_number": r["id_number"], "phone_last4": r["phone"][-4:]} for r in rows]
    (OUT / "checkin-seed.json").write_text(json.dumps({
        "token": enterprise.checkin_token, "enterprise_id": enterprise.pk, "region_id": enterprise.region_id,
        "employee_ids": list(Employee.objects.order_by("person_id").values_list("pk", flat=True)),
        "people": people}))


# -- parent ---------------------------------------------------------------------------------------------------


def _real(seed: dict, people: list[dict]) -> list:
    path = f"/api/v1/enterprise/checkin/{seed['token']}"
    return [(path, json.dumps({**p, "temperature": "36.6", "symptoms": [], "location": "厂区",
                               "risk_contact": False}).encode(), {"Idempotency-Key": uuid.uuid4().hex})
            for p in people]


def _bare(seed: dict, employee_ids: list[int]) -> list:
    return [("/bench/bare-checkin", json.dumps({"employee_id": pk, "enterprise_id": seed["enterprise_id"],
                                                "region_id": seed["region_id"], "temperature": "36.6",
                                                "location": "厂区"}).encode(), {}) for pk in employee_ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=6000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--child-seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.child_seed:
        child_seed(args.child_seed)
        return
    needed = 2 * (args.warmup + args.requests)
    if needed > args.employees:
        raise SystemExit(f"--employees must be at least {needed} (every request checks in someone new)")
    with scratch_database(BENCH_DB, keep=args.keep) as database_url:
        env = django_env(database_url, URLCONF)
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child-seed", str(args.employees)], env=env, check=True)
        seed = json.loads((OUT / "checkin-seed.json").read_text())
        (OUT / "checkin-seed.json").unlink()
        print(f"seeded {args.employees} employees in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        people, ids = seed["people"], seed["employee_ids"]
        with Server(env, workers=args.workers, threads=args.threads) as server:
            w, n = args.warmup, args.requests
            # warm both paths (connections, caches), then measure: distinct employees everywhere
            load(server.port, _bare(seed, ids[:w]), args.clients)
            load(server.port, _real(seed, people[:w]), args.clients)
            analyze(database_url)  # as autovacuum would have, now that the written tables hold rows
            ceiling = load(server.port, _bare(seed, ids[w:w + n]), args.clients)
            real = load(server.port, _real(seed, people[w:w + n]), args.clients)
        host = machine()
    for name, figures in (("ceiling", ceiling), ("real", real)):
        if figures["statuses"] != {"200": figures["requests"]}:
            raise SystemExit(f"{name}: not every request succeeded: {figures['statuses']}")
    result = {"benchmark": "checkin", "employees": args.employees, "clients": args.clients,
              "server": f"gunicorn gthread {args.workers}x{args.threads}", "ceiling": ceiling, "real": real,
              "real_vs_ceiling": round(real["per_second"] / ceiling["per_second"], 2), "machine": host}
    print(f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name in ("ceiling", "real"):
        r = result[name]
        print(f"{name:<10} {r['requests']:>9} {r['per_second']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8}  {r['statuses']}")
    print(f"real / ceiling = {result['real_vs_ceiling']}")
    print(json.dumps(result, ensure_ascii=False))
    (OUT / "checkin.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
