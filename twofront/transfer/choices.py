from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportPolicy(models.TextChoices):
    REJECT = "reject", _("Reject the whole file if any row is invalid")
    VALID = "valid", _("Import the valid rows, skip the invalid ones")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")


class JobPhase(models.TextChoices):
    WAITING = "", _("Waiting")
    VALIDATING = "validating", _("Validating")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.REJECTED)
