"""Work groups (专项工作组): the leading group and the special work groups of a command post, with members."""

from django.http import Http404
from ninja import Query, Router, Status

from twofront.command import selectors_tasks as selectors
from twofront.command.api.supervision import region_or_422, user_or_422
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.command.schemas_tasks import (
    MemberIn,
    MemberOut,
    WorkGroupCreateIn,
    WorkGroupDetailOut,
    WorkGroupFilter,
    WorkGroupOut,
    WorkGroupUpdateIn,
)
from twofront.command.services import groups as services
from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate

router = Router(tags=["command"])


def _group(request, group_id: int) -> WorkGroup:
    return scope.get_visible_or_404(selectors.group_detail(request.user), request.user, pk=group_id)


def _member(request, group_id: int, member_id: int) -> WorkGroupMember:
    member = _group(request, group_id).members.filter(pk=member_id).select_related("group__region").first()
    if member is None:
        raise Http404
    return member


def _member_data(data: MemberIn) -> dict:
    return {"name": data.name, "department": data.department, "position": data.position, "role": data.role.value,
            "user": user_or_422(data.username, "username") if data.username else None}


@router.get("/groups", response={200: list[WorkGroupOut], **ERRORS}, operation_id="command_groups_list",
            summary="Work groups of the command posts I see (the leading group first)")
@paginate(LimitOffsetPagination)
def list_groups(request, filters: Query[WorkGroupFilter]):
    selectors.require_view(request.user, WorkGroup)
    return selectors.groups(request.user, **filters.dict())


@router.post("/groups", response={201: WorkGroupDetailOut, **WRITE_ERRORS}, operation_id="command_groups_create",
             summary="Set up a work group (or the leading group) of a command post")
def create_group(request, data: WorkGroupCreateIn):
    group = services.create_work_group(actor=request.user, region=region_or_422(data.region_code, "region_code"),
                                       name=data.name, remit=data.remit, leading=data.leading)
    return Status(201, _group(request, group.pk))


@router.get("/groups/{group_id}", response={200: WorkGroupDetailOut, **ERRORS}, operation_id="command_groups_get",
            summary="One work group with its members (leader first)")
def get_group(request, group_id: int):
    return _group(request, group_id)


@router.patch("/groups/{group_id}", response={200: WorkGroupDetailOut, **WRITE_ERRORS},
              operation_id="command_groups_update", summary="Rename a work group or change its remit")
def update_group(request, group_id: int, data: WorkGroupUpdateIn):
    group = _group(request, group_id)
    current = {"name": group.name, "remit": group.remit, "leading": group.leading}
    services.update_work_group(group, actor=request.user, **{**current, **data.dict(exclude_none=True)})
    return _group(request, group_id)


@router.post("/groups/{group_id}/members", response={201: MemberOut, **WRITE_ERRORS},
             operation_id="command_groups_members_add", summary="Add a member (seconded staff) to a work group")
def add_member(request, group_id: int, data: MemberIn):
    member = services.add_member(_group(request, group_id), actor=request.user, **_member_data(data))
    return Status(201, member)


@router.put("/groups/{group_id}/members/{member_id}", response={200: MemberOut, **WRITE_ERRORS},
            operation_id="command_groups_members_update", summary="Change a member's role, post or department")
def update_member(request, group_id: int, member_id: int, data: MemberIn):
    return services.update_member(_member(request, group_id, member_id), actor=request.user, **_member_data(data))


@router.delete("/groups/{group_id}/members/{member_id}", response={204: None, **WRITE_ERRORS},
               operation_id="command_groups_members_remove", summary="Remove a member from a work group")
def remove_member(request, group_id: int, member_id: int):
    services.remove_member(_member(request, group_id, member_id), actor=request.user)
    return Status(204, None)
