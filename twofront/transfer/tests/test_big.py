"""100,000-row files with a few bad rows: exact counts, an error workbook naming exactly those rows,
and a second import of the same file leaving no duplicates."""

import pytest

from twofront.core.models import Person
from twofront.core.synthetic import generate_persons
from twofront.transfer.choices import JobStatus
from twofront.transfer.tests.conftest import (
    GRID_NANMING,
    GRID_YUNYAN,
    error_rows,
    import_file,
    write_csv,
    write_workbook,
)

ROWS = 100_000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_rows() -> tuple[list[dict], set[int]]:
    """100k residents of two districts; every 7,919th row spoilt in one of five ways. Returns the rows and
    the spreadsheet row numbers (header = row 1) that must be reported."""
    rows = list(generate_persons(ROWS, [GRID_NANMING, "520102001001002", GRID_YUNYAN], seed=42))
    bad: set[int] = set()
    for kind, index in enumerate(range(5_000, ROWS, 7_919)):
        row = rows[index]
        match kind % 5:
            case 0:
                row["id_number"] = row["id_number"][:17] + ("1" if row["id_number"][17] == "0" else "0")
            case 1:
                row["phone"] = "1234"
            case 2:
                row["region_code"] = "520199"
            case 3:
                row["name"] = ""
            case 4:
                row["id_number"] = rows[index - 1]["id_number"]  # a duplicate: the later row is the bad one
        bad.add(index + 2)
    return rows, bad


def _check(job, bad: set[int]) -> None:
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.rows_read, job.rows_valid, job.error_count) == (ROWS, ROWS - len(bad), len(bad))
    assert job.rows_written == ROWS - len(bad)
    assert {int(e[1]) for e in error_rows(job)} == bad


def test_100k_csv_counts_errors_and_reimport(personas, tmp_path, big_rows):
    rows, bad = big_rows
    path = write_csv(rows, tmp_path / "big.csv")
    _check(import_file(personas["commander"], path, policy="valid"), bad)
    assert Person.objects.count() == ROWS - len(bad)
    # the same file again: every valid row updates its record, none is added
    _check(import_file(personas["commander"], path, policy="valid"), bad)
    assert Person.objects.count() == ROWS - len(bad)
    assert Person.objects.values("id_number_index").distinct().count() == ROWS - len(bad)


def test_100k_xlsx_rejected_then_imported(personas, tmp_path, big_rows):
    rows, bad = big_rows
    path = write_workbook(rows, tmp_path / "big.xlsx")
    rejected = import_file(personas["commander"], path)
    assert rejected.status == JobStatus.REJECTED and rejected.rows_written == 0 and rejected.error_count == len(bad)
    assert {int(e[1]) for e in error_rows(rejected)} == bad
    assert not Person.objects.exists()
    _check(import_file(personas["commander"], path, policy="valid"), bad)
    assert Person.objects.count() == ROWS - len(bad)
