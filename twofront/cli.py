"""`twofront` console script: run / serve / worker / demo / createadmin, anything else goes to manage.py."""

import os
import signal
import subprocess
import sys

USAGE = """usage: twofront COMMAND [args]

  run [--port N]      migrate, load the demo, start a worker and serve on 127.0.0.1 (PORT, default 8000)
  serve [--port N]    serve with gunicorn on 127.0.0.1 (set TWOFRONT_BIND to change the address)
  worker              run background jobs (django-tasks database worker) and refresh metrics (at least every minute)
  demo [--persons N]  load regions, demo accounts and synthetic persons
  createadmin         create a superuser (prompts, or DJANGO_SUPERUSER_* variables with --noinput)
  import DATASET FILE import a CSV/XLSX file (see `twofront import --help`)
  other               any manage.py command, e.g. `twofront migrate`
"""


def manage(*args: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["twofront", *args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _port(args: list[str]) -> str:
    if "--port" in args:
        return args[args.index("--port") + 1]
    return os.environ.get("PORT", "8000")


def _gunicorn(port: str) -> list[str]:
    bind = os.environ.get("TWOFRONT_BIND", f"127.0.0.1:{port}")
    return [sys.executable, "-m", "gunicorn", "twofront.wsgi", "--bind", bind,
            "--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--threads", "4", "--access-logfile", "-"]


def _worker() -> list[str]:
    return [sys.executable, "-m", "twofront.cli", "worker"]


def worker(args: list[str]) -> int:
    """The django-tasks database worker, with the metrics refresh thread (twofront.metrics.scheduler)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    import django

    django.setup()
    from twofront.metrics import scheduler

    scheduler.start()
    return manage("db_worker", *args)


def run(args: list[str]) -> int:
    for step in (["migrate", "--noinput"], ["demo"]):
        code = manage(*step)
        if code:
            return code
    port = _port(args)
    worker = subprocess.Popen(_worker())
    print(f"twofront is serving on http://127.0.0.1:{port}/  (Ctrl-C stops it)", flush=True)
    server = subprocess.Popen(_gunicorn(port))
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (server, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "run":
        return run(rest)
    if command == "serve":
        return subprocess.call(_gunicorn(_port(rest)))
    if command == "worker":
        return worker(rest)
    if command == "createadmin":
        return manage("createsuperuser", *rest)
    return manage(command, *rest)


if __name__ == "__main__":
    sys.exit(main())
