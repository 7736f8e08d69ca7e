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
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import load  # noqa: E402

OUT = ROOT / "bench" / "out"
BENCH_DB = "twofront_bench_checkin"
HOST = "127.0.0.1"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


PORT = _free_port()


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

def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _env(bench_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "TWOFRONT_BENCH_URLCONF": "bench.urls_checkin", "ALLOWED_HOSTS": HOST, "PYTHONPATH": str(ROOT)}


def _serve(bench_url: str, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "twofront.wsgi", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--bind", f"{HOST}:{PORT}", "--keep-alive", "30", "--log-level", "warning",
         "--backlog", "512"], cwd=ROOT, env=_env(bench_url))
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _load(requests: list[tuple[str, bytes, dict]], clients: int) -> dict:
    return load(PORT, requests, clients)


def _real(seed: dict, people: list[dict]) -> list:
    path = f"/api/v1/enterprise/checkin/{seed['token']}"
    return [(path, json.dumps({**p, "temperature": "36.6", "symptoms": [], "location": "厂区",
                               "risk_contact": False}).encode(), {"Idempotency-Key": uuid.uuid4().hex})
            for p in people]


def _bare(seed: dict, employee_ids: list[int]) -> list:
    return [("/bench/bare-checkin", json.dumps({"employee_id": pk, "enterprise_id": seed["enterprise_id"],
                                                "region_id": seed["region_id"], "temperature": "36.6",
                                                "location": "厂区"}).encode(), {}) for pk in employee_ids]


def _machine() -> dict:
    import psycopg

    with open("/proc/meminfo") as fh:
        memory = int(fh.readline().split()[1]) // 1024 // 1024
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    with psycopg.connect(_with_db(os.environ["DATABASE_URL"], "postgres")) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory, "python": platform.python_version(),
            "postgresql": version}


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
    if "DATABASE_URL" not in os.environ or not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://user@host:port/any to name the PostgreSQL server")
    needed = 2 * (args.warmup + args.requests)
    if needed > args.employees:
        raise SystemExit(f"--employees must be at least {needed} (every request checks in someone new)")
    bench_url = _with_db(os.environ["DATABASE_URL"], BENCH_DB)
    _admin(bench_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(bench_url, f"CREATE DATABASE {BENCH_DB}")
    server = None
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child-seed", str(args.employees)], env=_env(bench_url), check=True)
        seed = json.loads((OUT / "checkin-seed.json").read_text())
        print(f"seeded {args.employees} employees in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        people, ids = seed["people"], seed["employee_ids"]
        server = _serve(bench_url, args.workers, args.threads)
        w, n = args.warmup, args.requests
        # warm both paths (connections, caches), then measure: distinct employees everywhere
        _load(_bare(seed, ids[:w]), args.clients)
        _load(_real(seed, people[:w]), args.clients)
        ceiling = _load(_bare(seed, ids[w:w + n]), args.clients)
        real = _load(_real(seed, people[w:w + n]), args.clients)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            _admin(bench_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        (OUT / "checkin-seed.json").unlink(missing_ok=True)
    for name, figures in (("ceiling", ceiling), ("real", real)):
        if figures["statuses"] != {"200": figures["requests"]}:
            raise SystemExit(f"{name}: not every request succeeded: {figures['statuses']}")
    result = {"benchmark": "checkin", "employees": args.employees, "clients": args.clients,
              "server": f"gunicorn gthread {args.workers}x{args.threads}", "ceiling": ceiling, "real": real,
              "real_vs_ceiling": round(real["per_second"] / ceiling["per_second"], 2), "machine": _machine()}
    print(f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name in ("ceiling", "real"):
        r = result[name]
        print(f"{name:<10} {r['requests']:>9} {r['per_second']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8}  {r['statuses']}")
    print(f"real / ceiling = {result['real_vs_ceiling']}")
    print(json.dumps(result, ensure_ascii=False))
    (OUT / "checkin.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
