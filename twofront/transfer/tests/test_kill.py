"""A worker killed with SIGKILL in the middle of writing leaves no row of its job; running it again completes it.

The import runs in a real process of its own (the CLI, or the django-tasks worker) against the test
database, so the kill hits an open write transaction the way a crash or an OOM kill would.
"""

import base64
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection

from twofront.conf import BASE_DIR
from twofront.core.models import AuditEvent, Person
from twofront.core.synthetic import generate_persons
from twofront.metrics.models import DirtyCell
from twofront.transfer import services
from twofront.transfer.choices import JobPhase, JobStatus
from twofront.transfer.models import ImportJob
from twofront.transfer.tasks import run_import
from twofront.transfer.tests.conftest import GRID_NANMING, write_csv

ROWS = 60_000
pytestmark = pytest.mark.slow


def _database_url() -> str:
    db = connection.settings_dict  # the test database, e.g. var/test.sqlite3 or test_<name>
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(var_dir) -> dict:
    """The child sees the test database, the test's MEDIA_ROOT (var_dir/media) and the same keys."""
    keys = ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in settings.PII_KEYS.items()
                    if key_id == settings.PII_ACTIVE_KEY_ID)
    return {**os.environ, "DATABASE_URL": _database_url(), "TWOFRONT_VAR_DIR": str(var_dir),
            "PII_KEYS": keys, "BLIND_INDEX_KEY": base64.b64encode(settings.BLIND_INDEX_KEY).decode(),
            "SECRET_KEY": settings.SECRET_KEY, "DJANGO_SETTINGS_MODULE": "twofront.settings",
            # frequent reports, so the test sees written rows well before a fast host finishes the write
            "TWOFRONT_IMPORT_PROGRESS_SECONDS": "0.05"}


def _start(command: list[str], var_dir) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *command], cwd=BASE_DIR, env=_env(var_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_until_writing(process: subprocess.Popen, timeout: float = 120) -> ImportJob:
    """Polls the job row (committed progress) until the write transaction is under way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.order_by("-pk").first()
        if job is not None and job.phase == JobPhase.WRITING:
            if connection.vendor == "postgresql":
                # PostgreSQL reports written rows from inside the transaction: wait for the first batch.
                if job.rows_written > 0:
                    return job
            else:
                # SQLite holds its single writer until commit; give the write a moment to get going.
                time.sleep(0.5)
                return job
        assert process.poll() is None, process.stdout.read().decode()
        time.sleep(0.05)
    raise AssertionError("the import never reached its write phase")


@pytest.mark.parametrize("runner", ["cli", "worker"])
def test_sigkill_mid_write_leaves_nothing_and_a_rerun_completes(personas_tx, settings, tmp_path, runner):
    settings.MEDIA_ROOT = tmp_path / "media"  # what the child derives from TWOFRONT_VAR_DIR=tmp_path
    path = write_csv(list(generate_persons(ROWS, [GRID_NANMING], seed=77)), tmp_path / "kill.csv")
    if runner == "cli":
        command = ["-m", "twofront.cli", "import", "persons", str(path), "--user", "commander"]
    else:  # queued like a big upload, taken by the django-tasks database worker
        with open(path, "rb") as fh:
            queued = services.create_import_job(actor=personas_tx["commander"], dataset="persons", upload=File(fh),
                                                name=path.name)
        run_import.enqueue(queued.pk)
        command = ["manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0"]

    # given an import in the middle of its write transaction, when its process is killed
    process = _start(command, tmp_path)
    job = _wait_until_writing(process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # then not one row of it is stored, nor its audit event or dirty cells; the job is left running
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="core.person.imported").exists()
    assert not DirtyCell.objects.exists()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.phase == JobPhase.WRITING
    assert job.heartbeat_at is not None and not job.stalled  # heard from moments ago: not yet offered for a retry

    # when it is run again, then it completes
    if runner == "worker":
        run_import.enqueue(job.pk)
    rerun = subprocess.run([sys.executable, *command], cwd=BASE_DIR, env=_env(tmp_path), capture_output=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stdout.decode() + rerun.stderr.decode()
    done = ImportJob.objects.order_by("-pk").first() if runner == "cli" else ImportJob.objects.get(pk=job.pk)
    assert done.status == JobStatus.SUCCEEDED and done.rows_written == ROWS
    assert Person.objects.count() == ROWS
    assert AuditEvent.objects.filter(action="core.person.imported").count() == 1
