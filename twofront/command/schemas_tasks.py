"""API schemas of the command centre's tasks area: work groups, consultations, supervision tasks, inspections."""

import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.command.choices import MemberRole, Severity, TaskSource, TaskStatus

PLAIN = r"^[^\x00-\x1f]*$"  # one line: no control characters
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"  # several lines: line breaks and tabs allowed
ID = {"ge": 1, "le": 2**63 - 1}
CODE = {"min_length": 1, "max_length": 20, "pattern": r"^\d+$"}


class RegionRefOut(Schema):
    code: str
    name: str


# Work groups -------------------------------------------------------------------------------------------

class MemberOut(Schema):
    id: int
    name: str
    department: str
    position: str
    role: MemberRole
    username: str | None = Field(None, alias="user.username", description="the linked account, if any")


class WorkGroupOut(Schema):
    id: int
    name: str
    remit: str
    leading: bool = Field(..., description="the region's leading group (领导小组)")
    region: RegionRefOut
    member_count: int = 0


class WorkGroupDetailOut(WorkGroupOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(group) -> list:
        return list(group.members.all())

    @staticmethod
    def resolve_member_count(group) -> int:
        return len(group.members.all())


class WorkGroupCreateIn(Schema):
    region_code: str = Field(..., **CODE)
    name: str = Field(..., min_length=1, max_length=64, pattern=PLAIN)
    remit: str = Field("", max_length=4000, pattern=TEXT)
    leading: bool = False


class WorkGroupUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=64, pattern=PLAIN)
    remit: str | None = Field(None, max_length=4000, pattern=TEXT)
    leading: bool | None = None


class WorkGroupFilter(Schema):
    region: str | None = Field(None, **CODE)
    q: str | None = Field(None, max_length=64, pattern=PLAIN)


class MemberIn(Schema):
    name: str = Field("", max_length=64, pattern=PLAIN, description="default: the linked account's name")
    department: str = Field("", max_length=128, pattern=PLAIN)
    position: str = Field("", max_length=64, pattern=PLAIN)
    role: MemberRole = MemberRole.MEMBER
    username: str | None = Field(None, min_length=1, max_length=150, pattern=PLAIN,
                                 description="link an official's account (of the group's region)")


# Consultations -----------------------------------------------------------------------------------------

class TaskRefOut(Schema):
    id: int
    title: str
    status: TaskStatus
    assignee_region: RegionRefOut
    deadline: datetime.date


class DecisionOut(Schema):
    id: int
    order: int
    text: str
    tasks: list[TaskRefOut]

    @staticmethod
    def resolve_tasks(decision) -> list:
        return list(decision.tasks.all())


class ConsultationOut(Schema):
    id: int
    title: str
    held_at: datetime.datetime
    location: str
    region: RegionRefOut
    summary: str
    attendee_names: str
    decision_count: int = 0
    task_count: int = 0


class ConsultationDetailOut(ConsultationOut):
    attendees: list[str]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_attendees(consultation) -> list[str]:
        return [u.get_username() for u in consultation.attendees.all()]

    @staticmethod
    def resolve_decisions(consultation) -> list:
        return list(consultation.decisions.all())

    @staticmethod
    def resolve_decision_count(consultation) -> int:
        return len(consultation.decisions.all())

    @staticmethod
    def resolve_task_count(consultation) -> int:
        return sum(len(d.tasks.all()) for d in consultation.decisions.all())


class ConsultationCreateIn(Schema):
    region_code: str = Field(..., **CODE)
    title: str = Field(..., min_length=1, max_length=200, pattern=PLAIN)
    held_at: datetime.datetime
    location: str = Field("", max_length=128, pattern=PLAIN)
    attendees: list[str] = Field(default_factory=list, max_length=200, description="usernames of officials")
    attendee_names: str = Field("", max_length=2000, pattern=TEXT, description="attendees without an account")
    summary: str = Field("", max_length=8000, pattern=TEXT)
    decisions: list[str] = Field(default_factory=list, max_length=50)


class ConsultationUpdateIn(Schema):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=PLAIN)
    held_at: datetime.datetime | None = None
    location: str | None = Field(None, max_length=128, pattern=PLAIN)
    attendees: list[str] | None = Field(None, max_length=200)
    attendee_names: str | None = Field(None, max_length=2000, pattern=TEXT)
    summary: str | None = Field(None, max_length=8000, pattern=TEXT)


class ConsultationFilter(Schema):
    region: str | None = Field(None, **CODE)
    q: str | None = Field(None, max_length=64, pattern=PLAIN)


class DecisionIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000, pattern=TEXT)


# Supervision tasks -------------------------------------------------------------------------------------

class ProgressOut(Schema):
    id: int
    kind: str
    note: str
    by: str | None = Field(None, alias="by.username")
    at: datetime.datetime
    evidence_name: str | None = None
    evidence_url: str | None = Field(None, description="download (signed-in session)")

    @staticmethod
    def resolve_evidence_name(entry) -> str | None:
        return entry.evidence.name.rsplit("/", 1)[-1] if entry.evidence else None

    @staticmethod
    def resolve_evidence_url(entry) -> str | None:
        from django.urls import reverse

        return reverse("supervision_evidence", args=[entry.task_id, entry.pk]) if entry.evidence else None


class TaskOut(Schema):
    id: int
    title: str
    description: str
    status: TaskStatus
    source: TaskSource
    issuer_region: RegionRefOut
    assignee_region: RegionRefOut
    assignee: str | None = Field(None, alias="assignee.username")
    deadline: datetime.date
    overdue: bool = False
    escalation_level: int
    decision_id: int | None
    finding_id: int | None
    created_at: datetime.datetime
    accepted_at: datetime.datetime | None

    @staticmethod
    def resolve_overdue(task) -> bool:
        from twofront.command.services.supervision import is_overdue

        return is_overdue(task)


class TaskDetailOut(TaskOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(task) -> list:
        return list(task.progress.all())


class TaskFieldsIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, pattern=PLAIN)
    description: str = Field("", max_length=4000, pattern=TEXT)
    assignee_region_code: str = Field(..., **CODE, description="the unit the task is assigned to")
    assignee: str | None = Field(None, min_length=1, max_length=150, pattern=PLAIN,
                                 description="username of one official of that unit (optional)")
    deadline: datetime.date


class TaskCreateIn(TaskFieldsIn):
    issuer_region_code: str | None = Field(None, **CODE, description="default: my command post above the unit")


class TaskFilter(Schema):
    box: Literal["mine", "issued", "overdue", "all"] = Field(
        "all", description="mine: assigned to my unit or me; issued: by my command post; overdue: past the deadline")
    status: TaskStatus | None = None
    source: TaskSource | None = None
    region: str | None = Field(None, **CODE, description="assigned unit (and below)")
    q: str | None = Field(None, max_length=64, pattern=PLAIN)
    escalated: bool | None = Field(None, description="true: escalated up to my level")


class AcceptIn(Schema):
    note: str = Field("", max_length=4000, pattern=TEXT)


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000, pattern=TEXT)


class ExtendIn(Schema):
    deadline: datetime.date
    reason: str = Field(..., min_length=1, max_length=4000, pattern=TEXT)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000, pattern=TEXT)


class OverdueRegionOut(Schema):
    code: str = Field(..., alias="assignee_region__code")
    name: str = Field(..., alias="assignee_region__name")
    overdue: int = Field(..., alias="n")


class OverdueSummaryOut(Schema):
    overdue: int
    escalated_to_me: int
    by_region: list[OverdueRegionOut]


# Inspections -------------------------------------------------------------------------------------------

class FindingOut(Schema):
    id: int
    description: str
    severity: Severity
    tasks: list[TaskRefOut]

    @staticmethod
    def resolve_tasks(finding) -> list:
        return list(finding.tasks.all())


class InspectionOut(Schema):
    id: int
    title: str
    region: RegionRefOut
    inspected_on: datetime.date
    inspectors: str
    summary: str
    finding_count: int = 0
    task_count: int = 0


class InspectionDetailOut(InspectionOut):
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(inspection) -> list:
        return list(inspection.findings.all())

    @staticmethod
    def resolve_finding_count(inspection) -> int:
        return len(inspection.findings.all())

    @staticmethod
    def resolve_task_count(inspection) -> int:
        return sum(len(f.tasks.all()) for f in inspection.findings.all())


class FindingIn(Schema):
    description: str = Field(..., min_length=1, max_length=2000, pattern=TEXT)
    severity: Severity = Severity.MEDIUM


class InspectionCreateIn(Schema):
    region_code: str = Field(..., **CODE, description="the inspected region")
    title: str = Field(..., min_length=1, max_length=200, pattern=PLAIN)
    inspected_on: datetime.date
    inspectors: str = Field("", max_length=200, pattern=PLAIN)
    summary: str = Field("", max_length=8000, pattern=TEXT)
    findings: list[FindingIn] = Field(default_factory=list, max_length=100)


class InspectionFilter(Schema):
    region: str | None = Field(None, **CODE)
    q: str | None = Field(None, max_length=64, pattern=PLAIN)
