"""值班带班: the duty roster of every post in my jurisdiction, command-post shifts and handovers."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from twofront.command import selectors_duty as selectors
from twofront.command.schemas_operations import (
    HandoverIn,
    OnDutyFilter,
    PostOnDutyOut,
    ShiftFilter,
    ShiftIn,
    ShiftOut,
)
from twofront.command.services import duty as services
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region, User

router = Router(tags=["command"])


def _shift_fields(data: ShiftIn) -> dict:
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    user = None
    if data.username:
        user = User.objects.filter(username=data.username, is_active=True).first()
        if user is None:
            raise field_error("username", "账号不存在 / unknown account")
    return {"post_type": data.post_type, "region": region, "post_name": data.post_name,
            "starts_at": data.starts_at, "ends_at": data.ends_at, "staff_name": data.staff_name, "user": user,
            "is_leader": data.is_leader}


@router.get("/duty/shifts", response={200: list[ShiftOut], **ERRORS}, operation_id="command_duty_shifts_list",
            summary="Duty shifts of every post in my jurisdiction that overlap some days")
@paginate(LimitOffsetPagination)
def list_shifts(request, filters: Query[ShiftFilter]):
    return selectors.shifts(request.user, **filters.dict())


@router.post("/duty/shifts", response={201: ShiftOut, **WRITE_ERRORS}, operation_id="command_duty_shifts_create",
             summary="Put someone on duty at the city command centre or a district command post")
def create_shift(request, data: ShiftIn):
    selectors.require_view(request.user)
    shift = services.create_shift(actor=request.user, **_shift_fields(data))
    return Status(201, selectors.shift_or_404(request.user, shift.pk))


@router.get("/duty/shifts/{shift_id}", response={200: ShiftOut, **ERRORS}, operation_id="command_duty_shifts_get",
            summary="One duty shift")
def get_shift(request, shift_id: int):
    return selectors.shift_or_404(request.user, shift_id)


@router.put("/duty/shifts/{shift_id}", response={200: ShiftOut, **WRITE_ERRORS},
            operation_id="command_duty_shifts_update", summary="Change a command-post shift that has not begun")
def update_shift(request, shift_id: int, data: ShiftIn):
    shift = selectors.shift_or_404(request.user, shift_id)
    services.update_shift(shift, actor=request.user, **_shift_fields(data))
    return selectors.shift_or_404(request.user, shift_id)


@router.delete("/duty/shifts/{shift_id}", response={204: None, **WRITE_ERRORS},
               operation_id="command_duty_shifts_delete", summary="Remove a command-post shift that has not begun")
def delete_shift(request, shift_id: int):
    services.remove_shift(selectors.shift_or_404(request.user, shift_id), actor=request.user)
    return HttpResponse(status=204)


@router.post("/duty/shifts/{shift_id}/handover", response={200: ShiftOut, **WRITE_ERRORS},
             operation_id="command_duty_shifts_handover",
             summary="Write the handover note of a shift (the person on it, or the roster keeper)")
def hand_over(request, shift_id: int, data: HandoverIn):
    services.record_handover(selectors.shift_or_404(request.user, shift_id), actor=request.user, note=data.note)
    return selectors.shift_or_404(request.user, shift_id)


@router.get("/duty/now", response={200: list[PostOnDutyOut], **ERRORS}, operation_id="command_duty_now",
            summary="Who is on duty now, per post: shift leaders and staff")
def on_duty_now(request, filters: Query[OnDutyFilter]):
    return selectors.on_duty(request.user, **filters.dict())
