"""Import jobs and exports. Pages, the API, the CLI and the worker all go through these."""

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, context, scope, selectors
from twofront.core.choices import AuditSource
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Person, Region
from twofront.transfer import engine, exports
from twofront.transfer.choices import ImportPolicy, JobPhase, JobStatus
from twofront.transfer.exports import ExportColumn
from twofront.transfer.models import ImportJob
from twofront.transfer.spec import ImportSpec, get_spec

# Files up to this size are imported while the uploader waits; larger ones go to `twofront worker`.
INLINE_MAX_BYTES = 1_000_000
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


def inline_max_bytes() -> int:
    return getattr(settings, "TWOFRONT_IMPORT_INLINE_MAX_BYTES", INLINE_MAX_BYTES)


def spec_or_404(dataset: str) -> ImportSpec:
    spec = get_spec(dataset)
    if spec is None:
        raise Http404
    return spec


def require_import(actor, spec: ImportSpec) -> None:
    if not scope.has_permission_anywhere(actor, spec.permission):
        raise PermissionDenied(spec.permission)


def home_region(actor, permission: str) -> Region | None:
    """The widest region in which the actor holds `permission` (None for superusers without one)."""
    regions = [a.region for a in scope.granting(actor, permission) if a.region_id]
    return min(regions, key=lambda r: r.depth) if regions else None


@transaction.atomic
def create_import_job(*, actor, dataset: str, upload, name: str, policy: str = ImportPolicy.REJECT) -> ImportJob:
    """Stores the upload under MEDIA_ROOT/imports/ and records a queued job (not yet run)."""
    spec = spec_or_404(dataset)
    require_import(actor, spec)
    if policy not in ImportPolicy.values:
        raise field_error("policy", _("Choose reject or valid."))
    name = "".join(ch for ch in os.path.basename(name or "") if ch.isprintable())[-200:] or "upload"
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise field_error("file", _("Upload a CSV or Excel (.xlsx) file."))
    if not upload.size:
        raise field_error("file", _("The file is empty."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise field_error("file", _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES >> 20})
    job = ImportJob(dataset=spec.dataset, policy=policy, created_by=actor, original_name=name,
                    region=home_region(actor, spec.permission))
    suffix = Path(name).suffix.lower()
    job.file.save(f"{spec.dataset}-{timezone.now():%Y%m%d%H%M%S}{suffix}", upload, save=False)
    job.save()
    return job


def submit_import(*, actor, dataset: str, upload, name: str, policy: str = ImportPolicy.REJECT) -> ImportJob:
    """Creates the job, then runs a small file at once and queues a big one for the worker."""
    job = create_import_job(actor=actor, dataset=dataset, upload=upload, name=name, policy=policy)
    return _start(job)


def retry_import(job: ImportJob, *, actor) -> ImportJob:
    """Runs again a job whose worker died (models.ImportJob.stalled): nothing of its file was stored, and the
    new run starts from the file. A job still heard from is a Conflict, so two runs never overlap knowingly."""
    require_import(actor, spec_or_404(job.dataset))
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not locked.stalled:
            raise Conflict(_("This import is not stalled: only a running import that has stopped responding can "
                             "be run again."))
        audit.record(actor, "transfer.import.retried", locked, region=locked.region,
                     changes={"stalled_in": locked.phase, "rows_read": locked.rows_read})
        locked.status, locked.phase, locked.message = JobStatus.QUEUED, JobPhase.WAITING, ""
        locked.save(update_fields=["status", "phase", "message"])
    return _start(locked)


def _start(job: ImportJob) -> ImportJob:
    if job.file.size <= inline_max_bytes():
        return run_import_job(job)
    from twofront.transfer.tasks import run_import

    result = run_import.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.task_id = str(result.id)[:64]
    return job


@contextlib.contextmanager
def _local_path(field):
    """A filesystem path for a stored file (copied to a temporary file for remote storages)."""
    try:
        path = field.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=Path(field.name).suffix) as local, field.open("rb") as remote:
        shutil.copyfileobj(remote, local)
        local.flush()
        yield local.name


def run_import_job(job: ImportJob, *, on_progress=None) -> ImportJob:
    """Runs a queued job, or re-runs one whose worker died (nothing of it was written)."""
    spec = spec_or_404(job.dataset)
    current = context.current()
    with context.use(AuditSource.IMPORT, request_id=current.request_id or None, ip=current.ip), \
            _local_path(job.file) as path:
        return engine.run(job, spec, path, on_progress=on_progress)


# -- exports ---------------------------------------------------------------------------------------

SEX_LABELS = {"M": "男", "F": "女"}
PERSON_COLUMNS = (
    ExportColumn("name", "姓名", "Name"),
    ExportColumn("id_number_masked", "身份证号（脱敏）", "National ID (masked)"),
    ExportColumn("phone_masked", "手机号（脱敏）", "Mobile phone (masked)"),
    ExportColumn("sex", "性别", "Sex", display=lambda v: SEX_LABELS.get(v, v)),
    ExportColumn("birth_date", "出生日期", "Birth date"),
    ExportColumn("region__code", "区划代码", "Division code"),
    ExportColumn("region__name", "区划", "Region"),
    ExportColumn("address", "地址", "Address"),
)
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass
class Export:
    filename: str
    content_type: str
    rows: int
    chunks: object = None  # CSV: an iterator of bytes
    file: object = None  # XLSX: an open temporary file


def export_persons(*, actor, fmt: str = "xlsx", region: str | None = None, name: str | None = None,
                   id_number: str | None = None, language: str = "zh-hans") -> Export:
    """The persons the actor may export, filtered like the person list; masked, neutralised, audited."""
    if not scope.has_permission_anywhere(actor, "core.export_person"):
        raise PermissionDenied("core.export_person")
    if fmt not in EXPORT_FORMATS:
        raise field_error("format", _("Choose csv or xlsx."))
    qs = selectors.persons(actor, region=region, name=name, id_number=id_number) \
        & Person.objects.visible_to(actor, "export")
    # Bound the rows now, so the audited count is what the file holds even while others add persons.
    last = qs.order_by("-pk").values_list("pk", flat=True).first() or 0
    qs = qs.filter(pk__lte=last).order_by("pk")
    language = "en" if language.startswith("en") else "zh"
    filename = f"persons-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        export = Export(filename, exports.CSV_CONTENT_TYPE, qs.count(),
                        chunks=exports.csv_chunks(qs, PERSON_COLUMNS, language))
    else:
        handle, rows = exports.xlsx_file(qs, PERSON_COLUMNS, language, "居民" if language == "zh" else "Persons")
        export = Export(filename, exports.XLSX_CONTENT_TYPE, rows, file=handle)
    filters = {k: v for k, v in {"region": region, "name": name, "id_number": id_number}.items() if v}
    target = Region.objects.filter(code=region).first() if region else None
    audit.record(actor, "core.person.exported", None, changes={"rows": export.rows, "format": fmt, "filters": filters},
                 region=target or home_region(actor, "core.export_person"), object_repr=filename)
    return export

