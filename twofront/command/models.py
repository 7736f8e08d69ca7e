"""The command centre (疫情防控强力中枢): work groups, consultations, supervision, information reports,
incidents and daily briefings. Duty rosters use core.DutyShift."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.command.choices import (
    IncidentLevel,
    IncidentStatus,
    MemberRole,
    ProgressKind,
    ReportStatus,
    Severity,
    TaskSource,
    TaskStatus,
)
from twofront.core.models import ScopedQuerySet


class WorkGroup(models.Model):
    """One of the leading group's special work groups (专项工作小组)."""

    name = models.CharField(_("name"), max_length=64)
    remit = models.TextField(_("remit"), blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    # The leading group (领导小组) heads a region's command structure; the special work groups sit under it.
    leading = models.BooleanField(_("leading group"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-leading", "name"]
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.UniqueConstraint(fields=["region"], condition=Q(leading=True),
                                    name="%(app_label)s_%(class)s_one_leading_group"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkGroupMember(models.Model):
    group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=64)
    department = models.CharField(_("seconded from (department)"), max_length=128, blank=True)
    position = models.CharField(_("position"), max_length=64, blank=True)
    role = models.CharField(_("role in group"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        ordering = ["group", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], condition=Q(user__isnull=False),
                                    name="%(app_label)s_%(class)s_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.group})"


class Consultation(models.Model):
    """工作会商: a meeting with attendees and decisions that become supervision tasks."""

    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    location = models.CharField(_("location"), max_length=128, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                       verbose_name=_("attendees"))
    attendee_names = models.TextField(_("other attendees"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Inspection(models.Model):
    """督促检查: an inspection whose findings become rectification tasks."""

    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("inspected region"))
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-inspected_on"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("finding"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)

    def __str__(self) -> str:
        return self.description[:50]


class SupervisionTask(models.Model):
    """A task assigned to a region's command post (a unit) or a person, with a deadline, feedback,
    evidence, acceptance or return, and escalation when overdue."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    issuer_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("issued by (region)"))
    assignee_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("assigned to (unit)"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="supervision_tasks", verbose_name=_("assigned to (person)"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    source = models.CharField(_("source"), max_length=16, choices=TaskSource.choices, default=TaskSource.MANUAL)
    decision = models.ForeignKey(Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # The issuing level and the assigned unit both see the task.
    scope_region_field = ("issuer_region", "assignee_region")

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("supervision task")
        verbose_name_plural = _("supervision tasks")
        indexes = [models.Index(fields=["status", "deadline"], name="command_task_status_deadline")]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.Model):
    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="progress")
    kind = models.CharField(_("kind"), max_length=16, choices=ProgressKind.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="tasks/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind}"


class InformationReport(models.Model):
    """信息报送: a district command post's daily report upward; figures pre-filled from metrics."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"), default=dict)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # Lateness is judged by the first submission: a report returned for correction and resubmitted
    # after the deadline was still on time if it first came in before it.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    figures_read_at = models.DateTimeField(_("figures read at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-day", "region"]
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="%(app_label)s_%(class)s_one_a_day")]

    def __str__(self) -> str:
        return f"{self.region} {self.day}"


class Incident(models.Model):
    """应急处置: an emergency with its level, place, time line, people assigned and closure."""

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=2, choices=IncidentLevel.choices, default=IncidentLevel.IV)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    place = models.CharField(_("place"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                      verbose_name=_("people assigned"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [models.CheckConstraint(condition=Q(status="open") | Q(closed_at__isnull=False),
                                              name="%(app_label)s_%(class)s_closed_has_time")]

    def __str__(self) -> str:
        return self.title


class IncidentAction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("action"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%H:%M}"


class Briefing(models.Model):
    """A generated daily briefing (XLSX and PDF) for a region and day."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    day = models.DateField(_("day"))
    xlsx = models.FileField(upload_to="briefings/%Y/%m/", blank=True)
    pdf = models.FileField(upload_to="briefings/%Y/%m/", blank=True)
    generated_at = models.DateTimeField(auto_now=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily briefing")
        verbose_name_plural = _("daily briefings")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="%(app_label)s_%(class)s_one_a_day")]

    def __str__(self) -> str:
        return f"{self.region} {self.day}"
