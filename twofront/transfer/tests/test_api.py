"""The transfer API and pages: who may call what, jobs, templates, error workbooks, background runs."""

import pytest
from django_tasks_db.models import DBTaskResult

from twofront.core.models import Person
from twofront.transfer.choices import JobStatus
from twofront.transfer.models import ImportJob
from twofront.transfer.tests.conftest import import_file, person_rows, write_csv

API = "/api/v1/transfer"


@pytest.fixture
def nanming_job(personas, tmp_path):
    rows = person_rows(3)
    rows[1]["phone"] = "123"
    return import_file(personas["nanming"], write_csv(rows, tmp_path / "job.csv"), policy="valid")


def _upload(client, path, policy="reject", dataset="persons"):
    with open(path, "rb") as fh:
        return client.post(f"{API}/imports/{dataset}", {"file": fh, "policy": policy})


ENDPOINTS = [("get", f"{API}/templates/persons"), ("get", f"{API}/exports/persons"), ("get", f"{API}/jobs"),
             ("post", f"{API}/imports/persons")]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_gets_401_problem(method, url, client_as, personas):
    response = getattr(client_as(None), method)(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("method", "url"), [e for e in ENDPOINTS if "jobs" not in e[1]])
def test_without_permission_403(method, url, client_as, personas, tmp_path):
    client = client_as(personas["grid_nanming"])  # may add persons, not import or export them
    if method == "post":
        response = _upload(client, write_csv(person_rows(1), tmp_path / "rows.csv"))
    else:
        response = client.get(url)
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_runs_a_small_file_at_once(personas, client_as, tmp_path):
    response = _upload(client_as(personas["nanming"]), write_csv(person_rows(5), tmp_path / "five.csv"))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == JobStatus.SUCCEEDED and body["rows_written"] == 5 and body["errors_url"] is None
    assert Person.objects.count() == 5
    job = ImportJob.objects.get()
    assert job.file.name.startswith("imports/") and job.region == personas.region("520102")


def test_upload_validation_is_422(personas, client_as, tmp_path):
    client = client_as(personas["nanming"])
    assert _upload(client, write_csv(person_rows(1), tmp_path / "rows.csv"), policy="maybe").status_code == 422
    assert _upload(client, write_csv(person_rows(1), tmp_path / "rows.exe")).status_code == 422
    assert client.post(f"{API}/imports/persons", {"policy": "reject"}).status_code == 422
    assert _upload(client, tmp_path / "rows.csv", dataset="nothing").status_code == 404


def test_big_upload_is_queued_for_the_worker(personas, client_as, tmp_path, settings):
    settings.TWOFRONT_IMPORT_INLINE_MAX_BYTES = 100
    response = _upload(client_as(personas["nanming"]), write_csv(person_rows(10), tmp_path / "ten.csv"))
    assert response.status_code == 202 and response.json()["status"] == JobStatus.QUEUED
    job = ImportJob.objects.get()
    assert DBTaskResult.objects.filter(pk=job.task_id).exists()
    assert not Person.objects.exists()
    # when the worker runs the task (test_kill.py runs the real worker in a process of its own)
    task = DBTaskResult.objects.get(pk=job.task_id).task_result
    task.task.call(*task.args, **task.kwargs)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.rows_written == 10
    assert Person.objects.count() == 10


def test_job_progress_and_errors(personas, client_as, nanming_job):
    client = client_as(personas["nanming"])
    body = client.get(f"{API}/jobs/{nanming_job.pk}").json()
    assert (body["rows_read"], body["rows_valid"], body["rows_written"], body["error_count"]) == (3, 2, 2, 1)
    assert body["percent"] == 100 and body["errors_url"] == f"{API}/jobs/{nanming_job.pk}/errors"
    errors = client.get(body["errors_url"])
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [j["id"] for j in client.get(f"{API}/jobs").json()["items"]] == [nanming_job.pk]


def test_another_users_job_is_404(personas, client_as, nanming_job):
    client = client_as(personas["yunyan"])
    for url in (f"{API}/jobs/{nanming_job.pk}", f"{API}/jobs/{nanming_job.pk}/errors"):
        assert client.get(url).status_code == 404
    assert client.get(f"{API}/jobs").json()["items"] == []
    for url in (f"/transfer/jobs/{nanming_job.pk}/", f"/transfer/jobs/{nanming_job.pk}/progress/",
                f"/transfer/jobs/{nanming_job.pk}/errors/"):
        assert client.get(url).status_code == 404


def test_errors_of_a_job_without_errors_is_404(personas, client_as, tmp_path):
    job = import_file(personas["nanming"], write_csv(person_rows(1), tmp_path / "ok.csv"))
    assert client_as(personas["nanming"]).get(f"{API}/jobs/{job.pk}/errors").status_code == 404


def test_template_download(personas, client_as, tmp_path):
    response = client_as(personas["nanming"]).get(f"{API}/templates/persons")
    assert response.status_code == 200
    assert 'filename="persons-template.xlsx"' in response["Content-Disposition"]
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(path) as workbook:
        assert workbook.get_sheet_by_index(0).to_python()[0][1] == "身份证号 / National ID"
    assert client_as(personas["nanming"]).get(f"{API}/templates/nothing").status_code == 404


# -- pages -------------------------------------------------------------------------------------------


def test_import_page_upload_redirects_to_the_job(personas, client_as, tmp_path):
    client = client_as(personas["nanming"])
    page = client.get("/transfer/import/persons/")
    assert page.status_code == 200 and b"/transfer/templates/persons/" in page.content
    with open(write_csv(person_rows(2), tmp_path / "two.csv"), "rb") as fh:
        response = client.post("/transfer/import/persons/", {"file": fh, "policy": "reject"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/transfer/jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"hx-trigger" not in page.content  # finished: no more polling


def test_job_page_polls_while_running(personas, client_as, nanming_job):
    ImportJob.objects.filter(pk=nanming_job.pk).update(status=JobStatus.RUNNING, phase="validating")
    partial = client_as(personas["nanming"]).get(f"/transfer/jobs/{nanming_job.pk}/progress/")
    assert b'hx-trigger="every 1s"' in partial.content and b"<progress" in partial.content


def test_pages_refuse_without_permission(personas, client_as):
    client = client_as(personas["grid_nanming"])
    assert client.get("/transfer/import/persons/").status_code == 403
    assert client.get("/transfer/templates/persons/").status_code == 403
    assert client.get("/transfer/export/persons/").status_code == 403
    assert client_as(None).get("/transfer/jobs/").status_code == 302


def test_person_list_shows_export_and_import_to_those_allowed(personas, client_as):
    page = client_as(personas["nanming"]).get("/persons/?name=%E5%BC%A0")
    assert b"/transfer/export/persons/?name=%E5%BC%A0" in page.content
    assert b"/transfer/import/persons/" in page.content
    page = client_as(personas["grid_nanming"]).get("/persons/")
    assert b"/transfer/export/" not in page.content and b"/transfer/import/" not in page.content


def test_job_list_page(personas, client_as, nanming_job):
    page = client_as(personas["nanming"]).get("/transfer/jobs/")
    assert page.status_code == 200 and nanming_job.original_name.encode() in page.content
    assert b"/transfer/import/persons/" in page.content
