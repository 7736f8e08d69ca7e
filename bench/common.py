"""What the HTTP benchmarks share: a scratch PostgreSQL database, gunicorn on 127.0.0.1 serving
bench.settings_bench with a bench URLconf, a bounded closed-loop load of N clients, and the machine's figures.

    from bench.common import Server, load, machine, scratch_database

bench/checkin.py and bench/passage.py use them.
"""

import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL=postgres://user@host:port/any to name the PostgreSQL server")
    return url


def _admin(url: str, statement) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


@contextmanager
def scratch_database(name: str, *, keep: bool = False):
    """A fresh database `name` on the DATABASE_URL server for the block (dropped after unless `keep`)."""
    from psycopg import sql

    server = server_url()
    identifier = sql.Identifier(name)
    _admin(server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
    _admin(server, sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield with_database(server, name)
    finally:
        if not keep:
            _admin(server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


def analyze(database_url: str) -> None:
    """ANALYZE the benchmark database. The tables a benchmark writes are empty when it seeds; after the warm-up
    they hold rows, and a running system's autovacuum would have analyzed them (its first pass comes only after
    a minute, so within a run the planner would keep estimating an empty table, e.g. scanning all passages
    instead of using the traveller's index)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def django_env(database_url: str, urlconf: str) -> dict:
    """The environment of a child process (seeding, gunicorn) working in the benchmark database."""
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "TWOFRONT_BENCH_URLCONF": urlconf, "ALLOWED_HOSTS": HOST, "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn (gthread) serving twofront.wsgi on 127.0.0.1 for the `with` block."""

    def __init__(self, env: dict, *, workers: int, threads: int):
        self.env, self.workers, self.threads, self.port = env, workers, threads, free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "twofront.wsgi", "--workers", str(self.workers), "--threads",
             str(self.threads), "--worker-class", "gthread", "--bind", f"{HOST}:{self.port}", "--keep-alive", "30",
             "--log-level", "warning", "--backlog", "512"], cwd=ROOT, env=self.env)
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by the server (gunicorn), the database (postgres) and this load client. Read
    before and after a run: the difference per request says where its time went (the host's two cores are
    shared by all three)."""
    totals = {"server": 0.0, "database": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                command = fh.read()
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        role = "server" if b"gunicorn" in command else "database" if command.startswith(b"postgres") else None
        if role:
            totals[role] += (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    usage = os.times()
    totals["client"] = usage.user + usage.system
    return totals


def load(port: int, requests: list[tuple[str, bytes, dict]], clients: int) -> dict:
    """Sends each (path, JSON body, headers) POST once from `clients` threads, each on its own keep-alive
    connection, as fast as answers come (closed loop). Latencies in ms, rate in requests per second."""
    latencies, statuses, lock = [], {}, threading.Lock()
    pending = iter(requests)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                break
            path, body, headers = item
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    cpu_before = cpu_by_role()
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    wall = time.perf_counter() - started
    cpu_after = cpu_by_role()
    latencies.sort()

    def percentile(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"requests": len(latencies), "seconds": round(wall, 2), "per_second": round(len(latencies) / wall, 1),
            "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "max_ms": round(latencies[-1], 1),
            "mean_ms": round(statistics.fmean(latencies), 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "load_avg_1m": round(os.getloadavg()[0], 1),  # the host may be shared: how busy it was at the end
            "cpu_ms_per_request": {role: round((cpu_after[role] - cpu_before[role]) * 1000 / max(1, len(latencies)), 2)
                                   for role in cpu_after}}


def machine() -> dict:
    import psycopg

    with open("/proc/meminfo") as fh:
        memory = int(fh.readline().split()[1]) // 1024 // 1024
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    with psycopg.connect(with_database(server_url(), "postgres")) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory, "python": platform.python_version(),
            "postgresql": version}
