"""Supervision and inspection (督促检查): tasks issued down the region tree, progress with evidence,
acceptance or return, overdue tasks; inspections whose findings become rectification tasks."""

from django.http import Http404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from twofront.command import selectors_tasks as selectors
from twofront.command.models import Finding, Inspection, SupervisionTask
from twofront.command.schemas_tasks import (
    AcceptIn,
    CancelIn,
    ExtendIn,
    FindingIn,
    FindingOut,
    InspectionCreateIn,
    InspectionDetailOut,
    InspectionFilter,
    InspectionOut,
    OverdueSummaryOut,
    ProgressOut,
    ReturnIn,
    TaskCreateIn,
    TaskDetailOut,
    TaskFieldsIn,
    TaskFilter,
    TaskOut,
)
from twofront.command.services import supervision as services
from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region, User

router = Router(tags=["command"])


def region_or_422(code: str | None, field: str) -> Region | None:
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise field_error(field, "区划代码不存在 / unknown division code")
    return region


def user_or_422(username: str | None, field: str) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise field_error(field, "账号不存在 / unknown account")
    return user


def task_or_404(request, task_id: int) -> SupervisionTask:
    return scope.get_visible_or_404(selectors.task_detail(request.user), request.user, pk=task_id)


def _inspection(request, inspection_id: int) -> Inspection:
    return scope.get_visible_or_404(selectors.inspection_detail(request.user), request.user, pk=inspection_id)


def task_fields(data) -> dict:
    return {"title": data.title, "description": data.description, "deadline": data.deadline,
            "assignee_region": region_or_422(data.assignee_region_code, "assignee_region_code"),
            "assignee": user_or_422(data.assignee, "assignee")}


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, operation_id="command_tasks_list",
            summary="Supervision tasks I see: assigned to my unit, issued by my command post, overdue")
@paginate(LimitOffsetPagination)
def list_tasks(request, filters: Query[TaskFilter]):
    selectors.require_view(request.user, SupervisionTask)
    return selectors.tasks(request.user, **filters.dict())


@router.get("/tasks/overdue-summary", response={200: OverdueSummaryOut, **ERRORS},
            operation_id="command_tasks_overdue_summary",
            summary="Overdue tasks I see: how many, how many escalated to my level, per assigned unit")
def overdue_summary(request):
    selectors.require_view(request.user, SupervisionTask)
    return selectors.overdue_summary(request.user)


@router.post("/tasks", response={201: TaskDetailOut, **WRITE_ERRORS}, operation_id="command_tasks_create",
             summary="Issue a supervision task to a unit below my command post")
def createtask_or_404(request, data: TaskCreateIn):
    task = services.create_task(actor=request.user, **task_fields(data),
                                issuer_region=region_or_422(data.issuer_region_code, "issuer_region_code"))
    return Status(201, task_or_404(request, task.pk))


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **ERRORS}, operation_id="command_tasks_get",
            summary="One task with its timeline of progress, submission, acceptance, returns and escalations")
def gettask_or_404(request, task_id: int):
    return task_or_404(request, task_id)


@router.post("/tasks/{task_id}/progress", response={201: ProgressOut, **WRITE_ERRORS},
             operation_id="command_tasks_progress",
             summary="Report progress (assignee; multipart form with an optional evidence file)")
def report_progress(request, task_id: int, note: Form[str], evidence: File[UploadedFile] = None):
    entry = services.report_progress(task_or_404(request, task_id), actor=request.user, note=note, evidence=evidence)
    return Status(201, entry)


@router.post("/tasks/{task_id}/submit", response={201: ProgressOut, **WRITE_ERRORS},
             operation_id="command_tasks_submit",
             summary="Submit the work for acceptance (assignee; evidence now or with an earlier report)")
def submit(request, task_id: int, note: Form[str], evidence: File[UploadedFile] = None):
    entry = services.submit_task(task_or_404(request, task_id), actor=request.user, note=note, evidence=evidence)
    return Status(201, entry)


@router.post("/tasks/{task_id}/accept", response={200: TaskDetailOut, **WRITE_ERRORS},
             operation_id="command_tasks_accept", summary="Accept submitted work (issuer)")
def accept(request, task_id: int, data: AcceptIn):
    services.accept_task(task_or_404(request, task_id), actor=request.user, note=data.note)
    return task_or_404(request, task_id)


@router.post("/tasks/{task_id}/return", response={200: TaskDetailOut, **WRITE_ERRORS},
             operation_id="command_tasks_return", summary="Return submitted work for rework, with a reason (issuer)")
def return_(request, task_id: int, data: ReturnIn):
    services.return_task(task_or_404(request, task_id), actor=request.user, reason=data.reason)
    return task_or_404(request, task_id)


@router.post("/tasks/{task_id}/extend", response={200: TaskDetailOut, **WRITE_ERRORS},
             operation_id="command_tasks_extend",
             summary="Move the deadline later, with a reason (issuer; an escalated task returns to its unit)")
def extend(request, task_id: int, data: ExtendIn):
    services.extend_deadline(task_or_404(request, task_id), actor=request.user, deadline=data.deadline,
                             reason=data.reason)
    return task_or_404(request, task_id)


@router.post("/tasks/{task_id}/cancel", response={200: TaskDetailOut, **WRITE_ERRORS},
             operation_id="command_tasks_cancel", summary="Cancel a task no longer needed, with a reason (issuer)")
def cancel(request, task_id: int, data: CancelIn):
    services.cancel_task(task_or_404(request, task_id), actor=request.user, reason=data.reason)
    return task_or_404(request, task_id)


@router.get("/inspections", response={200: list[InspectionOut], **ERRORS}, operation_id="command_inspections_list",
            summary="Inspections of the regions I see")
@paginate(LimitOffsetPagination)
def list_inspections(request, filters: Query[InspectionFilter]):
    selectors.require_view(request.user, Inspection)
    return selectors.inspections(request.user, **filters.dict())


@router.post("/inspections", response={201: InspectionDetailOut, **WRITE_ERRORS},
             operation_id="command_inspections_create", summary="Record an inspection with its findings")
def create_inspection(request, data: InspectionCreateIn):
    inspection = services.record_inspection(
        actor=request.user, region=region_or_422(data.region_code, "region_code"), title=data.title,
        inspected_on=data.inspected_on, inspectors=data.inspectors, summary=data.summary,
        findings=[(f.description, f.severity.value) for f in data.findings])
    return Status(201, _inspection(request, inspection.pk))


@router.get("/inspections/{inspection_id}", response={200: InspectionDetailOut, **ERRORS},
            operation_id="command_inspections_get", summary="One inspection with its findings and their tasks")
def get_inspection(request, inspection_id: int):
    return _inspection(request, inspection_id)


@router.post("/inspections/{inspection_id}/findings", response={201: FindingOut, **WRITE_ERRORS},
             operation_id="command_inspections_findings_add", summary="Add a finding to an inspection")
def add_finding(request, inspection_id: int, data: FindingIn):
    finding = services.add_finding(_inspection(request, inspection_id), actor=request.user,
                                   description=data.description, severity=data.severity.value)
    return Status(201, finding)


@router.post("/inspections/{inspection_id}/findings/{finding_id}/tasks", response={201: TaskDetailOut, **WRITE_ERRORS},
             operation_id="command_findings_tasks_create",
             summary="Turn a finding into a rectification task for the inspected region or a unit in it")
def create_findingtask_or_404(request, inspection_id: int, finding_id: int, data: TaskFieldsIn):
    finding = Finding.objects.filter(inspection=_inspection(request, inspection_id), pk=finding_id).first()
    if finding is None:
        raise Http404
    task = services.create_task(actor=request.user, finding=finding, **task_fields(data))
    return Status(201, task_or_404(request, task.pk))
