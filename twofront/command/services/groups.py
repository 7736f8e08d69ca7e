"""Work groups (专项工作组): a region's leading group (领导小组) and its special work groups, each with a
remit and members seconded from departments (optionally linked to an account), one leader and deputies.
Pages, API and imports call these; none of them repeats the rules."""

from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from twofront.command.choices import MemberRole
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.core import audit, errors, scope
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region, User

# Free text here may span lines; other control characters are refused.
clean_text = partial(errors.clean_text, multiline=True)

GROUP_FIELDS = ["name", "remit", "leading"]
MEMBER_FIELDS = ["name", "department", "position", "role", "user_id"]


def staff_in(region: Region) -> QuerySet:
    """Active accounts holding a role in the region or below it: who may be named a member or attendee."""
    return (User.objects.filter(is_active=True, role_assignments__region__path__startswith=region.path)
            .distinct().order_by("display_name", "username"))


def _group_fields(*, name, remit, leading) -> dict:
    return {"name": clean_text(name, "name", required=True, max_length=64),
            "remit": clean_text(remit, "remit", max_length=4000), "leading": bool(leading)}


def _save_group(group: WorkGroup, fields: list[str] | None = None) -> WorkGroup:
    try:
        with transaction.atomic():
            if fields is None:
                group.save()
            else:
                group.save(update_fields=fields)
    except IntegrityError:
        if group.leading and WorkGroup.objects.filter(region=group.region_id, leading=True).exclude(pk=group.pk).exists():
            raise Conflict(_("This region already has a leading group."))
        raise Conflict(_("This region already has a work group of this name."))
    return group


@transaction.atomic
def create_work_group(*, actor, region: Region, name: str, remit: str = "", leading: bool = False) -> WorkGroup:
    scope.require(actor, "command.add_workgroup", region=region)
    group = _save_group(WorkGroup(region=region, **_group_fields(name=name, remit=remit, leading=leading)))
    audit.record(actor, "command.workgroup.created", group,
                 changes=audit.diff({}, audit.snapshot(group, GROUP_FIELDS)))
    return group


@transaction.atomic
def update_work_group(group: WorkGroup, *, actor, name: str, remit: str = "", leading: bool = False) -> WorkGroup:
    scope.require(actor, "command.change_workgroup", group)
    before = audit.snapshot(group, GROUP_FIELDS)
    for key, value in _group_fields(name=name, remit=remit, leading=leading).items():
        setattr(group, key, value)
    changes = audit.diff(before, audit.snapshot(group, GROUP_FIELDS))
    if changes:
        _save_group(group, GROUP_FIELDS)
        audit.record(actor, "command.workgroup.updated", group, changes=changes)
    return group


def _member_fields(group: WorkGroup, *, name, department, position, role, user) -> dict:
    if role not in MemberRole.values:
        raise field_error("role", _("Choose a listed role."))
    if user is not None and not staff_in(group.region).filter(pk=user.pk).exists():
        raise field_error("user", _("Choose an account of an official of this region."))
    name = clean_text(name, "name", max_length=64) or (str(user) if user is not None else "")
    if not name:
        raise field_error("name", _("This field is required."))
    return {"name": name, "department": clean_text(department, "department", max_length=128),
            "position": clean_text(position, "position", max_length=64), "role": role, "user": user}


def _check_members(member: WorkGroupMember) -> None:
    """One leader per group; an account at most once in a group (also a database constraint)."""
    others = WorkGroupMember.objects.filter(group=member.group_id).exclude(pk=member.pk)
    if member.role == MemberRole.LEADER and others.filter(role=MemberRole.LEADER).exists():
        raise Conflict(_("This group already has a leader; make the present leader a deputy or member first."))
    if member.user_id and others.filter(user=member.user_id).exists():
        raise Conflict(_("This account is already a member of the group."))


def _locked_group(group: WorkGroup) -> WorkGroup:
    # Serialises membership changes of one group, so "one leader" holds under concurrent edits.
    return WorkGroup.objects.select_for_update().get(pk=group.pk)


@transaction.atomic
def add_member(group: WorkGroup, *, actor, name: str = "", department: str = "", position: str = "",
               role: str = MemberRole.MEMBER, user: User | None = None) -> WorkGroupMember:
    scope.require(actor, "command.change_workgroup", group)
    group = _locked_group(group)
    member = WorkGroupMember(group=group, **_member_fields(group, name=name, department=department,
                                                           position=position, role=role, user=user))
    _check_members(member)
    member.save()
    audit.record(actor, "command.workgroup.member_added", group,
                 changes={"member": member.name, **audit.diff({}, audit.snapshot(member, MEMBER_FIELDS))})
    return member


@transaction.atomic
def update_member(member: WorkGroupMember, *, actor, name: str = "", department: str = "", position: str = "",
                  role: str = MemberRole.MEMBER, user: User | None = None) -> WorkGroupMember:
    scope.require(actor, "command.change_workgroup", member.group)
    group = _locked_group(member.group)
    before = audit.snapshot(member, MEMBER_FIELDS)
    for key, value in _member_fields(group, name=name, department=department, position=position, role=role,
                                     user=user).items():
        setattr(member, key, value)
    _check_members(member)
    changes = audit.diff(before, audit.snapshot(member, MEMBER_FIELDS))
    if changes:
        member.save(update_fields=["name", "department", "position", "role", "user"])
        audit.record(actor, "command.workgroup.member_updated", group, changes={"member": member.name, **changes})
    return member


@transaction.atomic
def remove_member(member: WorkGroupMember, *, actor) -> None:
    group = member.group
    scope.require(actor, "command.change_workgroup", group)
    snapshot = audit.snapshot(member, MEMBER_FIELDS)
    member.delete()
    audit.record(actor, "command.workgroup.member_removed", group,
                 changes={"member": snapshot["name"], **audit.diff(snapshot, {})})
