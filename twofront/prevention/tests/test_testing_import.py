"""Lab result batches through the import engine: upsert on the sample number, bad rows reported, jurisdiction
kept, one audit event per job, metrics marked on the result's day."""

import csv
import datetime

import pytest
from django.core.files import File
from django.utils import timezone

from twofront.core.models import AuditEvent
from twofront.metrics import selectors as metric_values
from twofront.metrics import services as metric_services
from twofront.prevention.models import NucleicTest
from twofront.prevention.services import testing as services
from twofront.transfer import services as transfer
from twofront.transfer.choices import JobStatus

HEADER = ["样本编号", "检测结果", "结果时间", "检测机构"]


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """The unit kit creates six staff accounts per test; their passwords are never typed here."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def samples(personas, make_person):
    """Three pending samples of Nanming residents and one of a Yunyan resident, taken two days ago."""
    taken = timezone.now() - datetime.timedelta(days=2)
    people = [make_person("520102001001001") for _ in range(3)] + [make_person("520103001001001")]
    return [services.register_sample(actor=personas["commander"], person=person, sample_id=f"LAB-{i}",
                                     sampled_at=taken) for i, person in enumerate(people)]


def write(tmp_path, rows, header=HEADER):
    path = tmp_path / "results.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(user, path, policy="valid"):
    with open(path, "rb") as fh:
        job = transfer.create_import_job(actor=user, dataset="lab_results", upload=File(fh), name=path.name,
                                         policy=policy)
    return transfer.run_import_job(job)


def errors(job) -> list[tuple]:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(job.error_file.path) as workbook:
        return [(row[1], row[2], row[5]) for row in workbook.get_sheet_by_index(0).to_python()[1:]]


def yesterday_at(hour: int) -> str:
    return f"{timezone.localdate() - datetime.timedelta(days=1)} {hour:02d}:30"


def test_a_batch_with_bad_rows_imports_the_good_ones(personas, samples, tmp_path):
    path = write(tmp_path, [
        ["LAB-0", "阴性", yesterday_at(9), "金域检验"],
        ["LAB-1", "positive", yesterday_at(10), ""],
        ["LAB-2", "待定", yesterday_at(11), ""],  # not a result
        ["LAB-9", "阴性", yesterday_at(11), ""],  # never registered
        ["LAB-0", "阴性", yesterday_at(12), ""],  # the same sample twice in one file
        ["LAB-3", "阴性", yesterday_at(12), ""],  # a Yunyan resident: outside the importer's jurisdiction
        ["LAB-2", "阳性", "明天", ""],  # not a time
    ])
    job = run(personas["nanming"], path)

    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.rows_read, job.rows_valid, job.rows_written, job.error_count) == (7, 2, 2, 5)
    results = dict(NucleicTest.objects.values_list("sample_id", "result"))
    assert results == {"LAB-0": "negative", "LAB-1": "positive", "LAB-2": "pending", "LAB-3": "pending"}
    lab0 = NucleicTest.objects.get(sample_id="LAB-0")
    assert lab0.lab == "金域检验" and timezone.localtime(lab0.result_at).hour == 9
    assert lab0.person_id == samples[0].person_id and lab0.region_id == samples[0].region_id  # kept
    by_row = {row: message for row, _column, message in errors(job)}
    assert set(by_row) == {4, 5, 6, 7, 8}
    assert "registered" in by_row[5] and "jurisdiction" in by_row[7] and "duplicates" in by_row[6]
    assert AuditEvent.objects.filter(action="prevention.test.results_imported").count() == 1


def test_reject_policy_writes_nothing_when_a_row_is_bad(personas, samples, tmp_path):
    job = run(personas["nanming"], write(tmp_path, [["LAB-0", "阴性", yesterday_at(9), ""], ["LAB-9", "阴性", "", ""]]),
              policy="reject")
    assert job.status == JobStatus.REJECTED and job.rows_written == 0
    assert not NucleicTest.objects.exclude(result="pending").exists()
    assert not AuditEvent.objects.filter(action="prevention.test.results_imported").exists()


def test_reimporting_a_corrected_batch_updates_in_place(personas, samples, tmp_path):
    run(personas["commander"], write(tmp_path, [["LAB-3", "阳性", yesterday_at(9), ""]]))
    job = run(personas["commander"], write(tmp_path, [["LAB-3", "negative", yesterday_at(15), ""]]))
    assert job.rows_written == 1 and NucleicTest.objects.count() == 4
    assert NucleicTest.objects.get(sample_id="LAB-3").result == "negative"


def test_english_headers_and_a_result_before_sampling(personas, samples, tmp_path):
    before_sampling = f"{timezone.localdate() - datetime.timedelta(days=5)} 08:00"
    path = write(tmp_path, [["LAB-1", "Negative", before_sampling, ""]],
                 header=["Sample number", "Result", "Result time", "Laboratory"])
    assert run(personas["nanming"], path).rows_written == 1
    test = NucleicTest.objects.get(sample_id="LAB-1")
    assert test.result_at == test.sampled_at  # a lab's slip does not put the result before the sample


def test_imported_positives_count_on_the_day_of_the_result(personas, samples, tmp_path):
    run(personas["nanming"], write(tmp_path, [["LAB-0", "阳性", yesterday_at(9), ""]]))
    metric_services.refresh_dirty()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    [value] = metric_values.values(personas["nanming"], ["prevention.tests_positive"], "520102", yesterday,
                                   yesterday).values
    assert value.value == 1


def test_hotel_staff_may_not_import_results(units, samples, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(units["hotel_staff_nanming"], write(tmp_path, [["LAB-0", "阴性", yesterday_at(9), ""]]))
