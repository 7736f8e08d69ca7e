"""Hospitals, fever-clinic visits, cases (state machine with history) and daily capacity reports."""

from ninja import Query, Router, Status

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region
from twofront.medical import selectors, services
from twofront.medical.models import CapacityReport, Case, FeverClinicVisit, Hospital
from twofront.medical.schemas import (
    CaseCreateIn,
    CaseFilter,
    CaseOut,
    HospitalCreateIn,
    HospitalFilter,
    HospitalOut,
    HospitalUpdateIn,
    ReportCreateIn,
    ReportFigures,
    ReportFilter,
    ReportOut,
    ReportStatusFilter,
    ReportStatusOut,
    TransitionIn,
    VisitCreateIn,
    VisitFilter,
    VisitOut,
)

router = Router(tags=["medical"])


def _hospital(request, hospital_id: int | None, field: str = "hospital_id") -> Hospital:
    """A hospital named in a request body: 422 when the user cannot see it (it is a field, not the resource)."""
    hospital = selectors.hospitals(request.user).filter(pk=hospital_id).first() if hospital_id else None
    if hospital is None:
        raise field_error(field, "医院不存在 / unknown hospital")
    return hospital


@router.get("/hospitals", response={200: list[HospitalOut], **ERRORS}, operation_id="medical_hospitals_list",
            summary="Hospitals in my jurisdiction (hospital staff: their own)")
@paginate(LimitOffsetPagination)
def list_hospitals(request, filters: Query[HospitalFilter]):
    selectors.require_view(request.user, Hospital)
    return selectors.hospitals(request.user, **filters.dict())


@router.post("/hospitals", response={201: HospitalOut, **WRITE_ERRORS}, operation_id="medical_hospitals_create",
             summary="Register a hospital")
def create_hospital(request, data: HospitalCreateIn):
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    return Status(201, services.create_hospital(actor=request.user, region=region,
                                                **data.dict(exclude={"region_code"})))


@router.get("/hospitals/{hospital_id}", response={200: HospitalOut, **ERRORS}, operation_id="medical_hospitals_get",
            summary="One hospital")
def get_hospital(request, hospital_id: int):
    return scope.get_visible_or_404(selectors.hospitals(request.user), request.user, pk=hospital_id)


@router.patch("/hospitals/{hospital_id}", response={200: HospitalOut, **WRITE_ERRORS},
              operation_id="medical_hospitals_update", summary="Change a hospital's beds, wards or designation")
def update_hospital(request, hospital_id: int, data: HospitalUpdateIn):
    hospital = scope.get_visible_or_404(selectors.hospitals(request.user), request.user, pk=hospital_id)
    current = {k: getattr(hospital, k) for k in services.HOSPITAL_FIELDS}
    return services.update_hospital(hospital, actor=request.user, **{**current, **data.dict(exclude_none=True)})


@router.get("/visits", response={200: list[VisitOut], **ERRORS}, operation_id="medical_visits_list",
            summary="Fever-clinic visits")
@paginate(LimitOffsetPagination)
def list_visits(request, filters: Query[VisitFilter]):
    selectors.require_view(request.user, FeverClinicVisit)
    return selectors.visits(request.user, **filters.dict())


@router.post("/hospitals/{hospital_id}/visits", response={201: VisitOut, **WRITE_ERRORS},
             operation_id="medical_visits_create",
             summary="Record a fever-clinic visit (send an Idempotency-Key to retry safely)")
def record_visit(request, hospital_id: int, data: VisitCreateIn):
    hospital = scope.get_visible_or_404(Hospital, request.user, pk=hospital_id)

    def run():
        return services.record_visit(
            actor=request.user, hospital=hospital,
            person=selectors.find_person(request.user, person_id=data.person_id, id_number=data.id_number),
            temperature=data.temperature, symptoms=[s.value for s in data.symptoms], outcome=data.outcome.value,
            visited_at=data.visited_at)

    return idempotent(request, scope="medical.visits.create", payload={"hospital": hospital_id, **data.dict()},
                      run=run, out=VisitOut, status=201)


@router.get("/visits/{visit_id}", response={200: VisitOut, **ERRORS}, operation_id="medical_visits_get",
            summary="One fever-clinic visit")
def get_visit(request, visit_id: int):
    return scope.get_visible_or_404(selectors.visits(request.user), request.user, pk=visit_id)


@router.get("/cases", response={200: list[CaseOut], **ERRORS}, operation_id="medical_cases_list",
            summary="Cases at my hospital, or of residents or hospitals of my jurisdiction")
@paginate(LimitOffsetPagination)
def list_cases(request, filters: Query[CaseFilter]):
    selectors.require_view(request.user, Case)
    return selectors.cases(request.user, **filters.dict())


@router.post("/cases", response={201: CaseOut, **WRITE_ERRORS}, operation_id="medical_cases_report",
             summary="Report a case: suspected, confirmed or asymptomatic (one open case per person)")
def report_case(request, data: CaseCreateIn):
    hospital = _hospital(request, data.hospital_id) if data.hospital_id else None
    person = selectors.find_person(request.user, person_id=data.person_id, id_number=data.id_number)
    case = services.report_case(actor=request.user, person=person, hospital=hospital, state=data.state,
                                note=data.note)
    return Status(201, selectors.cases(request.user).get(pk=case.pk))


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, operation_id="medical_cases_get",
            summary="One case with its state history")
def get_case(request, case_id: int):
    return scope.get_visible_or_404(selectors.cases(request.user), request.user, pk=case_id)


@router.post("/cases/{case_id}/transition", response={200: CaseOut, **WRITE_ERRORS},
             operation_id="medical_cases_transition",
             summary="Move a case to its next state (409 when the state machine does not allow it)")
def transition_case(request, case_id: int, data: TransitionIn):
    case = scope.get_visible_or_404(Case, request.user, pk=case_id)
    services.transition_case(case, actor=request.user, to_state=data.to_state.value, note=data.note)
    return scope.get_visible_or_404(selectors.cases(request.user), request.user, pk=case_id)


@router.get("/capacity-reports", response={200: list[ReportOut], **ERRORS},
            operation_id="medical_reports_list", summary="Daily capacity reports")
@paginate(LimitOffsetPagination)
def list_reports(request, filters: Query[ReportFilter]):
    selectors.require_view(request.user, CapacityReport)
    return selectors.reports(request.user, **filters.dict())


@router.post("/hospitals/{hospital_id}/capacity-reports", response={201: ReportOut, **WRITE_ERRORS},
             operation_id="medical_reports_submit",
             summary="File a hospital's daily capacity report (one a day; 409 when filed, correct it instead)")
def submit_report(request, hospital_id: int, data: ReportCreateIn):
    hospital = scope.get_visible_or_404(Hospital, request.user, pk=hospital_id)
    return Status(201, services.submit_capacity_report(actor=request.user, hospital=hospital, **data.dict()))


@router.get("/capacity-reports/status", response={200: list[ReportStatusOut], **ERRORS},
            operation_id="medical_reports_status",
            summary="Today's report of each hospital: on time, late, missing (past the hour) or still due")
def report_status(request, filters: Query[ReportStatusFilter]):
    return selectors.report_status(request.user, overdue_only=filters.overdue_only)


@router.get("/capacity-reports/{report_id}", response={200: ReportOut, **ERRORS},
            operation_id="medical_reports_get", summary="One capacity report")
def get_report(request, report_id: int):
    return scope.get_visible_or_404(selectors.reports(request.user), request.user, pk=report_id)


@router.patch("/capacity-reports/{report_id}", response={200: ReportOut, **WRITE_ERRORS},
              operation_id="medical_reports_correct", summary="Correct a report of the last week")
def correct_report(request, report_id: int, data: ReportFigures):
    report = scope.get_visible_or_404(selectors.reports(request.user), request.user, pk=report_id)
    return services.correct_capacity_report(report, actor=request.user, **data.dict())
