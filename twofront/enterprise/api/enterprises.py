"""Enterprises: registration, edits, resumption, the QR check-in link, and resumption statistics."""

import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region
from twofront.core.scope import require_view
from twofront.enterprise import selectors
from twofront.enterprise.models import Enterprise
from twofront.enterprise.schemas import (
    CheckinLinkOut,
    EnterpriseCreateIn,
    EnterpriseFilter,
    EnterpriseOut,
    EnterpriseUpdateIn,
    ResumeIn,
    StatsOut,
)
from twofront.enterprise.services import enterprises as services

router = Router(tags=["enterprise"])


def region_or_422(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise field_error(field, "区划代码不存在 / unknown division code")
    return region


def _enterprise(request, enterprise_id: int) -> Enterprise:
    return scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user, pk=enterprise_id)


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS}, operation_id="enterprise_list",
            summary="Enterprises I can see (contact phone masked)")
@paginate(LimitOffsetPagination)
def list_enterprises(request, filters: Query[EnterpriseFilter]):
    require_view(request.user, Enterprise)
    return selectors.enterprises(request.user, **filters.dict())


@router.post("/enterprises", response={201: EnterpriseOut, **WRITE_ERRORS}, operation_id="enterprise_create",
             summary="Register an enterprise (and its organisation); send an Idempotency-Key to retry safely")
def create_enterprise(request, data: EnterpriseCreateIn):
    def run():
        values = data.dict()
        return services.create_enterprise(actor=request.user, region=region_or_422(values.pop("region_code")),
                                          **values)

    return idempotent(request, scope="enterprise.create", payload=data.dict(), run=run, out=EnterpriseOut, status=201)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS}, operation_id="enterprise_get",
            summary="One enterprise")
def get_enterprise(request, enterprise_id: int):
    return _enterprise(request, enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **WRITE_ERRORS},
              operation_id="enterprise_update", summary="Change an enterprise's registration")
def update_enterprise(request, enterprise_id: int, data: EnterpriseUpdateIn):
    enterprise = _enterprise(request, enterprise_id)
    changes = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    if "region_code" in changes:
        changes["region"] = region_or_422(changes.pop("region_code"))
    return services.update_enterprise(enterprise, actor=request.user, **changes)


@router.post("/enterprises/{enterprise_id}/resume", response={200: EnterpriseOut, **WRITE_ERRORS},
             operation_id="enterprise_resume", summary="Mark work resumed (after an approved declaration)")
def resume(request, enterprise_id: int, data: ResumeIn):
    enterprise = _enterprise(request, enterprise_id)
    return services.mark_resumed(enterprise, actor=request.user, resumed_on=data.resumed_on)


@router.get("/enterprises/{enterprise_id}/checkin-link", response={200: CheckinLinkOut, **ERRORS},
            operation_id="enterprise_checkin_link", summary="The QR-code check-in link (enterprise accounts)")
def checkin_link(request, enterprise_id: int):
    enterprise = _enterprise(request, enterprise_id)
    scope.require(request.user, "enterprise.change_enterprise", enterprise)
    url = request.build_absolute_uri(reverse("enterprise_checkin_form", args=[enterprise.checkin_token]))
    return {"id": enterprise.pk, "checkin_url": url}


@router.post("/enterprises/{enterprise_id}/rotate-checkin-token", response={200: CheckinLinkOut, **WRITE_ERRORS},
             operation_id="enterprise_rotate_checkin_token", summary="Invalidate printed QR codes: a new link")
def rotate_token(request, enterprise_id: int):
    enterprise = services.rotate_checkin_token(_enterprise(request, enterprise_id), actor=request.user)
    url = request.build_absolute_uri(reverse("enterprise_checkin_form", args=[enterprise.checkin_token]))
    return {"id": enterprise.pk, "checkin_url": url}


@router.get("/stats/resumption", response={200: StatsOut, **ERRORS}, operation_id="enterprise_resumption_stats",
            summary="Enterprises resumed / registered and employees back / expected, by region, industry or scale")
def resumption_stats(request, by: str = Query("region", pattern="^(region|industry|scale)$"),
                     parent: str | None = Query(None, max_length=20, description="division code (by=region)"),
                     day: datetime.date | None = None):
    require_view(request.user, Enterprise)
    region = selectors.stats_parent(request.user, parent) if by == "region" else None
    rows = selectors.resumption_stats(request.user, by=by, parent=region, day=day)
    return {"by": by, "parent_code": region.code if region else None, "day": day or timezone.localdate(),
            "total": selectors.stats_total(rows), "rows": rows}
