"""Supervision and inspection (督促检查): tasks issued by a command post to a unit below it (or to one of its
officials), with a deadline; the assignee reports progress with evidence and submits the work; the issuer
accepts it or returns it with a reason. Past the deadline an unfinished task is overdue, and the periodic
job `escalate_overdue_tasks` raises it one level up the region tree every few days. Inspections record
findings that become rectification tasks; consultation decisions become tasks too.

    assigned ──progress──▶ in_progress ──submit──▶ submitted ──accept──▶ accepted
        │                      ▲                       │
        └───────submit─────────┼───────────────────────┤
                               └──progress── returned ◀┘ return (with a reason)

Who acts: the issuer side are the officials whose jurisdiction contains the issuing region; the assignee
side are those whose jurisdiction contains the assigned unit but not the issuing region (or, when the task
names a person, that person alone). Both sides see the task (scope_region_field is the pair).
"""

import datetime
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.command.choices import ProgressKind, Severity, TaskSource, TaskStatus
from twofront.command.models import Decision, Finding, Inspection, SupervisionTask, TaskProgress
from twofront.command.services.groups import clean_text
from twofront.core import audit, scope
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region, User

ISSUE, REPORT, REVIEW = ("command.add_supervisiontask", "command.report_supervisiontask",
                         "command.review_supervisiontask")
# The assignee's turn: these count as overdue once the deadline has passed.
OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)
# Not settled yet: the issuer may still extend the deadline or cancel the task.
UNSETTLED_STATUSES = (*OPEN_STATUSES, TaskStatus.SUBMITTED)
MAX_DEADLINE_DAYS = 180
DEFAULT_ESCALATION_STEP_DAYS = 3
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Evidence by extension and the first bytes its content must start with (a renamed file is refused).
EVIDENCE_TYPES = {".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",), ".webp": (b"RIFF",),
                  ".pdf": (b"%PDF",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",)}
TASK_FIELDS = ["title", "description", "issuer_region_id", "assignee_region_id", "assignee_id", "deadline",
               "source", "decision_id", "finding_id"]


def escalation_step_days() -> int:
    """Days between escalations of an overdue task: settings.TWOFRONT_ESCALATION_STEP_DAYS, 3 by default."""
    return max(int(getattr(settings, "TWOFRONT_ESCALATION_STEP_DAYS", DEFAULT_ESCALATION_STEP_DAYS)), 1)


# Who acts for which side -------------------------------------------------------------------------------

def _regions(user, permission: str) -> list[Region]:
    return [a.region for a in scope.granting(user, permission) if a.region_id]


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def acts_as_issuer(user, task: SupervisionTask, permission: str = REVIEW) -> bool:
    return _is_superuser(user) or any(task.issuer_region.path.startswith(r.path) for r in _regions(user, permission))


def acts_as_assignee(user, task: SupervisionTask) -> bool:
    if _is_superuser(user):
        return True
    if task.assignee_id:
        return task.assignee_id == user.pk and scope.covers(user, REPORT, region=task.assignee_region)
    return any(task.assignee_region.path.startswith(r.path) and not task.issuer_region.path.startswith(r.path)
               for r in _regions(user, REPORT))


def default_issuer_region(user, assignee_region: Region) -> Region | None:
    """The command post the user issues from: their broadest region strictly above the assigned unit."""
    if _is_superuser(user):
        return Region.objects.filter(code=assignee_region.ancestor_codes[0]).first()
    candidates = [r for r in _regions(user, ISSUE)
                  if assignee_region.path.startswith(r.path) and r.pk != assignee_region.pk]
    return min(candidates, key=lambda r: r.depth, default=None)


def assignable_people(assignee_region: Region) -> QuerySet:
    """Officials who may be named on a task for this unit: they report for it and work in it."""
    users = User.objects.filter(is_active=True, role_assignments__region__path__startswith=assignee_region.path)
    return users.distinct().order_by("display_name", "username")


# Reads shared by pages and API -------------------------------------------------------------------------

def is_overdue(task: SupervisionTask, today: datetime.date | None = None) -> bool:
    return task.status in OPEN_STATUSES and task.deadline < (today or timezone.localdate())


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=today or timezone.localdate())


def escalation_region(task: SupervisionTask) -> Region | None:
    """Where an escalated task has surfaced: `escalation_level` levels above the assigned unit."""
    if not task.escalation_level:
        return None
    codes = task.assignee_region.ancestor_codes
    return Region.objects.filter(code=codes[max(len(codes) - 1 - task.escalation_level, 0)]).first()


def escalated_to_q(user) -> Q | None:
    """Tasks escalated up to one of the user's levels (None: every escalated task, for a superuser)."""
    if _is_superuser(user):
        return Q(escalation_level__gt=0)
    parts = [Q(assignee_region__path__startswith=r.path, assignee_region__depth__gt=r.depth, escalation_level__gt=0,
               escalation_level__gte=F("assignee_region__depth") - r.depth)
             for r in _regions(user, "command.view_supervisiontask")]
    if not parts:
        return Q(pk__in=[])
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


# Writes ------------------------------------------------------------------------------------------------

def _check_deadline(deadline: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if not isinstance(deadline, datetime.date) or not today <= deadline <= today + datetime.timedelta(
            days=MAX_DEADLINE_DAYS):
        raise field_error("deadline", _("Choose a day from today to %(n)s days ahead.") % {"n": MAX_DEADLINE_DAYS})
    return deadline


def _check_evidence(evidence) -> None:
    if evidence is None:
        return
    extension = os.path.splitext(evidence.name or "")[1].lower()
    if extension not in EVIDENCE_TYPES:
        raise field_error("evidence", _("Attach a photo (JPEG, PNG, WebP), a PDF, DOCX or XLSX file."))
    if not evidence.size or evidence.size > EVIDENCE_MAX_BYTES:
        raise field_error("evidence", _("Attach a file of at most %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // 2**20})
    evidence.seek(0)
    head = evidence.read(8)
    evidence.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[extension]):
        raise field_error("evidence", _("The file's content does not match its type."))


def _record(actor, action: str, task: SupervisionTask, changes: dict, reason: str = ""):
    # The task is scoped by two regions; its events belong to the assigned unit, which the issuer's
    # jurisdiction contains, so auditors of both levels find them.
    return audit.record(actor, action, task, changes=changes, reason=reason, region=task.assignee_region)


@transaction.atomic
def create_task(*, actor, title: str, assignee_region: Region | None, deadline: datetime.date | None,
                description: str = "", assignee: User | None = None, issuer_region: Region | None = None,
                decision: Decision | None = None, finding: Finding | None = None) -> SupervisionTask:
    """Issue a task to a unit below the issuing command post (and optionally to one of its officials).
    A consultation decision's task is issued by the consultation's region; an inspection finding's task
    goes to the inspected region or a unit in it."""
    if not scope.has_permission_anywhere(actor, ISSUE):
        raise PermissionDenied(ISSUE)
    if assignee_region is None:
        raise field_error("assignee_region", _("Choose the unit the task is assigned to."))
    source = TaskSource.MANUAL
    if decision is not None:
        scope.require(actor, "command.change_consultation", decision.consultation)
        issuer_region, source = decision.consultation.region, TaskSource.CONSULTATION
    if finding is not None:
        scope.require(actor, "command.change_inspection", finding.inspection)
        if not assignee_region.path.startswith(finding.inspection.region.path):
            raise field_error("assignee_region", _("Assign the rectification to the inspected region or a unit in it."))
        source = TaskSource.INSPECTION
    issuer_region = issuer_region or default_issuer_region(actor, assignee_region)
    if issuer_region is None:
        raise PermissionDenied(ISSUE)
    scope.require(actor, ISSUE, region=issuer_region)
    if not assignee_region.path.startswith(issuer_region.path) or assignee_region.pk == issuer_region.pk:
        raise field_error("assignee_region", _("Assign the task to a unit below %(region)s.")
                          % {"region": issuer_region.name})
    if assignee is not None and not assignable_people(assignee_region).filter(pk=assignee.pk).exists():
        raise field_error("assignee", _("Choose an official of the assigned unit."))
    task = SupervisionTask.objects.create(
        title=clean_text(title, "title", required=True, max_length=200),
        description=clean_text(description, "description", max_length=4000),
        issuer_region=issuer_region, assignee_region=assignee_region, assignee=assignee,
        deadline=_check_deadline(deadline), source=source, decision=decision, finding=finding, created_by=actor)
    _record(actor, "command.task.assigned", task, audit.diff({}, audit.snapshot(task, TASK_FIELDS)))
    return task


def _locked(task: SupervisionTask) -> SupervisionTask:
    return (SupervisionTask.objects.select_for_update().select_related("issuer_region", "assignee_region")
            .get(pk=task.pk))


def _expect(task: SupervisionTask, *statuses: str) -> None:
    if task.status not in statuses:
        raise Conflict(_("The task is %(status)s; this step is not possible now.")
                       % {"status": task.get_status_display()})


def _require_side(actor, task: SupervisionTask, permission: str, side) -> None:
    scope.require(actor, permission, task)  # covers either region
    if not side(actor, task):
        raise PermissionDenied(permission)


def _feedback(task: SupervisionTask, *, actor, kind: str, note: str, evidence, to: str) -> TaskProgress:
    before = task.status
    entry = TaskProgress(task=task, kind=kind, note=note, by=actor)
    if evidence is not None:
        entry.evidence = evidence
    entry.save()
    task.status = to
    task.save(update_fields=["status"])
    changes = {"note": note, "evidence": entry.evidence.name or None}
    if before != to:
        changes["status"] = [before, to]
    _record(actor, f"command.task.{'progress_reported' if kind == ProgressKind.PROGRESS else 'submitted'}", task,
            changes)
    return entry


@transaction.atomic
def report_progress(task: SupervisionTask, *, actor, note: str, evidence=None) -> TaskProgress:
    """The assignee reports how far the work has come (a photo or document optional)."""
    _require_side(actor, task, REPORT, acts_as_assignee)
    note = clean_text(note, "note", required=True, max_length=4000)
    _check_evidence(evidence)
    task = _locked(task)
    _expect(task, *OPEN_STATUSES)
    return _feedback(task, actor=actor, kind=ProgressKind.PROGRESS, note=note, evidence=evidence,
                     to=TaskStatus.IN_PROGRESS)


@transaction.atomic
def submit_task(task: SupervisionTask, *, actor, note: str, evidence=None) -> TaskProgress:
    """The assignee reports the work done and asks the issuer to accept it; evidence must be attached now
    or with an earlier progress report."""
    _require_side(actor, task, REPORT, acts_as_assignee)
    note = clean_text(note, "note", required=True, max_length=4000)
    _check_evidence(evidence)
    task = _locked(task)
    _expect(task, *OPEN_STATUSES)
    if evidence is None and not task.progress.exclude(evidence="").exists():
        raise field_error("evidence", _("Attach evidence of the work done (a photo or document)."))
    return _feedback(task, actor=actor, kind=ProgressKind.SUBMIT, note=note, evidence=evidence,
                     to=TaskStatus.SUBMITTED)


@transaction.atomic
def accept_task(task: SupervisionTask, *, actor, note: str = "") -> SupervisionTask:
    _require_side(actor, task, REVIEW, acts_as_issuer)
    note = clean_text(note, "note", max_length=4000)
    task = _locked(task)
    _expect(task, TaskStatus.SUBMITTED)
    task.status, task.accepted_at = TaskStatus.ACCEPTED, timezone.now()
    task.save(update_fields=["status", "accepted_at"])
    TaskProgress.objects.create(task=task, kind=ProgressKind.ACCEPT, note=note, by=actor)
    _record(actor, "command.task.accepted", task, {"status": [TaskStatus.SUBMITTED, TaskStatus.ACCEPTED],
                                                   "note": note})
    return task


@transaction.atomic
def return_task(task: SupervisionTask, *, actor, reason: str) -> SupervisionTask:
    _require_side(actor, task, REVIEW, acts_as_issuer)
    reason = clean_text(reason, "reason", required=True, max_length=4000)
    task = _locked(task)
    _expect(task, TaskStatus.SUBMITTED)
    task.status = TaskStatus.RETURNED
    task.save(update_fields=["status"])
    TaskProgress.objects.create(task=task, kind=ProgressKind.RETURN, note=reason, by=actor)
    _record(actor, "command.task.returned", task, {"status": [TaskStatus.SUBMITTED, TaskStatus.RETURNED]},
            reason=reason)
    return task


@transaction.atomic
def extend_deadline(task: SupervisionTask, *, actor, deadline: datetime.date | None, reason: str) -> SupervisionTask:
    """The issuer moves the deadline later, with a reason. A task escalated for being overdue comes back down to
    its unit: the new deadline is today or later, so it is overdue no more (escalation resumes if it passes)."""
    _require_side(actor, task, REVIEW, acts_as_issuer)
    reason = clean_text(reason, "reason", required=True, max_length=4000)
    deadline = _check_deadline(deadline)
    task = _locked(task)
    _expect(task, *UNSETTLED_STATUSES)
    if deadline <= task.deadline:
        raise field_error("deadline", _("Choose a day after the current deadline, %(day)s.") % {"day": task.deadline})
    before = {"deadline": task.deadline.isoformat(), "escalation_level": task.escalation_level}
    task.deadline, task.escalation_level = deadline, 0
    task.save(update_fields=["deadline", "escalation_level"])
    note = _("Deadline moved from %(old)s to %(new)s: %(reason)s") % {
        "old": before["deadline"], "new": deadline.isoformat(), "reason": reason}
    TaskProgress.objects.create(task=task, kind=ProgressKind.EXTEND, note=note, by=actor)
    _record(actor, "command.task.extended", task, {"deadline": [before["deadline"], deadline.isoformat()],
                                                   "escalation_level": [before["escalation_level"], 0]},
            reason=reason)
    return task


@transaction.atomic
def cancel_task(task: SupervisionTask, *, actor, reason: str) -> SupervisionTask:
    """The issuer withdraws a task that is no longer needed, with a reason: it stops counting as open or overdue
    and leaves the levels it was escalated to. Accepted or cancelled tasks stay as they are."""
    _require_side(actor, task, REVIEW, acts_as_issuer)
    reason = clean_text(reason, "reason", required=True, max_length=4000)
    task = _locked(task)
    _expect(task, *UNSETTLED_STATUSES)
    before = {"status": task.status, "escalation_level": task.escalation_level}
    task.status, task.escalation_level = TaskStatus.CANCELLED, 0
    task.save(update_fields=["status", "escalation_level"])
    TaskProgress.objects.create(task=task, kind=ProgressKind.CANCEL, note=reason, by=actor)
    _record(actor, "command.task.cancelled", task, {"status": [before["status"], TaskStatus.CANCELLED],
                                                    "escalation_level": [before["escalation_level"], 0]},
            reason=reason)
    return task


def due_level(task: SupervisionTask, today: datetime.date) -> int:
    """The escalation level an open task should have today: 1 the day after the deadline, one more every
    escalation_step_days(), never above the city."""
    late = (today - task.deadline).days
    if task.status not in OPEN_STATUSES or late <= 0:
        return 0
    return min(1 + (late - 1) // escalation_step_days(), task.assignee_region.depth)


def escalate_overdue_tasks(*, today: datetime.date | None = None) -> int:
    """Raises the escalation level of every overdue task that is due for it; returns how many were raised.
    Idempotent: a second run on the same day finds nothing to do. Each task is escalated in its own
    transaction with one progress entry and one audit event (source "task", no actor)."""
    today = today or timezone.localdate()
    raised = 0
    candidates = SupervisionTask.objects.filter(overdue_q(today)).select_related("assignee_region")
    for task in candidates.iterator(chunk_size=500):
        if due_level(task, today) > task.escalation_level:
            raised += _escalate(task, today)
    return raised


@transaction.atomic
def _escalate(task: SupervisionTask, today: datetime.date) -> int:
    task = _locked(task)  # a concurrent worker, or the assignee submitting, may have come first
    level = due_level(task, today)
    if level <= task.escalation_level:
        return 0
    before, task.escalation_level = task.escalation_level, level
    task.save(update_fields=["escalation_level"])
    region = escalation_region(task)
    days = (today - task.deadline).days
    note = _("Overdue by %(days)s days; escalated to %(region)s.") % {"days": days, "region": region.name}
    TaskProgress.objects.create(task=task, kind=ProgressKind.ESCALATE, note=note, by=None)
    _record(None, "command.task.escalated", task, {"escalation_level": [before, level],
                                                   "escalated_to": region.code, "days_overdue": days})
    return 1


# Inspections -------------------------------------------------------------------------------------------

INSPECTION_FIELDS = ["title", "inspected_on", "inspectors", "summary"]


def _inspection_fields(*, title, inspected_on, inspectors, summary) -> dict:
    today = timezone.localdate()
    if not isinstance(inspected_on, datetime.date) or not datetime.date(2019, 12, 1) <= inspected_on <= today:
        raise field_error("inspected_on", _("Enter a day from December 2019 to today."))
    return {"title": clean_text(title, "title", required=True, max_length=200), "inspected_on": inspected_on,
            "inspectors": clean_text(inspectors, "inspectors", max_length=200),
            "summary": clean_text(summary, "summary", max_length=8000)}


@transaction.atomic
def record_inspection(*, actor, region: Region, title: str, inspected_on: datetime.date, inspectors: str = "",
                      summary: str = "", findings=()) -> Inspection:
    """An inspection of a region by a command post above it (or by the region's own post), with findings
    as (description, severity) pairs."""
    scope.require(actor, "command.add_inspection", region=region)
    fields = _inspection_fields(title=title, inspected_on=inspected_on, inspectors=inspectors, summary=summary)
    rows = [_finding_fields(description, severity) for description, severity in findings or ()]
    inspection = Inspection.objects.create(region=region, created_by=actor, **fields)
    Finding.objects.bulk_create([Finding(inspection=inspection, **row) for row in rows])
    audit.record(actor, "command.inspection.recorded", inspection,
                 changes={**audit.diff({}, audit.snapshot(inspection, INSPECTION_FIELDS)),
                          "findings": [row["description"] for row in rows]})
    return inspection


def _finding_fields(description, severity) -> dict:
    if severity not in Severity.values:
        raise field_error("severity", _("Choose a listed severity."))
    return {"description": clean_text(description, "description", required=True, max_length=2000),
            "severity": severity}


@transaction.atomic
def add_finding(inspection: Inspection, *, actor, description: str, severity: str = Severity.MEDIUM) -> Finding:
    scope.require(actor, "command.change_inspection", inspection)
    finding = Finding.objects.create(inspection=inspection, **_finding_fields(description, severity))
    audit.record(actor, "command.inspection.finding_added", inspection,
                 changes={"finding": finding.pk, "description": finding.description, "severity": severity})
    return finding
