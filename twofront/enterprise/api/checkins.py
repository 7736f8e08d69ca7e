"""Health check-ins: the anonymous QR endpoint for employees' phones, the authenticated single and bulk
endpoints for HR / attendance systems, the list and today's coverage. Every write takes an Idempotency-Key."""

import dataclasses
import datetime

from ninja import Query, Router

from twofront.core import scope
from twofront.core.apikit import (
    ERRORS,
    WRITE_ERRORS,
    Idempotency,
    LimitOffsetPagination,
    ProblemOut,
    idempotent,
    paginate,
    problem,
)
from twofront.core.middleware import client_ip
from twofront.enterprise import selectors
from twofront.enterprise.api.enterprises import require_view
from twofront.enterprise.models import Employee, Enterprise, HealthCheckin
from twofront.enterprise.schemas import (
    BulkCheckinIn,
    BulkCheckinOut,
    CheckinFilter,
    CheckinIn,
    CheckinListOut,
    CheckinOut,
    CoverageOut,
    QrCheckinIn,
    QrCheckinOut,
)
from twofront.enterprise.services import checkins as services

router = Router(tags=["enterprise"])

QR_RESPONSES = {200: QrCheckinOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut, 429: ProblemOut}


def too_many(exc: services.TooManyAttempts):
    return problem(429, "尝试次数过多，请稍后再试 / Too many attempts, try again later", type_="rate_limited",
                   detail=f"retry after {exc.retry_after} seconds", headers={"Retry-After": str(exc.retry_after)})


@router.post("/checkin/{token}", auth=None, response=QR_RESPONSES, operation_id="enterprise_checkin_qr",
             summary="An employee's own check-in from the enterprise's QR code (ID number + last 4 phone digits)")
def qr_checkin(request, token: str, data: QrCheckinIn):
    try:
        proof = services.identify_employee(token, id_number=data.id_number, phone_last4=data.phone_last4,
                                           ip=client_ip(request))
    except services.TooManyAttempts as exc:
        return too_many(exc)
    answers = data.dict(exclude={"id_number", "phone_last4"})
    # The key row is written in the check-in's own statement, with the response (known before the write).
    once = Idempotency(request, scope="enterprise.checkin.qr", payload=data.dict(), out=QrCheckinOut,
                       principal=f"employee:{proof.employee.pk}")
    return once.answer(services.record_checkin(proof.employee, proof=proof, source="qr", claim=once.claim,
                                               respond=once.response, **answers))


@router.post("/checkins", response={200: CheckinOut, **WRITE_ERRORS}, operation_id="enterprise_checkins_create",
             summary="Record an employee's check-in for today (HR or attendance system; Idempotency-Key welcome)")
def create_checkin(request, data: CheckinIn):
    employee = scope.get_visible_or_404(Employee.objects.select_related("enterprise__region", "person__region"),
                                        request.user, pk=data.employee_id)
    answers = data.dict(exclude={"employee_id"})
    return idempotent(request, scope="enterprise.checkins.create", payload=data.dict(), out=CheckinOut,
                      run=lambda: services.record_checkin(employee, actor=request.user, source="api", **answers))


@router.post("/checkins/bulk", response={200: BulkCheckinOut, **WRITE_ERRORS}, operation_id="enterprise_checkins_bulk",
             summary="Today's check-ins of up to 1,000 employees; per-row results, every valid row applied")
def bulk_checkins(request, data: BulkCheckinIn):
    enterprise = scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user,
                                          pk=data.enterprise_id)

    def run():
        rows = [row.dict() for row in data.rows]
        results = [dataclasses.asdict(r) for r in
                   services.record_checkins_bulk(enterprise, actor=request.user, rows=rows)]
        counts = {s: sum(1 for r in results if r["status"] == s) for s in ("created", "updated", "error")}
        return {"created": counts["created"], "updated": counts["updated"], "errors": counts["error"],
                "results": results}

    return idempotent(request, scope="enterprise.checkins.bulk", payload=data.dict(), run=run, out=BulkCheckinOut)


@router.get("/checkins", response={200: list[CheckinListOut], **ERRORS}, operation_id="enterprise_checkins_list",
            summary="Check-ins I can see: my enterprise's, or (officials) those of enterprises and residents in my area")
@paginate(LimitOffsetPagination)
def list_checkins(request, filters: Query[CheckinFilter]):
    require_view(request.user, HealthCheckin)
    return selectors.checkins(request.user, **filters.dict())


@router.get("/enterprises/{enterprise_id}/coverage", response={200: CoverageOut, **ERRORS},
            operation_id="enterprise_checkin_coverage", summary="A day's check-in coverage of the active roster")
def coverage(request, enterprise_id: int, day: datetime.date | None = None):
    enterprise = scope.get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    scope.require(request.user, "enterprise.view_healthcheckin", enterprise)
    result = selectors.coverage(enterprise, day)
    return {"enterprise_id": enterprise.pk, "day": result.day, "roster": result.roster,
            "checked_in": result.checked_in, "abnormal": result.abnormal, "rate": result.rate,
            "missing_employee_ids": list(result.missing.values_list("pk", flat=True)[:1000])}
