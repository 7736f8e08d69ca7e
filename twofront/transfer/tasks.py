"""Background jobs: imports above TWOFRONT_IMPORT_INLINE_MAX_BYTES run here, in `twofront worker`."""

from django_tasks import task

from twofront.transfer.models import ImportJob


@task()
def run_import(job_id: int) -> dict:
    from twofront.transfer.services import run_import_job

    job = run_import_job(ImportJob.objects.select_related("created_by").get(pk=job_id))
    return {"status": job.status, "rows_read": job.rows_read, "rows_written": job.rows_written,
            "error_count": job.error_count}
