"""The import engine: check every row of a file against its ImportSpec, then write the valid rows at once.

Two passes over the stored upload, neither holding the file in memory:
1. validate: parse every cell, resolve the region and check the importer's jurisdiction, find
   duplicate natural keys; bad rows go to the error workbook, counters to the job row (short
   autocommit updates, so the job page sees them). No transaction is open, nothing is locked.
2. write (unless the policy rejects the file): read again, skip the bad rows, build the stored
   form of each row and upsert it in batches, all inside ONE transaction together with the audit
   event, the metrics' dirty cells and the job's final state. A crash or SIGKILL at any moment
   leaves all rows of the job or none; re-running the file upserts on the natural key, so it
   completes the job and never duplicates.
"""

import csv
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone

from twofront.core import audit, scope
from twofront.core.models import Region
from twofront.metrics.dirty import touch_many
from twofront.transfer.choices import ImportPolicy, JobPhase, JobStatus
from twofront.transfer.models import ImportJob
from twofront.transfer.readers import FileError, HeaderMatcher, Sheet, Table, cell_text
from twofront.transfer.spec import Col, ImportSpec, RowError
from twofront.transfer.upsert import StagedUpsert
from twofront.transfer.workbooks import ErrorBook

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000  # rows per staged batch: progress granularity on PostgreSQL
CONFLICT_BATCH = 2_000  # keys per lookup of existing records (importers with a limited jurisdiction)
_ROW_BITS = 21  # a bad row is remembered as sheet << 21 | row number (a worksheet has 2**20 rows)


class Progress:
    """Pushes a job's counters (and its heartbeat) to its row at most every TWOFRONT_IMPORT_PROGRESS_SECONDS.

    Outside a transaction that is a short autocommit UPDATE. Inside the write transaction PostgreSQL
    gets it over a second connection, committed at once so the job page sees it; SQLite has a single
    writer, held by that transaction, so there the counters wait for the commit (the page shows
    "writing" without a percentage)."""

    def __init__(self, job: ImportJob, on_change: Callable[[ImportJob], None] | None = None):
        self.job, self.on_change = job, on_change
        self._pushed_at = 0.0
        self._side = None

    def set(self, *, force: bool = False, **counters) -> None:
        for name, value in counters.items():
            setattr(self.job, name, value)
        now = time.monotonic()
        if not force and now - self._pushed_at < settings.TWOFRONT_IMPORT_PROGRESS_SECONDS:
            return
        self._pushed_at = now
        self.job.heartbeat_at = timezone.now()
        values = {name: getattr(self.job, name) for name in
                  ("phase", "rows_total", "rows_read", "rows_valid", "rows_written", "error_count", "heartbeat_at")}
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(**values)
        elif connection.vendor == "postgresql":
            self._side_update(values)
        if self.on_change:
            self.on_change(self.job)

    def _side_update(self, values: dict) -> None:
        if self._side is None:
            self._side = connections.create_connection(connection.alias)
        quote = self._side.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in values)
        with self._side.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
                           [*values.values(), self.job.pk])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _message(exc: Exception) -> tuple[str, str]:
    text = str(exc)
    return getattr(exc, "zh", text), getattr(exc, "en", text)


def _plan(spec: ImportSpec, sheet: Sheet, matcher: HeaderMatcher) -> list[tuple[Col, int | None]]:
    found = matcher.match(sheet.header)
    missing = [c for c in spec.columns if c.required and c.name not in found]
    if missing:
        raise FileError("缺少必填列：" + "、".join(c.zh for c in missing),
                        "missing required columns: " + ", ".join(c.en for c in missing))
    return [(col, found.get(col.name)) for col in spec.columns]


def _parse(plan: list[tuple[Col, int | None]], cells: list) -> tuple[dict, list | None]:
    """Parsed values by column name, and the (column, raw value, error) of every bad cell."""
    values, problems, width = {}, None, len(cells)
    for col, index in plan:
        raw = cells[index] if index is not None and index < width else ""
        try:
            if raw.__class__ is not str:
                raw = cell_text(raw)
            if not raw or raw.isspace():
                if col.required:
                    raise RowError("必填", "required")
                values[col.name] = ""
            else:
                values[col.name] = col.parse(raw)
        except ValueError as exc:
            problems = problems or []
            problems.append((col, raw, exc))
    return values, problems


def _blank(cells: list) -> bool:
    return cells.count("") == len(cells)


class ImportRun:
    """One run of one job: the spec, the importer's jurisdiction, the file and the counters."""

    def __init__(self, job: ImportJob, spec: ImportSpec, path: str, progress: Progress):
        self.job, self.spec, self.path, self.progress = job, spec, path, progress
        self.matcher = HeaderMatcher(spec.columns)
        self.regions = {code: (pk, path) for code, pk, path in Region.objects.values_list("code", "pk", "path")}
        allowed = set(scope.regions_for(job.created_by, spec.permission).values_list("pk", flat=True))
        # None: the importer covers every region, so existing records need no jurisdiction check.
        self.allowed = None if len(allowed) == len(self.regions) else allowed
        self.region_column = next(c for c in spec.columns if c.name == spec.region_column)
        self.key_column = next(c for c in spec.columns if c.name == spec.key_column)

    def _region_problem(self, values: dict) -> tuple[Col, str, RowError] | None:
        code = values[self.spec.region_column]
        region = self.regions.get(code)
        if region is None:
            return self.region_column, code, RowError("区划代码不存在", "unknown division code")
        if self.allowed is not None and region[0] not in self.allowed:
            return self.region_column, code, RowError("该区划不在您的导入权限范围内",
                                                      "this region is outside your import jurisdiction")
        values["region_id"] = region[0]
        return None

    # -- pass 1 ------------------------------------------------------------------------------

    def validate(self, errors: ErrorBook) -> set[int]:
        """Counts rows, writes the error workbook and returns the keys of the bad rows."""
        spec, progress = self.spec, self.progress
        table = Table(self.path, self.matcher)
        bad: set[int] = set()
        seen: dict[int, int] = {}  # hash of a row's natural key -> its row key; ints keep 1M rows ~100 MB
        pending: list[tuple[str, int, str]] = []  # (natural key, row key, key as typed)
        read = valid = 0
        expected_before = 0
        self.sheet_names: list[str] = []

        def reject(row_key: int, problems: list) -> None:
            bad.add(row_key)
            sheet, row_no = self.sheet_names[row_key >> _ROW_BITS], row_key & ((1 << _ROW_BITS) - 1)
            for col, raw, exc in problems:
                zh, en = _message(exc)
                errors.add(sheet, row_no, col.header, col.mask(str(raw)), zh, en)

        for sheet_index, sheet in enumerate(table.sheets()):
            self.sheet_names.append(sheet.name)
            plan = _plan(spec, sheet, self.matcher)
            key_index = {col.name: index for col, index in plan}[spec.key_column]
            base = sheet_index << _ROW_BITS
            for row_no, cells in sheet.rows:
                if _blank(cells):
                    continue
                read += 1
                row_key = base | row_no
                values, problems = _parse(plan, cells)
                problem = self._region_problem(values) if spec.region_column in values else None
                if problem is not None:
                    problems = [*(problems or ()), problem]
                elif problems is None:
                    first = seen.setdefault(hash(spec.row_key(values)), row_key)
                    if first != row_key:
                        problems = [self._duplicate_problem(cells[key_index], first)]
                if problems:
                    reject(row_key, problems)
                else:
                    valid += 1
                    if self.allowed is not None:
                        pending.append((spec.db_key(values), row_key, cells[key_index]))
                        if len(pending) >= CONFLICT_BATCH:
                            valid -= self._check_existing(pending, reject)
                if read & 1023 == 0:
                    expected = expected_before + (sheet.expected_rows if sheet.expected_rows is not None
                                                  else int(read / max(table.fraction(), 1e-6)))
                    progress.set(rows_total=max(expected, read), rows_read=read, rows_valid=valid,
                                 error_count=read - valid)
            expected_before += sheet.expected_rows or 0
        valid -= self._check_existing(pending, reject)
        progress.set(force=True, rows_total=read, rows_read=read, rows_valid=valid, error_count=read - valid)
        return bad

    def _duplicate_problem(self, raw_key, first: int) -> tuple[Col, str, RowError]:
        sheet, row_no = self.sheet_names[first >> _ROW_BITS], first & ((1 << _ROW_BITS) - 1)
        where = f"{sheet} " if sheet else ""
        return self.key_column, raw_key, RowError(
            f"与{where}第 {row_no} 行重复", f"duplicates row {row_no} {where}".strip())

    def _check_existing(self, pending: list, reject) -> int:
        """Rows whose record already exists outside the importer's jurisdiction are errors (an
        upsert would move or overwrite someone else's record). Returns how many were rejected."""
        if not pending:
            return 0
        spec = self.spec
        region_field = spec.model._meta.get_field(spec.model.scope_region_field).attname
        existing = dict(spec.model.objects.filter(**{f"{spec.natural_key}__in": [p[0] for p in pending]})
                        .values_list(spec.natural_key, region_field))
        rejected = 0
        for db_key, row_key, raw_key in pending:
            region_id = existing.get(db_key)
            if region_id is not None and region_id not in self.allowed:
                reject(row_key, [(self.key_column, raw_key, RowError(
                    "该记录已登记在您辖区以外，不能通过导入修改", "this record is registered outside your jurisdiction"))])
                rejected += 1
        pending.clear()
        return rejected

    # -- pass 2 ------------------------------------------------------------------------------

    def stored_rows(self, bad: set[int]) -> Iterator[dict]:
        table = Table(self.path, self.matcher)
        for sheet_index, sheet in enumerate(table.sheets()):
            plan = _plan(self.spec, sheet, self.matcher)
            base = sheet_index << _ROW_BITS
            build, regions, region_column = self.spec.build, self.regions, self.spec.region_column
            for row_no, cells in sheet.rows:
                if _blank(cells) or base | row_no in bad:
                    continue
                values, problems = _parse(plan, cells)
                if problems:  # the stored upload cannot change between the passes
                    raise RuntimeError(f"row {row_no} changed between validation and writing")
                values["region_id"] = regions[values[region_column]][0]
                yield build(values)

    def write(self, bad: set[int]) -> int:
        spec, job, progress = self.spec, self.job, self.progress
        with transaction.atomic():
            rows = self.stored_rows(bad)
            first = next(rows)  # the validation pass found at least one valid row
            upsert = StagedUpsert(spec.model, list(first), spec.natural_key, keep=spec.keep_on_update,
                                  region_ids=self.allowed)
            writer = BatchWriter(upsert)
            writer.start()
            try:
                chunk = [tuple(first.values())]
                for stored in rows:
                    chunk.append(tuple(stored.values()))
                    if len(chunk) >= CHUNK_ROWS:
                        writer.put(chunk)
                        chunk = []
                        progress.set(rows_written=writer.written)
                writer.put(chunk)
            finally:
                written = writer.finish()  # re-raises the writer's error, which rolls everything back
            upsert.close()
            progress.close()  # no side update may follow: the job row is written below in this transaction
            touch_many(spec.model, upsert.cells)
            job.rows_written = written
            audit.record(job.created_by, spec.audit_action, job, object_repr=str(job), changes={
                "dataset": spec.dataset, "policy": job.policy, "rows_read": job.rows_read,
                "rows_valid": job.rows_valid, "rows_written": written, "error_count": job.error_count})
            _finish(job, JobStatus.SUCCEEDED, _written_message(job))
        return written


class BatchWriter(threading.Thread):
    """Merges batches on the importing connection, in its open transaction, while the importing thread
    encrypts the next batch: the database releases the GIL while it works, so the two overlap. Only
    this thread touches the connection until finish()."""

    def __init__(self, upsert: StagedUpsert):
        super().__init__(name="import-writer", daemon=True)
        self.upsert, self.batches = upsert, queue.Queue(maxsize=2)
        self.written, self.error = 0, None

    def put(self, batch: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                try:
                    self.written += self.upsert.merge(batch)
                except BaseException as exc:  # handed to the importing thread
                    self.error = exc

    def finish(self) -> int:
        self.batches.put(None)
        self.join()
        if self.error is not None:
            raise self.error
        return self.written


def _written_message(job: ImportJob) -> str:
    message = f"已导入 {job.rows_written} 行 / {job.rows_written} rows imported"
    if job.error_count:
        message += f"；跳过 {job.error_count} 行有误数据 / {job.error_count} invalid rows skipped"
    return message


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status, job.phase, job.message, job.finished_at = status, JobPhase.DONE, message, timezone.now()
    job.save(update_fields=["status", "phase", "message", "finished_at", "rows_total", "rows_read", "rows_valid",
                            "rows_written", "error_count", "error_file"])


def run(job: ImportJob, spec: ImportSpec, path: str, *, on_progress=None) -> ImportJob:
    """Runs (or re-runs, after a crash) a job to its end state. Never raises for bad input."""
    job.status, job.phase, job.started_at, job.finished_at, job.message = (
        JobStatus.RUNNING, JobPhase.VALIDATING, timezone.now(), None, "")
    job.heartbeat_at = job.started_at
    job.rows_total = job.rows_read = job.rows_valid = job.rows_written = job.error_count = 0
    job.error_file = ""
    job.save()
    progress = Progress(job, on_progress)
    errors = ErrorBook(prefix=f"import-{job.pk}-errors-")
    try:
        importer = ImportRun(job, spec, path, progress)
        try:
            bad = importer.validate(errors)
        finally:
            error_path = errors.close()
        if error_path:
            with open(error_path, "rb") as fh:
                job.error_file.save(f"job-{job.pk}-errors.xlsx", File(fh), save=False)
        if not job.rows_read:
            _finish(job, JobStatus.FAILED, "文件中没有数据行 / the file has no data rows")
        elif job.error_count and job.policy == ImportPolicy.REJECT:
            _finish(job, JobStatus.REJECTED, f"{job.error_count} 行有误，整个文件未导入 / "
                                             f"{job.error_count} invalid rows: nothing was imported")
        elif not job.rows_valid:
            _finish(job, JobStatus.REJECTED, "没有有效的数据行 / no valid rows to import")
        else:
            progress.set(force=True, phase=JobPhase.WRITING)
            importer.write(bad)
    except (FileError, UnicodeDecodeError, csv.Error) as exc:
        zh, en = _message(exc) if isinstance(exc, FileError) else (
            "文件无法读取（编码或格式有误）", f"the file cannot be read ({str(exc)[:200]})")
        job.rows_written = 0
        _finish(job, JobStatus.FAILED, f"{zh} / {en}")
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.rows_written = 0
        _finish(job, JobStatus.FAILED, "导入失败，未写入任何数据 / the import failed; nothing was written")
    finally:
        progress.close()
        errors.discard()
    return job
