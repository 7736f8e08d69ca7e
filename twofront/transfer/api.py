"""Imports (multipart upload -> job), job progress, error workbooks, templates and exports."""

from django.utils.translation import get_language
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.transfer import responses, selectors, services
from twofront.transfer.exports import XLSX_CONTENT_TYPE
from twofront.transfer.schemas import ImportIn, ImportJobOut, JobFilter, PersonExportFilter

router = Router(tags=["transfer"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
XLSX_RESPONSE = {"responses": {200: {"description": "OK", "content": {XLSX_CONTENT_TYPE: _BINARY}}}}
EXPORT_RESPONSE = {"responses": {200: {"description": "OK", "content": {"text/csv": _BINARY,
                                                                        XLSX_CONTENT_TYPE: _BINARY}}}}


@router.post("/imports/{dataset}", response={202: ImportJobOut, **ERRORS}, operation_id="transfer_imports_create",
             summary="Import a CSV or XLSX file (small files run at once, big ones in the background)")
def create_import(request, dataset: str, file: File[UploadedFile], data: Form[ImportIn]):
    job = services.submit_import(actor=request.user, dataset=dataset, upload=file, name=file.name,
                                 policy=data.policy)
    return Status(202, job)


@router.get("/jobs", response={200: list[ImportJobOut], **ERRORS}, operation_id="transfer_jobs_list",
            summary="My import jobs, newest first")
@paginate(LimitOffsetPagination)
def list_jobs(request, filters: Query[JobFilter]):
    return selectors.visible_jobs(request.user, dataset=filters.dataset)


@router.get("/jobs/{job_id}", response={200: ImportJobOut, **ERRORS}, operation_id="transfer_jobs_get",
            summary="One of my import jobs, with its progress counters")
def get_job(request, job_id: int):
    return selectors.job_or_404(request.user, job_id)


@router.post("/jobs/{job_id}/retry", response={202: ImportJobOut, **WRITE_ERRORS}, operation_id="transfer_jobs_retry",
             summary="Run again a job that stopped responding (`stalled`: its worker died; nothing of it was stored)")
def retry_job(request, job_id: int):
    return Status(202, services.retry_import(selectors.job_or_404(request.user, job_id), actor=request.user))


@router.get("/jobs/{job_id}/errors", response={200: None, **ERRORS}, operation_id="transfer_jobs_errors",
            url_name="transfer_jobs_errors", openapi_extra=XLSX_RESPONSE,
            summary="The error workbook of a job: row, column, masked value, message in Chinese and English")
def job_errors(request, job_id: int):
    return responses.errors_response(selectors.job_or_404(request.user, job_id))


@router.get("/templates/{dataset}", response={200: None, **ERRORS}, operation_id="transfer_templates_get",
            openapi_extra=XLSX_RESPONSE, summary="A blank workbook with the dataset's bilingual header row")
def template(request, dataset: str):
    spec = services.spec_or_404(dataset)
    services.require_import(request.user, spec)
    return responses.template_response(spec)


@router.get("/exports/persons", response={200: None, **ERRORS}, operation_id="transfer_exports_persons",
            openapi_extra=EXPORT_RESPONSE,
            summary="Export the persons of my jurisdiction (ID and phone masked; audited)")
def export_persons(request, filters: Query[PersonExportFilter]):
    export = services.export_persons(actor=request.user, fmt=filters.format, region=filters.region,
                                     name=filters.name, id_number=filters.id_number, language=get_language() or "")
    return responses.export_response(export)
