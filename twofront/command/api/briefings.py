"""GET /api/v1/command/briefings (my jurisdiction's daily briefings) and POST .../briefings (generate one now)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from ninja import Field, Router, Schema

from twofront.command.models import Briefing
from twofront.command.services import briefings as service
from twofront.core import scope
from twofront.core.apikit import ERRORS, LimitOffsetPagination, paginate
from twofront.core.models import Region

router = Router(tags=["command"])


class BriefingOut(Schema):
    id: int
    region_code: str
    region_name: str
    day: datetime.date
    generated_at: datetime.datetime
    xlsx_url: str | None
    pdf_url: str | None

    @staticmethod
    def _url(obj, kind):
        return reverse("command_briefing_download", args=[obj.pk, kind]) if getattr(obj, kind) else None

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_xlsx_url(obj):
        return BriefingOut._url(obj, "xlsx")

    @staticmethod
    def resolve_pdf_url(obj):
        return BriefingOut._url(obj, "pdf")


class BriefingGenerateIn(Schema):
    region: str = Field(..., max_length=20, pattern=r"^[0-9A-Za-z]+$", description="division code")
    day: datetime.date = Field(..., description="the day the briefing covers")


@router.get("/briefings", response={200: list[BriefingOut], **ERRORS}, operation_id="command_briefings_list",
            summary="Daily briefings of my jurisdiction, newest first")
@paginate(LimitOffsetPagination)
def list_briefings(request):
    if not scope.has_permission_anywhere(request.user, "command.view_briefing"):
        raise PermissionDenied
    return Briefing.objects.visible_to(request.user).select_related("region").order_by("-day", "region__code")


@router.post("/briefings", response={200: BriefingOut, **ERRORS}, operation_id="command_briefings_generate",
             summary="Generate (or regenerate) the briefing of a region and day now")
def generate(request, data: BriefingGenerateIn):
    if not scope.has_permission_anywhere(request.user, "command.add_briefing"):
        raise PermissionDenied
    region = Region.objects.filter(code=data.region).first()
    if region is None:
        raise Http404
    if not datetime.date(1970, 1, 1) <= data.day <= datetime.date(2099, 12, 31):
        raise ValidationError({"day": ["Choose a day between 1970-01-01 and 2099-12-31."]})
    return service.generate_briefing(region=region, day=data.day, actor=request.user)
