"""Passage registration on PostgreSQL: the real API endpoint against a bare one-row insert, same run, same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/passage.py

DATABASE_URL only names the server: the benchmark creates its own database (twofront_bench_passage) with psycopg,
migrates it, loads the real division tree and --persons synthetic persons (1M by default; encrypted, indexed and
masked like any, COPY-loaded by bench/metrics.py's load_persons), sets up a checkpoint with one staff account and
its bearer token, and drops the database at the end (--keep keeps it).

gunicorn (--workers x --threads, gthread) serves bench.settings_bench with bench/urls_passage.py on 127.0.0.1; a
closed-loop client of --clients threads (bench/common.py) sends a bounded number of requests:
  ceiling  POST /bench/bare-passage: one INSERT into bench_passage (LIKE prevention_passage), nothing else
  real     POST /api/v1/prevention/checkpoints/{id}/passages with the staff token and an Idempotency-Key: a car
           with two people, one already in the registry (blind-index lookup) and one new (created in the
           destination, audited), their risk status from every fact provider, the passage and its travellers,
           the audit events, the metrics' dirty cells and the idempotency row, written in one statement
Every request is a different car with different people. Prints a table and one JSON line (also bench/out/).
"""

import argparse
import itertools
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import OUT, Server, analyze, django_env, load, machine, scratch_database  # noqa: E402

BENCH_DB = "twofront_bench_passage"
URLCONF = "bench.urls_passage"
SEED = 2020
TARGET_P99_MS = 100.0
PROVINCES = ["贵州", "四川", "重庆", "湖南", "云南", "广东", "湖北", "广西", "江西", "浙江"]


def child_seed(persons: int, needed: int) -> None:
    """In the benchmark database (a child process, so Django is set up there only)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.metrics import load_persons
    from twofront.core.choices import OrganisationKind
    from twofront.core.models import Organisation, Region, RoleAssignment, User
    from twofront.core.regions_seed import ensure_demo_grids, load_divisions
    from twofront.core.roles import Role
    from twofront.core.services.accounts import issue_token
    from twofront.core.synthetic import generate_persons
    from twofront.prevention.models import Checkpoint

    call_command("migrate", verbosity=0)
    load_divisions()
    ensure_demo_grids()
    started = time.perf_counter()
    _n, codes = load_persons(persons, 90, timezone.localdate(), SEED)
    print(f"loaded {persons} persons in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    street = Region.objects.get(code="520102016")  # 新华路街道, Nanming
    destinations = list(Region.objects.filter(depth=2).order_by("code").values_list("code", flat=True))
    organisation = Organisation.objects.create(name="贵阳东高速卡口", kind=OrganisationKind.CHECKPOINT, region=street)
    checkpoint = Checkpoint.objects.create(organisation=organisation, name="贵阳东高速卡口", kind="expressway",
                                           region=street, location="贵阳东收费站")
    staff = User.objects.create_user("bench-checkpoint", password="bench-password-1")
    RoleAssignment.objects.create(user=staff, role=Role.CHECKPOINT_STAFF, organisation=organisation)
    token, _ = issue_token(actor=staff, name="bench")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_passage (LIKE prevention_passage INCLUDING ALL)")
        cursor.execute("VACUUM ANALYZE")
    # Rows 0..persons-1 are in the registry; the rows after them are new people (same generator, so distinct).
    known = [r["id_number"] for r in itertools.islice(generate_persons(persons, codes, seed=SEED), needed)]
    new = [{"name": r["name"], "id_number": r["id_number"], "phone": r["phone"]}
           for r in itertools.islice(generate_persons(persons + needed, codes, seed=SEED), persons, None)]
    (OUT / "passage-seed.json").write_text(json.dumps({
        "token": token, "checkpoint_id": checkpoint.pk, "region_id": street.pk, "destinations": destinations,
        "destination_ids": dict(Region.objects.filter(code__in=destinations).values_list("code", "pk")),
        "known": known, "new": new}, ensure_ascii=False))


def plate(i: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"贵{letters[i % 24]}{i % 100000:05d}"


def real_requests(seed: dict, indexes: range) -> list:
    path = f"/api/v1/prevention/checkpoints/{seed['checkpoint_id']}/passages"
    headers = {"Authorization": f"Bearer {seed['token']}"}
    requests = []
    for i in indexes:
        body = {"plate": plate(i), "vehicle_type": "car", "origin_province": PROVINCES[i % len(PROVINCES)],
                "origin_city": "", "destination_code": seed["destinations"][i % len(seed["destinations"])],
                "travellers": [
                    {"id_number": seed["known"][i], "temperature": 36.5, "is_driver": True},
                    {**seed["new"][i], "temperature": 36.8, "travel_history": ["湖北武汉"] if i % 10 == 6 else [],
                     "decision": "handover" if i % 10 == 6 else "pass"}]}
        requests.append((path, json.dumps(body, ensure_ascii=False).encode(),
                         {**headers, "Idempotency-Key": uuid.uuid4().hex}))
    return requests


def bare_requests(seed: dict, indexes: range) -> list:
    return [("/bench/bare-passage", json.dumps({
        "checkpoint_id": seed["checkpoint_id"], "plate": plate(i), "vehicle_type": "car",
        "origin_province": PROVINCES[i % len(PROVINCES)], "origin_city": "", "region_id": seed["region_id"],
        "destination_id": seed["destination_ids"][seed["destinations"][i % len(seed["destinations"])]]},
        ensure_ascii=False).encode(), {}) for i in indexes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons already in the registry")
    parser.add_argument("--requests", type=int, default=4000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--child-seed", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.child_seed:
        child_seed(*args.child_seed)
        return
    needed = args.warmup + args.requests
    with scratch_database(BENCH_DB, keep=args.keep) as database_url:
        env = django_env(database_url, URLCONF)
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child-seed", str(args.persons), str(needed)], env=env, check=True)
        seed_seconds = time.perf_counter() - started
        seed = json.loads((OUT / "passage-seed.json").read_text())
        (OUT / "passage-seed.json").unlink()
        with Server(env, workers=args.workers, threads=args.threads) as server:
            warm, measured = range(args.warmup), range(args.warmup, needed)
            load(server.port, bare_requests(seed, warm), args.clients)  # connections, plans, caches
            load(server.port, real_requests(seed, warm), args.clients)
            analyze(database_url)  # as autovacuum would have, now that the written tables hold rows
            ceiling = load(server.port, bare_requests(seed, measured), args.clients)
            real = load(server.port, real_requests(seed, measured), args.clients)
        figures = machine()
    for name, result in (("ceiling", ceiling), ("real", real)):
        if result["statuses"] != {"201": result["requests"]}:
            raise SystemExit(f"{name}: not every request succeeded: {result['statuses']}")
    report = {"benchmark": "passage", "persons": args.persons, "clients": args.clients,
              "server": f"gunicorn gthread {args.workers}x{args.threads}", "seed_s": round(seed_seconds),
              "ceiling": ceiling, "real": real, "real_vs_ceiling": round(real["per_second"] / ceiling["per_second"], 2),
              "target_p99_ms": TARGET_P99_MS, "within_target": real["p99_ms"] < TARGET_P99_MS, "machine": figures}
    print(f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name in ("ceiling", "real"):
        r = report[name]
        print(f"{name:<10} {r['requests']:>9} {r['per_second']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8} "
              f"{r['max_ms']:>8}  {r['statuses']}")
    print(f"real / ceiling = {report['real_vs_ceiling']}; p99 under {TARGET_P99_MS:.0f} ms: {report['within_target']}")
    print(f"machine: {figures['cores']} cores {figures['cpu']}, {figures['memory_gb']} GB, "
          f"PostgreSQL {figures['postgresql']}, Python {figures['python']}")
    print(json.dumps(report, ensure_ascii=False))
    (OUT / "passage.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
