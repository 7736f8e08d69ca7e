"""Commissioners (驻企专员): assignments, visits and appeals (诉求). State changes are POST verbs."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.models import User
from twofront.enterprise import selectors_commissioners as selectors
from twofront.enterprise.choices import AppealCategory
from twofront.enterprise.models import Appeal, CommissionerAssignment, Enterprise
from twofront.enterprise.schemas_commissioners import (
    AppealFilter,
    AppealIn,
    AppealOut,
    AssignmentFilter,
    AssignmentIn,
    AssignmentOut,
    CloseIn,
    CommissionerOut,
    DepartmentOut,
    EscalateIn,
    OverdueOut,
    RateIn,
    VisitFilter,
    VisitIn,
    VisitOut,
)
from twofront.enterprise.services import commissioners as services

router = Router(tags=["enterprise"])


def _require(user, permission: str) -> None:
    if not scope.has_permission_anywhere(user, permission):
        raise PermissionDenied(permission)


def _enterprise(request, enterprise_id: int) -> Enterprise:
    return scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user, pk=enterprise_id)


def _appeal(request, appeal_id: int) -> Appeal:
    return scope.get_visible_or_404(Appeal.objects.select_related("enterprise__region"), request.user, pk=appeal_id)


@router.get("/commissioners", response={200: list[CommissionerOut], **ERRORS},
            operation_id="enterprise_commissioners_list", summary="Commissioners I may station with enterprises")
@paginate(LimitOffsetPagination)
def list_commissioners(request):
    _require(request.user, "enterprise.add_commissionerassignment")
    return selectors.assignable_commissioners(request.user)


@router.get("/commissioner-assignments", response={200: list[AssignmentOut], **ERRORS},
            operation_id="enterprise_assignments_list", summary="Which commissioner serves which enterprise")
@paginate(LimitOffsetPagination)
def list_assignments(request, filters: Query[AssignmentFilter]):
    _require(request.user, "enterprise.view_commissionerassignment")
    return selectors.assignments(request.user, enterprise_id=filters.enterprise_id, commissioner=filters.commissioner)


@router.post("/enterprises/{enterprise_id}/commissioners", response={201: AssignmentOut, **WRITE_ERRORS},
             operation_id="enterprise_assignments_create", summary="Station a commissioner with an enterprise")
def assign(request, enterprise_id: int, data: AssignmentIn):
    enterprise = _enterprise(request, enterprise_id)
    commissioner = User.objects.filter(pk=data.commissioner_id).first()
    assignment = services.assign_commissioner(actor=request.user, enterprise=enterprise, commissioner=commissioner,
                                              since=data.since)
    return Status(201, assignment)


@router.delete("/commissioner-assignments/{assignment_id}", response={204: None, **WRITE_ERRORS},
               operation_id="enterprise_assignments_delete", summary="Withdraw a commissioner from an enterprise")
def unassign(request, assignment_id: int):
    assignment = scope.get_visible_or_404(CommissionerAssignment.objects.select_related("enterprise__region"),
                                          request.user, pk=assignment_id)
    services.end_assignment(assignment, actor=request.user)
    return Status(204, None)


@router.get("/visits", response={200: list[VisitOut], **ERRORS}, operation_id="enterprise_visits_list",
            summary="Commissioners' visit records")
@paginate(LimitOffsetPagination)
def list_visits(request, filters: Query[VisitFilter]):
    _require(request.user, "enterprise.view_visit")
    return selectors.visits(request.user, enterprise_id=filters.enterprise_id)


@router.post("/enterprises/{enterprise_id}/visits", response={201: VisitOut, **WRITE_ERRORS},
             operation_id="enterprise_visits_create", summary="Record a commissioner's visit")
def record_visit(request, enterprise_id: int, data: VisitIn):
    enterprise = _enterprise(request, enterprise_id)
    visit = services.record_visit(actor=request.user, enterprise=enterprise, visited_on=data.visited_on,
                                  notes=data.notes)
    return Status(201, visit)


@router.get("/visits/{visit_id}", response={200: VisitOut, **ERRORS}, operation_id="enterprise_visits_get",
            summary="One visit record")
def get_visit(request, visit_id: int):
    return scope.get_visible_or_404(selectors.visits(request.user), request.user, pk=visit_id)


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS}, operation_id="enterprise_departments_list",
            summary="Government departments appeals can be escalated to")
@paginate(LimitOffsetPagination)
def list_departments(request):
    _require(request.user, "enterprise.handle_appeal")
    return selectors.departments()


@router.get("/appeals", response={200: list[AppealOut], **ERRORS}, operation_id="enterprise_appeals_list",
            summary="Appeals I can see; overdue=true for those open past their deadline")
@paginate(LimitOffsetPagination)
def list_appeals(request, filters: Query[AppealFilter]):
    _require(request.user, "enterprise.view_appeal")
    return selectors.appeals(request.user, status=filters.status, category=filters.category,
                             enterprise_id=filters.enterprise_id, overdue=filters.overdue)


@router.post("/enterprises/{enterprise_id}/appeals", response={201: AppealOut, **WRITE_ERRORS},
             operation_id="enterprise_appeals_create",
             summary="Raise an appeal (send an Idempotency-Key to retry safely)")
def raise_appeal(request, enterprise_id: int, data: AppealIn):
    enterprise = _enterprise(request, enterprise_id)

    def run():
        return services.raise_appeal(actor=request.user, enterprise=enterprise, category=data.category,
                                     description=data.description, deadline=data.deadline)

    return idempotent(request, scope="enterprise.appeals.create", out=AppealOut, status=201,
                      payload={"enterprise_id": enterprise_id, **data.dict()}, run=run)


@router.get("/appeals/overdue", response={200: OverdueOut, **ERRORS}, operation_id="enterprise_appeals_overdue",
            summary="Overdue appeals: how many, per category and per child region")
def overdue(request):
    _require(request.user, "enterprise.view_appeal")
    summary = selectors.overdue_summary(request.user)
    region = summary["region"]
    categories = dict(AppealCategory.choices)
    return {"region_code": region.code if region else None, "total": summary["total"],
            "by_category": [{"key": k, "name": str(categories.get(k, k)), "count": n}
                            for k, n in summary["by_category"].items()],
            "by_region": [{"key": code, "name": name, "count": n} for code, name, n in summary["by_region"]]}


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **ERRORS}, operation_id="enterprise_appeals_get",
            summary="One appeal")
def get_appeal(request, appeal_id: int):
    return _appeal(request, appeal_id)


@router.post("/appeals/{appeal_id}/escalate", response={200: AppealOut, **WRITE_ERRORS},
             operation_id="enterprise_appeals_escalate", summary="Escalate an open appeal to a department")
def escalate(request, appeal_id: int, data: EscalateIn):
    appeal = _appeal(request, appeal_id)
    department = selectors.departments().filter(pk=data.department_id).first()
    return services.escalate_appeal(appeal, actor=request.user, department=department, note=data.note)


@router.post("/appeals/{appeal_id}/close", response={200: AppealOut, **WRITE_ERRORS},
             operation_id="enterprise_appeals_close", summary="Close an appeal with an answer")
def close(request, appeal_id: int, data: CloseIn):
    return services.close_appeal(_appeal(request, appeal_id), actor=request.user, answer=data.answer)


@router.post("/appeals/{appeal_id}/rate", response={200: AppealOut, **WRITE_ERRORS},
             operation_id="enterprise_appeals_rate", summary="The enterprise rates a closed appeal (1-5, once)")
def rate(request, appeal_id: int, data: RateIn):
    return services.rate_appeal(_appeal(request, appeal_id), actor=request.user, rating=data.rating)
