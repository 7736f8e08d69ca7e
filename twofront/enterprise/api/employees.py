"""The employee roster: add by national ID (blind-index lookup), edit roster fields. Numbers are masked."""

from ninja import File, Query, Router
from ninja.files import UploadedFile

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate, problem
from twofront.enterprise import imports, selectors
from twofront.enterprise.api.enterprises import region_or_422, require_view
from twofront.enterprise.models import Employee, Enterprise
from twofront.enterprise.schemas import (
    EmployeeCreateIn,
    EmployeeFilter,
    EmployeeOut,
    EmployeeUpdateIn,
    RosterImportOut,
)
from twofront.enterprise.services import employees as services

router = Router(tags=["enterprise"])


@router.get("/employees", response={200: list[EmployeeOut], **ERRORS}, operation_id="enterprise_employees_list",
            summary="Roster entries I can see (ID and phone masked)")
@paginate(LimitOffsetPagination)
def list_employees(request, filters: Query[EmployeeFilter]):
    require_view(request.user, Employee)
    return selectors.employees(request.user, **filters.dict())


@router.post("/employees", response={201: EmployeeOut, **WRITE_ERRORS}, operation_id="enterprise_employees_create",
             summary="Put a person on an enterprise's roster, registering them if needed (Idempotency-Key welcome)")
def create_employee(request, data: EmployeeCreateIn):
    values = data.dict()
    enterprise = scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user,
                                          pk=values.pop("enterprise_id"))

    def run():
        code = values.pop("residence_code", None)
        residence = region_or_422(code, "residence_code") if code else None
        return services.add_employee(enterprise, actor=request.user, residence_region=residence, **values)

    return idempotent(request, scope="enterprise.employees.create", payload=data.dict(), run=run, out=EmployeeOut,
                      status=201)


@router.get("/employees/{employee_id}", response={200: EmployeeOut, **ERRORS}, operation_id="enterprise_employees_get",
            summary="One roster entry")
def get_employee(request, employee_id: int):
    return scope.get_visible_or_404(Employee.objects.select_related("person__region"), request.user, pk=employee_id)


@router.patch("/employees/{employee_id}", response={200: EmployeeOut, **WRITE_ERRORS},
              operation_id="enterprise_employees_update", summary="Change roster fields (active=false: off the roster)")
def update_employee(request, employee_id: int, data: EmployeeUpdateIn):
    employee = scope.get_visible_or_404(Employee.objects.select_related("person__region", "enterprise__region"),
                                        request.user, pk=employee_id)
    changes = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None or k.endswith("_date")}
    return services.update_employee(employee, actor=request.user, **changes)


@router.post("/enterprises/{enterprise_id}/employees/import", response={200: RosterImportOut, **ERRORS},
             operation_id="enterprise_employees_import",
             summary="Import an enterprise's roster from CSV or XLSX (Chinese or English headers); per-row errors")
def import_employees(request, enterprise_id: int, file: File[UploadedFile]):
    # The roster goes through the import engine's readers and column parsers, not its jurisdiction-checked
    # write pass (transfer/imports/{dataset}): see enterprise/imports.py. One transaction, one audit event.
    enterprise = scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user, pk=enterprise_id)
    try:
        return imports.import_roster_upload(enterprise, actor=request.user, upload=file)
    except imports.FileError as exc:
        return problem(422, "输入有误 / Invalid input", errors=[{"loc": ["file"], "msg": str(exc)}], type_="validation")
