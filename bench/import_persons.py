"""Person import benchmark on PostgreSQL: twofront (CSV, XLSX) against the COPY ceiling and django-import-export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twofront .venv/bin/python bench/import_persons.py --rows 1000000
    ... --only xlsx     just the XLSX import (rows/s and peak RSS), without the ceiling and the comparisons

DATABASE_URL only names the server: the benchmark creates its own database (twofront_bench_import) with
psycopg and drops it at the end (--keep keeps it), so the dev database is never touched. Files, uploads
and keys go to bench/out/ (ignored by git). django-import-export comes from `pip install -e .[bench]`.

Every measurement runs in a child process (so its peak RSS is its own, read with os.wait4) and starts
from an empty person table after a CHECKPOINT:
  twofront csv / xlsx   the whole job: validation pass, then one write transaction (rows/s of rows written)
  ceiling               psql \\copy of the same rows, already encrypted, indexed and masked (the same build
                        function), into a table LIKE core_person INCLUDING ALL plus its region foreign key
  django-import-export  ModelResource with use_bulk (batch 1000) on a smaller sample (--iie-rows), same
                        stored form, import_id_fields = the blind index; twofront on that sample for scale
Prints a table and one JSON line (also written to bench/out/).
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BENCH_DB = "twofront_bench_import"
SEED = 2020
STORED_COLUMNS = ["name", "id_number_ct", "id_number_index", "id_number_masked", "phone_ct", "phone_index",
                  "phone_masked", "birth_date", "sex", "native_region_code", "region_id", "address"]


# -- children (run with DATABASE_URL pointing at the benchmark database) -------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_setup() -> dict:
    from django.core.management import call_command

    _django()
    call_command("migrate", verbosity=0)
    from twofront.core.models import User
    from twofront.core.regions_seed import load_divisions

    load_divisions()
    if not User.objects.filter(username="bench").exists():
        User.objects.create_superuser("bench", password="bench-password-1")
    return {}


def child_import(path: str) -> dict:
    _django()
    from django.core.files import File

    from twofront.core.models import User
    from twofront.transfer import services

    user = User.objects.get(username="bench")
    with open(path, "rb") as fh:
        job = services.create_import_job(actor=user, dataset="persons", upload=File(fh), name=Path(path).name)
    phases: dict[str, float] = {}

    def note(job) -> None:
        phases.setdefault(job.phase, time.perf_counter())

    started = time.perf_counter()
    job = services.run_import_job(job, on_progress=note)
    seconds = time.perf_counter() - started
    assert job.status == "succeeded", job.message
    validate = phases.get("writing", started + seconds) - started
    return {"seconds": seconds, "rows": job.rows_written, "validate_seconds": validate,
            "write_seconds": seconds - validate}


def child_stored(path: str, target: str) -> dict:
    """The ceiling's input: the rows in stored form, built by the import's own build function."""
    _django()
    from twofront.core.identity import parse_mobile, parse_national_id
    from twofront.core.imports import stored_person
    from twofront.core.models import Region

    region_ids = dict(Region.objects.values_list("code", "pk"))
    stamp = "2020-04-26 00:00:00+08"
    count = 0
    with open(path, encoding="utf-8-sig", newline="") as source, open(target, "w", encoding="utf-8") as out:
        rows = csv.reader(source)
        next(rows)
        for name, id_number, phone, region_code, address in rows:
            stored = stored_person({"name": name, "id_number": parse_national_id(id_number),
                                    "phone": parse_mobile(phone), "region_id": region_ids[region_code],
                                    "address": address})
            out.write("\t".join(str(stored[c]) for c in STORED_COLUMNS) + f"\t{stamp}\t{stamp}\n")
            count += 1
    return {"rows": count}


def child_iie(path: str) -> dict:
    """django-import-export, used as its documentation shows, producing the same stored form."""
    _django()
    import tablib
    from import_export import fields, resources, widgets

    from twofront.core.models import Person, Region
    from twofront.core.services.people import identity_fields, phone_fields

    derived = ["id_number_ct", "id_number_index", "id_number_masked", "phone_ct", "phone_index", "phone_masked",
               "birth_date", "sex", "native_region_code"]

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        address = fields.Field(attribute="address", column_name="地址")
        region = fields.Field(attribute="region", column_name="区划代码", widget=widgets.ForeignKeyWidget(Region, "code"))

        class Meta:
            model = Person
            fields = ("name", "address", "region", *derived)
            import_id_fields = ("id_number_index",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_import(self, dataset, **kwargs):
            # the documented place for derived columns; import_id_fields must be columns of the dataset
            stored = [{**identity_fields(number), **phone_fields(phone)}
                      for number, phone in zip(dataset["身份证号"], dataset["手机号"], strict=True)]
            for name in derived:
                dataset.append_col([row[name] for row in stored], header=name)

    with open(path, encoding="utf-8-sig") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="csv")
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and Person.objects.count() == len(dataset)
    return {"seconds": seconds, "rows": len(dataset)}


CHILDREN = {"setup": child_setup, "import": child_import, "stored": child_stored, "iie": child_iie}


# -- the parent ------------------------------------------------------------------------------------------

def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str):
    import psycopg

    return psycopg.connect(_with_db(url, "postgres"), autocommit=True)


def _run_child(bench_url: str, *args: str) -> tuple[dict, int]:
    """Runs a child; returns its JSON result and its peak RSS in MB (os.wait4)."""
    env = {**os.environ, "DATABASE_URL": bench_url, "TWOFRONT_VAR_DIR": str(OUT / "var"), "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, __file__, "--child", *args], env=env, stdout=subprocess.PIPE)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"child {args} failed ({process.returncode})")
    return json.loads(output.decode().strip().splitlines()[-1]), usage.ru_maxrss // 1024


def _fresh(bench_url: str) -> None:
    import psycopg

    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("TRUNCATE core_person, metrics_dirtycell CASCADE")
        conn.execute("CHECKPOINT")


def _ceiling(bench_url: str, stored: Path, rows: int) -> dict:
    """psql \\copy of the precomputed stored rows into an empty table shaped like core_person."""
    import psycopg

    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ceiling")
        conn.execute("CREATE TABLE bench_ceiling (LIKE core_person INCLUDING ALL)")
        conn.execute("ALTER TABLE bench_ceiling ADD FOREIGN KEY (region_id) REFERENCES core_region (id) "
                     "DEFERRABLE INITIALLY DEFERRED")
        conn.execute("CHECKPOINT")
    columns = ", ".join([*STORED_COLUMNS, "created_at", "updated_at"])
    print("ceiling: psql \\copy ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run(["psql", bench_url, "-v", "ON_ERROR_STOP=1", "-q", "-c",
                    f"\\copy bench_ceiling ({columns}) FROM '{stored}'"], check=True)
    seconds = time.perf_counter() - started
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_ceiling")
    return {"seconds": seconds, "rows": rows, "load_average": os.getloadavg()[0]}


def _files(rows: int, iie_rows: int, skip_xlsx: bool, only: str | None = None) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from twofront.core.synthetic import generate_persons, write_csv, write_xlsx

    with open(ROOT / "twofront/core/data/guiyang-divisions.csv", encoding="utf-8") as fh:
        communities = [r["code"] for r in csv.DictReader(fh) if r["level"] == "community"]
    files = {"csv": OUT / f"persons-{rows}.csv", "xlsx": OUT / f"persons-{rows}.xlsx",
             "sample": OUT / f"persons-{iie_rows}.csv"}
    for kind, path in files.items():
        if path.exists() or (kind == "xlsx" and skip_xlsx) or (only and kind != only):
            continue
        print(f"writing {path.name} ...", file=sys.stderr, flush=True)
        count = iie_rows if kind == "sample" else rows
        people = generate_persons(count, communities, seed=SEED)
        write_xlsx(people, path) if kind == "xlsx" else write_csv(people, path, encoding="utf-8-sig")
    return files


def _machine(url: str) -> dict:
    cpuinfo, meminfo = Path("/proc/cpuinfo").read_text().splitlines(), Path("/proc/meminfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    memory = next((int(line.split()[1]) // 1024 for line in meminfo if line.startswith("MemTotal")), 0)
    with _admin(url) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "postgresql": server, "load_average": os.getloadavg()[0]}


def _only(url: str, path: Path, options) -> None:
    """One import of one file into a fresh benchmark database (for a change that touches one reader)."""
    machine = _machine(url)
    bench_url = _with_db(url, BENCH_DB)
    with _admin(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        _run_child(bench_url, "setup")
        _fresh(bench_url)
        print(f"twofront {options.only} import of {options.rows:,} rows ...", file=sys.stderr, flush=True)
        result, rss = _run_child(bench_url, "import", str(path))
    finally:
        if not options.keep:
            with _admin(url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    result.update(peak_rss_mb=rss, rows_per_second=round(result["rows"] / result["seconds"]),
                  load_average=os.getloadavg()[0])
    summary = {"rows": options.rows, "only": options.only, "machine": machine, "result": result}
    print(f"twofront {options.only}: {result['rows']:,} rows in {result['seconds']:.1f} s "
          f"(validate {result['validate_seconds']:.1f}, write {result['write_seconds']:.1f}), "
          f"{result['rows_per_second']:,} rows/s, peak RSS {rss} MB")
    line = json.dumps(summary, ensure_ascii=False)
    (OUT / f"import_persons-{options.rows}-{options.only}.json").write_text(line + "\n")
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--iie-rows", type=int, default=50_000, help="sample size for django-import-export")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-iie", action="store_true")
    parser.add_argument("--only", choices=["csv", "xlsx"],
                        help="just this import (no ceiling, re-import or comparison): its rows/s and peak RSS")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(CHILDREN[options.child[0]](*options.child[1:])))
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/twofront")
    OUT.mkdir(parents=True, exist_ok=True)
    bench_url = _with_db(url, BENCH_DB)
    files = _files(options.rows, options.iie_rows, options.skip_xlsx, options.only)
    if options.only:
        _only(url, files[options.only], options)
        return
    machine = _machine(url)
    with _admin(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    results: dict[str, dict] = {}
    try:
        _run_child(bench_url, "setup")
        stored = OUT / f"persons-{options.rows}-stored.tsv"
        _run_child(bench_url, "stored", str(files["csv"]), str(stored))
        # The ceiling runs right before and right after the CSV import, so a change in the machine's load
        # during the benchmark shows up as a difference between the two instead of skewing the ratio.
        results["ceiling_copy_before"] = _ceiling(bench_url, stored, options.rows)
        for kind in ("csv", "xlsx"):
            if kind == "xlsx" and options.skip_xlsx:
                continue
            _fresh(bench_url)
            print(f"twofront {kind} import of {options.rows:,} rows ...", file=sys.stderr, flush=True)
            result, rss = _run_child(bench_url, "import", str(files[kind]))
            results[f"twofront_{kind}"] = {**result, "peak_rss_mb": rss, "load_average": os.getloadavg()[0]}
            if kind == "csv":
                results["ceiling_copy_after"] = _ceiling(bench_url, stored, options.rows)
        stored.unlink()
        print("re-import of the CSV (every row an update) ...", file=sys.stderr, flush=True)
        result, rss = _run_child(bench_url, "import", str(files["csv"]))
        results["twofront_csv_reimport"] = {**result, "peak_rss_mb": rss}

        if not options.skip_iie:
            _fresh(bench_url)
            print(f"django-import-export on {options.iie_rows:,} rows ...", file=sys.stderr, flush=True)
            result, rss = _run_child(bench_url, "iie", str(files["sample"]))
            results["django_import_export"] = {**result, "peak_rss_mb": rss}
            _fresh(bench_url)
            result, rss = _run_child(bench_url, "import", str(files["sample"]))
            results["twofront_csv_sample"] = {**result, "peak_rss_mb": rss}
    finally:
        if not options.keep:
            with _admin(url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    for result in results.values():
        result["rows_per_second"] = round(result["rows"] / result["seconds"])
        result["seconds"] = round(result["seconds"], 2)
    ceiling = (results["ceiling_copy_before"]["rows_per_second"] + results["ceiling_copy_after"]["rows_per_second"]) / 2
    csv_rate = results["twofront_csv"]["rows_per_second"]
    summary = {"rows": options.rows, "machine": machine, "results": results,
               "csv_share_of_ceiling": round(csv_rate / ceiling, 3)}
    if "django_import_export" in results:
        summary["csv_times_django_import_export"] = round(
            csv_rate / results["django_import_export"]["rows_per_second"], 1)
    summary["load_average_after"] = os.getloadavg()[0]

    print(f"\n{'run':<24}{'rows':>11}{'seconds':>10}{'rows/s':>10}{'peak RSS MB':>13}")
    for name, result in results.items():
        print(f"{name:<24}{result['rows']:>11,}{result['seconds']:>10}{result['rows_per_second']:>10,}"
              f"{result.get('peak_rss_mb', ''):>13}")
    print(f"csv / ceiling = {summary['csv_share_of_ceiling']:.0%}"
          + (f", csv / django-import-export = {summary['csv_times_django_import_export']}x"
             if "csv_times_django_import_export" in summary else ""))
    line = json.dumps(summary, ensure_ascii=False)
    (OUT / f"import_persons-{options.rows}.json").write_text(line + "\n")
    print(line)


if __name__ == "__main__":
    main()
