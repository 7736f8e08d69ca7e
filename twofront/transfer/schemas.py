import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from twofront.transfer.choices import ImportPolicy


class ImportJobOut(Schema):
    id: int
    dataset: str
    original_name: str
    policy: str
    status: str = Field(..., description="queued, running, succeeded, failed or rejected")
    phase: str = Field(..., description="validating or writing while running")
    rows_total: int = Field(..., description="rows expected (estimated while a CSV is validated)")
    rows_read: int
    rows_valid: int
    rows_written: int
    error_count: int = Field(..., description="rows with at least one error")
    percent: int | None = Field(None, description="progress of the current phase")
    stalled: bool = Field(False, description="running but silent for long: its worker died; POST .../retry runs it "
                                             "again")
    message: str
    errors_url: str | None = Field(None, description="the error workbook (xlsx), when there are errors")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_errors_url(job) -> str | None:
        return reverse("api:transfer_jobs_errors", kwargs={"job_id": job.pk}) if job.error_file else None


class ImportIn(Schema):
    policy: ImportPolicy = Field(ImportPolicy.REJECT, description="reject: nothing is imported if any row is "
                                 "invalid; valid: import the valid rows and skip the rest")


# Query text never reaches the database with control characters (PostgreSQL refuses NUL in text).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class PersonExportFilter(Schema):
    format: Literal["csv", "xlsx"] = Field("xlsx", description="csv (UTF-8 with BOM) or xlsx")
    region: str | None = Field(None, max_length=20, pattern=r"^[0-9]*$",
                               description="division code; includes its subtree")
    name: str | None = Field(None, max_length=64, pattern=PRINTABLE, description="name contains")
    id_number: str | None = Field(None, max_length=32, pattern=PRINTABLE,
                                  description="exact national ID (blind-index lookup)")


class JobFilter(Schema):
    dataset: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_-]*$", description="e.g. persons")
