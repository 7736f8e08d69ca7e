"""`twofront` console script: run / serve / worker / demo / createadmin, anything else goes to manage.py."""

import os
import signal
import subprocess
import sys

USAGE = """usage: twofront COMMAND [args]

  run [--port N]      migrate, load the demo and the guiyang-2020 scenario (once; TWOFRONT_SCENARIO=none to skip),
                      rebuild metrics, start a worker and serve on 127.0.0.1 (PORT, default 8000)
  serve [--port N]    serve with gunicorn on 127.0.0.1 (set TWOFRONT_BIND to change the address)
  worker              run background jobs (django-tasks database worker) and refresh metrics (at least every minute)
  demo [--persons N] [--scenario guiyang-2020 [--scale F]]
                      load regions, demo accounts, synthetic persons and demo records; a reference scenario
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
    """The django-tasks database worker, with the metrics refresh and overdue-task escalation threads
    (twofront.metrics.scheduler)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    import django

    django.setup()
    from twofront.command import tasks_supervision
    from twofront.metrics import scheduler

    scheduler.start()
    tasks_supervision.start_escalation()
    from twofront.command import briefing_schedule

    briefing_schedule.start()  # the morning briefings (TWOFRONT_BRIEFING_HOUR)
    return manage("db_worker", *args)


def _demo_step() -> list[str]:
    """The demo, with the reference scenario (TWOFRONT_SCENARIO, default guiyang-2020; "none" for just the demo)."""
    scenario = os.environ.get("TWOFRONT_SCENARIO", "guiyang-2020").strip()
    return ["demo"] if scenario.lower() in {"", "none"} else ["demo", "--scenario", scenario, "--if-missing"]


def run(args: list[str]) -> int:
    for step in (["migrate", "--noinput"], _demo_step(), ["metrics_rebuild"]):
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


def _draw_progress(job) -> None:
    """One status line on the terminal (rewritten in place), a plain line per phase when piped."""
    percent = job.percent
    width = 24
    bar = "#" * (width * percent // 100) + "-" * (width - width * percent // 100) if percent is not None \
        else "~" * width
    line = (f"{job.phase or job.status:>10} [{bar}] {'' if percent is None else f'{percent:3d}%'}  "
            f"read {job.rows_read:,}  valid {job.rows_valid:,}  written {job.rows_written:,}  errors {job.error_count:,}")
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line.ljust(100))
    elif getattr(_draw_progress, "phase", None) != job.phase:
        sys.stderr.write(line + "\n")
    _draw_progress.phase = job.phase
    sys.stderr.flush()


def import_file(args: list[str]) -> int:
    """`twofront import DATASET FILE [--user USERNAME] [--policy reject|valid]`, run in this process."""
    import argparse

    parser = argparse.ArgumentParser(prog="twofront import", description="Import a CSV/XLSX file into a dataset "
                                     "(e.g. persons), as a user (default: the first superuser), in one transaction.")
    parser.add_argument("dataset")
    parser.add_argument("file")
    parser.add_argument("--user", help="import as this user (their jurisdiction applies)")
    parser.add_argument("--policy", choices=["reject", "valid"], default="reject",
                        help="reject: nothing is imported if any row is invalid (default); valid: skip invalid rows")
    options = parser.parse_args(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofront.settings")
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.files import File
    from django.http import Http404

    from twofront.core.models import User
    from twofront.transfer import services

    users = User.objects.filter(is_active=True)
    user = (users.filter(username=options.user) if options.user else users.filter(is_superuser=True).order_by("pk")).first()
    if user is None:
        print(f"twofront import: no such active user: {options.user or '(a superuser)'}", file=sys.stderr)
        return 2
    try:
        with open(options.file, "rb") as upload:
            job = services.create_import_job(actor=user, dataset=options.dataset, upload=File(upload),
                                             name=os.path.basename(options.file), policy=options.policy)
    except (OSError, ValidationError, PermissionDenied, Http404) as exc:
        reason = {Http404: "unknown dataset", PermissionDenied: "permission denied"}.get(type(exc), exc)
        print(f"twofront import: {reason}", file=sys.stderr)
        return 2
    print(f"job {job.pk}: importing {options.file} into {job.dataset} as {user.get_username()}", file=sys.stderr)
    job = services.run_import_job(job, on_progress=_draw_progress)
    _draw_progress(job)
    print(f"\njob {job.pk} {job.status}: {job.message}" + (f"\nerrors: {job.error_file.path}" if job.error_file else ""),
          file=sys.stderr)
    return 0 if job.status == "succeeded" else 1


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
    if command == "import":
        return import_file(rest)
    if command == "createadmin":
        return manage("createsuperuser", *rest)
    return manage(command, *rest)


if __name__ == "__main__":
    sys.exit(main())
