"""Designated quarantine sites and stays: check-in, daily health checks, the release sample, release."""

from ninja import Query, Router, Status

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region
from twofront.prevention import selectors_quarantine as selectors
from twofront.prevention.models import NucleicTest, QuarantineSite, QuarantineStay
from twofront.prevention.schemas_quarantine import (
    HealthCheckIn,
    HealthCheckOut,
    ReleaseIn,
    ReleaseSampleIn,
    SiteCreateIn,
    SiteFilter,
    SiteOut,
    SiteUpdateIn,
    StayCreateIn,
    StayFilter,
    StayOut,
)
from twofront.prevention.schemas_testing import NucleicTestOut
from twofront.prevention.selectors_testing import find_person, require_view
from twofront.prevention.services import quarantine as services

router = Router(tags=["prevention"])


def _site(request, site_id: int) -> QuarantineSite:
    return scope.get_visible_or_404(selectors.sites(request.user), request.user, pk=site_id)


def _stay(request, stay_id: int) -> QuarantineStay:
    return scope.get_visible_or_404(selectors.stays(request.user), request.user, pk=stay_id)


@router.get("/sites", response={200: list[SiteOut], **ERRORS}, operation_id="prevention_sites_list",
            summary="Designated quarantine sites with guests and releases due")
@paginate(LimitOffsetPagination)
def list_sites(request, filters: Query[SiteFilter]):
    require_view(request.user, QuarantineSite)
    return selectors.sites(request.user, **filters.dict())


@router.post("/sites", response={201: SiteOut, **WRITE_ERRORS}, operation_id="prevention_sites_create",
             summary="Designate a quarantine site")
def create_site(request, data: SiteCreateIn):
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    site = services.create_site(actor=request.user, region=region,
                                **data.dict(exclude={"region_code"}))
    return Status(201, selectors.sites(request.user).get(pk=site.pk))


@router.get("/sites/{site_id}", response={200: SiteOut, **ERRORS}, operation_id="prevention_sites_get",
            summary="One quarantine site")
def get_site(request, site_id: int):
    return _site(request, site_id)


@router.patch("/sites/{site_id}", response={200: SiteOut, **WRITE_ERRORS}, operation_id="prevention_sites_update",
              summary="Change a site's rooms, capacity or status")
def update_site(request, site_id: int, data: SiteUpdateIn):
    site = _site(request, site_id)
    fields = ("name", "address", "rooms", "capacity", "for_hubei_travellers", "active", "opened_on")
    current = {k: getattr(site, k) for k in fields}
    services.update_site(site, actor=request.user, **{**current, **data.dict(exclude_none=True)})
    return _site(request, site_id)


@router.get("/stays", response={200: list[StayOut], **ERRORS}, operation_id="prevention_stays_list",
            summary="Quarantine stays at the sites I see (hotel staff: their own site)")
@paginate(LimitOffsetPagination)
def list_stays(request, filters: Query[StayFilter]):
    require_view(request.user, QuarantineStay)
    return selectors.stays(request.user, **filters.dict())


@router.post("/sites/{site_id}/stays", response={201: StayOut, **WRITE_ERRORS},
             operation_id="prevention_stays_check_in",
             summary="Check a traveller in at a site (send an Idempotency-Key to retry safely)")
def check_in(request, site_id: int, data: StayCreateIn):
    site = scope.get_visible_or_404(QuarantineSite, request.user, pk=site_id)

    def run():
        # Hotel staff identify guests by the ID card in their hand; they see no one else in the registry.
        person = find_person(request.user, person_id=data.person_id, id_number=data.id_number,
                             everyone=data.person_id is None)
        stay = services.check_in(actor=request.user, site=site, person=person, room=data.room,
                                 starts_on=data.starts_on, ends_on=data.ends_on)
        return selectors.stays(request.user).get(pk=stay.pk)

    return idempotent(request, scope="prevention.stays.check_in", payload={"site": site_id, **data.dict()}, run=run,
                      out=StayOut, status=201)


@router.get("/stays/{stay_id}", response={200: StayOut, **ERRORS}, operation_id="prevention_stays_get",
            summary="One stay with its daily checks")
def get_stay(request, stay_id: int):
    return _stay(request, stay_id)


@router.post("/stays/{stay_id}/checks", response={201: HealthCheckOut, **WRITE_ERRORS},
             operation_id="prevention_stays_check", summary="Record a guest's daily health check (one a day; "
                                                            "send an Idempotency-Key to retry safely)")
def record_check(request, stay_id: int, data: HealthCheckIn):
    stay = _stay(request, stay_id)

    def run():
        return services.record_health_check(stay, actor=request.user, temperature=data.temperature,
                                            symptoms=[s.value for s in data.symptoms], day=data.day)

    return idempotent(request, scope="prevention.stays.check", payload={"stay": stay_id, **data.dict()}, run=run,
                      out=HealthCheckOut, status=201)


@router.post("/stays/{stay_id}/samples", response={201: NucleicTestOut, **WRITE_ERRORS},
             operation_id="prevention_stays_sample", summary="Register a guest's release-test sample")
def register_release_sample(request, stay_id: int, data: ReleaseSampleIn):
    test = services.register_release_sample(_stay(request, stay_id), actor=request.user, sample_id=data.sample_id,
                                            sampled_at=data.sampled_at)
    return Status(201, NucleicTest.objects.select_related("person", "region").get(pk=test.pk))


@router.get("/stays/{stay_id}/release-tests", response={200: list[NucleicTestOut], **ERRORS},
            operation_id="prevention_stays_release_tests",
            summary="The guest's negative tests that may release them (sampled in the last days of the stay)")
def release_tests(request, stay_id: int):
    return services.release_tests(_stay(request, stay_id)).select_related("person", "region")


@router.post("/stays/{stay_id}/release", response={200: StayOut, **WRITE_ERRORS},
             operation_id="prevention_stays_release",
             summary="Release a guest on or after the planned end, with a negative release test")
def release(request, stay_id: int, data: ReleaseIn):
    stay = _stay(request, stay_id)
    test = NucleicTest.objects.filter(pk=data.release_test_id, person_id=stay.person_id).first()
    if test is None:
        raise field_error("release_test_id", "不是该隔离人员的检测 / not a test of this guest")
    services.release_stay(stay, actor=request.user, release_test=test)
    return _stay(request, stay_id)
