"""Closed management: compound groups, closures, monitoring posts, their rosters and daily in/out counts."""

import datetime

from django.utils import timezone
from ninja import Query, Router, Status

from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.prevention import selectors_compounds as selectors
from twofront.prevention.schemas_compounds import (
    ClosureEndIn,
    ClosureOut,
    ClosureStartIn,
    CompoundCreateIn,
    CompoundFilter,
    CompoundOut,
    CountIn,
    CountOut,
    PostCreateIn,
    PostFilter,
    PostOut,
    ShiftFilter,
    ShiftIn,
    ShiftOut,
)
from twofront.prevention.services import compounds as services
from twofront.prevention.services.community import user_by_username

router = Router(tags=["prevention"])


@router.get("/compounds", response={200: list[CompoundOut], **ERRORS}, operation_id="prevention_compounds_list",
            summary="Compound groups (城市小区组团, 村民组) in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_compounds(request, filters: Query[CompoundFilter]):
    return selectors.compounds(request.user, **filters.dict())


@router.post("/compounds", response={201: CompoundOut, **WRITE_ERRORS}, operation_id="prevention_compounds_create",
             summary="Register a compound group (officials)")
def create_compound(request, data: CompoundCreateIn):
    compound = services.create_compound(actor=request.user, name=data.name, kind=data.kind, households=data.households,
                                        region=selectors.region_or_422(data.region_code))
    return Status(201, selectors.compound_or_404(request.user, compound.pk))


@router.get("/compounds/{compound_id}", response={200: CompoundOut, **ERRORS}, operation_id="prevention_compounds_get",
            summary="One compound group")
def get_compound(request, compound_id: int):
    return selectors.compound_or_404(request.user, compound_id)


@router.get("/compounds/{compound_id}/closures", response={200: list[ClosureOut], **ERRORS},
            operation_id="prevention_closures_list", summary="A compound's closure periods, latest first")
@paginate(LimitOffsetPagination)
def list_closures(request, compound_id: int):
    return selectors.compound_or_404(request.user, compound_id).closures.all()


@router.post("/compounds/{compound_id}/closures/start", response={201: ClosureOut, **WRITE_ERRORS},
             operation_id="prevention_closures_start", summary="Put a compound under closed management")
def start_closure(request, compound_id: int, data: ClosureStartIn):
    compound = selectors.compound_or_404(request.user, compound_id)
    return Status(201, services.start_closure(compound, actor=request.user, note=data.note,
                                              starts_on=data.starts_on or timezone.localdate()))


@router.post("/compounds/{compound_id}/closures/end", response={200: ClosureOut, **WRITE_ERRORS},
             operation_id="prevention_closures_end", summary="End a compound's closed management")
def end_closure(request, compound_id: int, data: ClosureEndIn):
    compound = selectors.compound_or_404(request.user, compound_id)
    return services.end_closure(compound, actor=request.user, ends_on=data.ends_on or timezone.localdate(),
                                note=data.note)


@router.get("/posts", response={200: list[PostOut], **ERRORS}, operation_id="prevention_posts_list",
            summary="Monitoring posts (监测岗) in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_posts(request, filters: Query[PostFilter]):
    qs = selectors.posts(request.user, region=filters.region)
    return qs.filter(compound_id=filters.compound_id) if filters.compound_id else qs


@router.post("/compounds/{compound_id}/posts", response={201: PostOut, **WRITE_ERRORS},
             operation_id="prevention_posts_create", summary="Set up a monitoring post at a compound")
def create_post(request, compound_id: int, data: PostCreateIn):
    compound = selectors.compound_or_404(request.user, compound_id)
    return Status(201, services.create_post(compound, actor=request.user, name=data.name))


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, operation_id="prevention_posts_get",
            summary="One monitoring post")
def get_post(request, post_id: int):
    return selectors.post_or_404(request.user, post_id)


@router.get("/posts/{post_id}/shifts", response={200: list[ShiftOut], **ERRORS},
            operation_id="prevention_post_shifts_list", summary="A post's duty roster for some days")
@paginate(LimitOffsetPagination)
def list_shifts(request, post_id: int, filters: Query[ShiftFilter]):
    post = selectors.post_or_404(request.user, post_id)
    return selectors.shifts(post, day=filters.day, days=filters.days).visible_to(request.user)


@router.post("/posts/{post_id}/shifts", response={201: ShiftOut, **WRITE_ERRORS},
             operation_id="prevention_post_shifts_create", summary="Add a shift to a post's roster")
def create_shift(request, post_id: int, data: ShiftIn):
    post = selectors.post_or_404(request.user, post_id)
    user = user_by_username(data.username) if data.username else None
    return Status(201, services.add_post_shift(post, actor=request.user, starts_at=data.starts_at,
                                               ends_at=data.ends_at, staff_name=data.staff_name, user=user,
                                               is_leader=data.is_leader, handover_note=data.handover_note))


@router.delete("/posts/{post_id}/shifts/{shift_id}", response={204: None, **WRITE_ERRORS},
               operation_id="prevention_post_shifts_delete", summary="Remove a shift from a post's roster")
def delete_shift(request, post_id: int, shift_id: int):
    post = selectors.post_or_404(request.user, post_id)
    services.remove_post_shift(selectors.shift_or_404(request.user, post, shift_id), actor=request.user)
    return Status(204, None)


@router.get("/posts/{post_id}/counts", response={200: list[CountOut], **ERRORS},
            operation_id="prevention_post_counts_list", summary="A post's daily in/out counts, latest first")
@paginate(LimitOffsetPagination)
def list_counts(request, post_id: int):
    return selectors.counts(request.user, selectors.post_or_404(request.user, post_id))


@router.put("/posts/{post_id}/counts/{day}", response={200: CountOut, **WRITE_ERRORS},
            operation_id="prevention_post_counts_put",
            summary="Enter a post's in/out count for a day (a second entry replaces the first; Idempotency-Key)")
def put_count(request, post_id: int, day: datetime.date, data: CountIn):
    post = selectors.post_or_404(request.user, post_id)

    def run():
        return services.record_post_count(post, actor=request.user, day=day, entries=data.entries, exits=data.exits)

    return idempotent(request, scope="prevention.post_counts.put", payload={"post": post.pk, "day": str(day),
                                                                            **data.dict()}, run=run, out=CountOut)
