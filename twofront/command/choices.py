from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Group leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for rework")
    CANCELLED = "cancelled", _("Cancelled")


class TaskSource(models.TextChoices):
    MANUAL = "manual", _("Assigned directly")
    CONSULTATION = "consultation", _("Consultation decision")
    INSPECTION = "inspection", _("Inspection finding")


class ProgressKind(models.TextChoices):
    PROGRESS = "progress", _("Progress")
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")
    ESCALATE = "escalate", _("Escalated")
    EXTEND = "extend", _("Deadline extended")
    CANCEL = "cancel", _("Cancelled")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    MEDIUM = "medium", _("Serious")
    HIGH = "high", _("Grave")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")


class IncidentLevel(models.TextChoices):
    I = "1", _("Level I (especially grave)")  # noqa: E741
    II = "2", _("Level II (grave)")
    III = "3", _("Level III (serious)")
    IV = "4", _("Level IV (ordinary)")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    CLOSED = "closed", _("Closed")
