"""A job whose worker died stays "running"; once silent for long it is stalled and can be run again."""

import datetime

import pytest
from django.core.files import File
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, Person
from twofront.transfer import services
from twofront.transfer.choices import JobPhase, JobStatus
from twofront.transfer.models import ImportJob
from twofront.transfer.tests.conftest import person_rows, write_csv

STALLED_AFTER_SECONDS = 900  # settings.TWOFRONT_IMPORT_STALLED_AFTER_SECONDS by default

API = "/api/v1/transfer"


@pytest.fixture
def dead_job(personas, tmp_path):
    """What a SIGKILL in the middle of the write leaves (test_kill.py): a running job, nothing stored."""
    with open(write_csv(person_rows(4), tmp_path / "roster.csv"), "rb") as fh:
        job = services.create_import_job(actor=personas["nanming"], dataset="persons", upload=File(fh),
                                         name="roster.csv")
    last = timezone.now() - datetime.timedelta(seconds=STALLED_AFTER_SECONDS + 60)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase=JobPhase.WRITING, rows_read=4,
                                               rows_valid=4, started_at=last, heartbeat_at=last)
    job.refresh_from_db()
    return job


def test_a_running_job_is_stalled_only_after_the_quiet_period(dead_job, settings):
    assert dead_job.stalled
    dead_job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=STALLED_AFTER_SECONDS - 60)
    assert not dead_job.stalled
    settings.TWOFRONT_IMPORT_STALLED_AFTER_SECONDS = 30
    assert dead_job.stalled
    dead_job.status = JobStatus.SUCCEEDED
    assert not dead_job.stalled  # a finished job never is


def test_the_engine_writes_a_heartbeat_with_its_counters(personas, tmp_path):
    from twofront.transfer.tests.conftest import import_file

    before = timezone.now()
    job = import_file(personas["nanming"], write_csv(person_rows(3), tmp_path / "ok.csv"))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.heartbeat_at >= before


def test_a_stalled_job_runs_again_to_its_end_and_the_retry_is_audited(personas, dead_job):
    job = services.retry_import(dead_job, actor=personas["nanming"])
    assert job.status == JobStatus.SUCCEEDED and job.rows_written == 4
    assert Person.objects.count() == 4
    event = AuditEvent.objects.get(action="transfer.import.retried")
    assert event.object_id == str(dead_job.pk) and event.changes["stalled_in"] == "writing"


def test_a_job_still_heard_from_is_not_run_twice(personas, dead_job):
    ImportJob.objects.filter(pk=dead_job.pk).update(heartbeat_at=timezone.now())
    dead_job.refresh_from_db()
    with pytest.raises(Conflict):
        services.retry_import(dead_job, actor=personas["nanming"])
    dead_job.refresh_from_db()
    assert dead_job.status == JobStatus.RUNNING and not AuditEvent.objects.filter(action="transfer.import.retried")


def test_the_api_retries_only_my_stalled_jobs(personas, client_as, dead_job):
    assert client_as(personas["nanming"]).get(f"{API}/jobs/{dead_job.pk}").json()["stalled"] is True
    assert client_as(personas["yunyan"]).post(f"{API}/jobs/{dead_job.pk}/retry").status_code == 404
    assert client_as(None).post(f"{API}/jobs/{dead_job.pk}/retry").status_code == 401
    response = client_as(personas["nanming"]).post(f"{API}/jobs/{dead_job.pk}/retry")
    assert response.status_code == 202
    assert response.json()["status"] == "succeeded" and response.json()["stalled"] is False
    again = client_as(personas["nanming"]).post(f"{API}/jobs/{dead_job.pk}/retry")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


def test_the_job_page_offers_to_run_a_stalled_job_again(personas, client_as, dead_job):
    client = client_as(personas["nanming"])
    page = client.get(f"/transfer/jobs/{dead_job.pk}/").content.decode()
    assert 'id="job-stalled"' in page and "已停止响应" in page
    assert client_as(personas["yunyan"]).post(f"/transfer/jobs/{dead_job.pk}/retry/").status_code == 404
    response = client.post(f"/transfer/jobs/{dead_job.pk}/retry/", follow=True)
    assert response.status_code == 200 and "导入已重新运行" in response.content.decode()
    dead_job.refresh_from_db()
    assert dead_job.status == JobStatus.SUCCEEDED
    assert 'id="job-stalled"' not in client.get(f"/transfer/jobs/{dead_job.pk}/").content.decode()
    # a second press (e.g. an old tab) is refused with the reason, nothing runs
    refused = client.post(f"/transfer/jobs/{dead_job.pk}/retry/")
    assert refused.status_code == 409 and "未停止响应" in refused.content.decode()
    assert AuditEvent.objects.filter(action="transfer.import.retried").count() == 1
