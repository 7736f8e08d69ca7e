import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.models import ScopedQuerySet
from twofront.transfer.choices import FINISHED, ImportPolicy, JobPhase, JobStatus


class ImportJob(models.Model):
    """One uploaded file imported into one dataset; the counters are its live progress."""

    dataset = models.CharField(_("dataset"), max_length=64)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    policy = models.CharField(_("policy"), max_length=16, choices=ImportPolicy.choices, default=ImportPolicy.REJECT)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(_("phase"), max_length=16, choices=JobPhase.choices, default=JobPhase.WAITING,
                             blank=True)
    # Expected data rows: estimated from the bytes read while a CSV is validated, exact afterwards.
    rows_total = models.PositiveIntegerField(_("rows expected"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error_count = models.PositiveIntegerField(_("invalid rows"), default=0)
    error_file = models.FileField(_("error workbook"), upload_to="imports/errors/%Y/%m/", blank=True, max_length=255)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written with the counters while the job runs: a running job silent for long had its worker die.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["created_by", "dataset", "-created_at"], name="transfer_job_owner")]
        constraints = [
            models.CheckConstraint(condition=Q(rows_valid__lte=F("rows_read")),
                                   name="%(app_label)s_%(class)s_valid_within_read"),
            models.CheckConstraint(condition=Q(rows_written__lte=F("rows_valid")),
                                   name="%(app_label)s_%(class)s_written_within_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} #{self.pk} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def stalled(self) -> bool:
        """Running, but nothing heard from it for TWOFRONT_IMPORT_STALLED_AFTER_SECONDS: its worker was killed
        (nothing of the file is stored then: the write is one transaction), and it can be run again."""
        if self.status != JobStatus.RUNNING:
            return False
        seconds = settings.TWOFRONT_IMPORT_STALLED_AFTER_SECONDS
        last = self.heartbeat_at or self.started_at or self.created_at
        return last is not None and timezone.now() - last > datetime.timedelta(seconds=seconds)

    @property
    def percent(self) -> int | None:
        """How far the current phase is; None while it cannot be told (SQLite writes in one locked step)."""
        if self.phase == JobPhase.VALIDATING and self.rows_total:
            return min(99, self.rows_read * 100 // self.rows_total)
        if self.phase == JobPhase.WRITING and self.rows_written and self.rows_valid:
            return min(99, self.rows_written * 100 // self.rows_valid)
        if self.is_finished:
            return 100
        return None
