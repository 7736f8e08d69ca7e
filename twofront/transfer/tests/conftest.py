"""Files to import and a one-call import, for the transfer tests."""

import csv
from pathlib import Path

import pytest
from django.core.files import File

from twofront.core.synthetic import PERSON_HEADERS, generate_persons, write_xlsx
from twofront.transfer import services

GRID_NANMING = "520102001001001"
GRID_YUNYAN = "520103001001001"
ENGLISH_HEADERS = {"name": "Name", "id_number": "National ID", "phone": "Mobile phone", "region_code": "Division code",
                   "address": "Address"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Uploads and error workbooks land in the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def person_rows(n: int, region: str = GRID_NANMING, seed: int = 5) -> list[dict]:
    return list(generate_persons(n, [region], seed=seed))


def write_csv(rows: list[dict], path: Path, *, encoding: str = "utf-8", headers: dict | None = None) -> Path:
    headers = headers or PERSON_HEADERS
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers.values())
        writer.writerows([row.get(key, "") for key in headers] for row in rows)
    return path


def write_workbook(rows: list[dict], path: Path) -> Path:
    write_xlsx(rows, path)
    return path


def import_file(user, path: Path, *, policy: str = "reject", dataset: str = "persons"):
    """Creates and runs a job the way the CLI does (inline, whatever the size)."""
    with open(path, "rb") as fh:
        job = services.create_import_job(actor=user, dataset=dataset, upload=File(fh), name=path.name, policy=policy)
    return services.run_import_job(job)


def error_rows(job) -> list[list]:
    """The error workbook's data rows, read back with python-calamine."""
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(job.error_file.path) as workbook:
        rows = workbook.get_sheet_by_index(0).to_python()
    return rows[1:]
