"""Checkpoints, their duty roster, and passages: staff registration, lookup, self-registration, confirmation."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from twofront.core import context, scope
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
from twofront.core.db import fetch
from twofront.core.errors import field_error
from twofront.core.models import Region, User
from twofront.prevention import selectors_checkpoints as selectors
from twofront.prevention.models import Checkpoint, Passage
from twofront.prevention.schemas_checkpoints import (
    CheckpointCreateIn,
    CheckpointDetailOut,
    CheckpointFilter,
    CheckpointOut,
    CheckpointShiftFilter,
    CheckpointShiftIn,
    CheckpointShiftOut,
    PassageConfirmIn,
    PassageCreateIn,
    PassageFilter,
    PassageLookupIn,
    PassageLookupOut,
    PassageOut,
    SelfRegistrationIn,
    SelfRegistrationOut,
)
from twofront.prevention.services import checkpoints as services

router = Router(tags=["prevention"])


def _region(code: str) -> Region | None:
    found = fetch(Region, limit=1, code=code)  # a passage's destination: a prepared statement on the hot path
    return found[0] if found else None


def _checkpoint(request, checkpoint_id: int) -> Checkpoint:
    return scope.get_visible_by_pk_or_404(Checkpoint, request.user, checkpoint_id, related=("region", "organisation"))


def risk_badge(status) -> dict | None:
    if status is None:
        return None
    return {"level": status.level, "reasons": [r.text for r in status.reasons], "changes_on": status.changes_on}


@router.get("/checkpoints", response={200: list[CheckpointOut], **ERRORS}, operation_id="prevention_checkpoints_list",
            summary="Checkpoints in my jurisdiction (staff: their own)")
@paginate(LimitOffsetPagination)
def list_checkpoints(request, filters: Query[CheckpointFilter]):
    if not scope.has_permission_anywhere(request.user, "prevention.view_checkpoint"):
        raise PermissionDenied
    return selectors.checkpoints(request.user, **filters.dict())


@router.post("/checkpoints", response={201: CheckpointDetailOut, **WRITE_ERRORS},
             operation_id="prevention_checkpoints_create", summary="Set up a checkpoint (officials)")
def create_checkpoint(request, data: CheckpointCreateIn):
    checkpoint = services.create_checkpoint(actor=request.user, name=data.name, kind=data.kind,
                                            region=_region(data.region_code), location=data.location)
    return Status(201, _detail(checkpoint))


def _detail(checkpoint: Checkpoint) -> Checkpoint:
    checkpoint.self_registration_path = reverse("checkpoint_self_register", args=[checkpoint.self_registration_token])
    return checkpoint


@router.get("/checkpoints/{checkpoint_id}", response={200: CheckpointDetailOut, **ERRORS},
            operation_id="prevention_checkpoints_get", summary="One checkpoint")
def get_checkpoint(request, checkpoint_id: int):
    return _detail(_checkpoint(request, checkpoint_id))


@router.get("/checkpoints/{checkpoint_id}/shifts", response={200: list[CheckpointShiftOut], **ERRORS},
            operation_id="prevention_checkpoint_shifts_list", summary="The checkpoint's duty roster")
@paginate(LimitOffsetPagination)
def list_shifts(request, checkpoint_id: int, filters: Query[CheckpointShiftFilter]):
    checkpoint = _checkpoint(request, checkpoint_id)
    return selectors.shifts(checkpoint, filters.since or timezone.localdate(), filters.days)


@router.post("/checkpoints/{checkpoint_id}/shifts", response={201: CheckpointShiftOut, **WRITE_ERRORS},
             operation_id="prevention_checkpoint_shifts_create", summary="Add a duty shift (officials)")
def add_shift(request, checkpoint_id: int, data: CheckpointShiftIn):
    checkpoint = _checkpoint(request, checkpoint_id)
    user = None
    if data.username:
        user = User.objects.filter(username=data.username).first()
        if user is None:
            raise field_error("username", "没有此账号 / no such account")
    return Status(201, services.add_checkpoint_shift(
        checkpoint, actor=request.user, starts_at=data.starts_at, ends_at=data.ends_at, user=user,
        staff_name=data.staff_name, is_leader=data.is_leader, handover_note=data.handover_note))


@router.post("/checkpoints/{checkpoint_id}/lookup", response={200: PassageLookupOut, **ERRORS},
             operation_id="prevention_checkpoint_lookup",
             summary="Find a traveller by national ID: name, masked ID and risk status (checkpoint staff)")
def lookup(request, checkpoint_id: int, data: PassageLookupIn):
    person, status = services.lookup_traveller(_checkpoint(request, checkpoint_id), actor=request.user,
                                               id_number=data.id_number)
    if person is None:
        return {"found": False}
    return {"found": True, "person_id": person.pk, "name": person.name, "id_number_masked": person.id_number_masked,
            "risk": risk_badge(status)}


@router.post("/checkpoints/{checkpoint_id}/passages", response={201: PassageOut, **WRITE_ERRORS},
             operation_id="prevention_passages_register",
             summary="Register a vehicle and every person in it (send an Idempotency-Key to retry safely)")
def register_passage(request, checkpoint_id: int, data: PassageCreateIn):
    checkpoint = _checkpoint(request, checkpoint_id)
    # The key row is written with the passage (on PostgreSQL in its one statement), not in a transaction around it.
    once = Idempotency(request, scope=f"prevention.passages.register:{checkpoint.pk}", payload=data.dict(),
                       out=PassageOut, status=201)
    return once.answer(services.register_passage(
        checkpoint, actor=request.user, plate=data.plate, vehicle_type=data.vehicle_type,
        origin_province=data.origin_province, origin_city=data.origin_city,
        destination=_region(data.destination_code), travellers=[t.dict() for t in data.travellers],
        claim=once.claim, respond=once.response))


@router.get("/passages", response={200: list[PassageOut], **ERRORS}, operation_id="prevention_passages_list",
            summary="Passages at my checkpoints or bound for my jurisdiction")
@paginate(LimitOffsetPagination)
def list_passages(request, filters: Query[PassageFilter]):
    if not scope.has_permission_anywhere(request.user, "prevention.view_passage"):
        raise PermissionDenied
    return selectors.passages(request.user, **filters.dict())


@router.get("/passages/{passage_id}", response={200: PassageOut, **ERRORS}, operation_id="prevention_passages_get",
            summary="One passage with its travellers (IDs masked)")
def get_passage(request, passage_id: int):
    return scope.get_visible_or_404(selectors.passage_queryset(), request.user, pk=passage_id)


@router.post("/passages/{passage_id}/confirm", response={200: PassageOut, **WRITE_ERRORS},
             operation_id="prevention_passages_confirm",
             summary="Confirm a self-registered passage with a decision per traveller (checkpoint staff)")
def confirm_passage(request, passage_id: int, data: PassageConfirmIn):
    passage = scope.get_visible_or_404(Passage.objects.select_related("checkpoint__organisation"), request.user,
                                       pk=passage_id)
    decisions = {t.id: {"decision": t.decision, "temperature": t.temperature} for t in data.travellers}
    return services.confirm_passage(passage, actor=request.user, decisions=decisions)


@router.post("/self-registration/{token}", auth=None,
             response={201: SelfRegistrationOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut,
                       429: ProblemOut},
             operation_id="prevention_self_register",
             summary="A traveller registers at a checkpoint by its QR code (no account; rate limited)")
def self_register(request, token: str, data: SelfRegistrationIn):
    checkpoint = selectors.checkpoint_by_token(token)
    if checkpoint is None:
        raise Http404
    if not services.self_registration_allowed(context.current().ip):
        return problem(429, "请求过于频繁 / Too many registrations from this address, try again later",
                       type_="rate_limited", headers={"Retry-After": "600"})

    def run():
        return services.self_register(
            checkpoint, plate=data.plate, vehicle_type=data.vehicle_type, origin_province=data.origin_province,
            origin_city=data.origin_city, destination=_region(data.destination_code),
            travellers=[t.dict() for t in data.travellers])

    return idempotent(request, scope="prevention.self_register", payload=data.dict(), run=run,
                      out=SelfRegistrationOut, status=201, principal=f"checkpoint:{checkpoint.pk}")
