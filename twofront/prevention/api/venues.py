"""Venue closures: the venue register and its state changes (close, disinfect, reopen) as POST verbs."""

from django.utils import timezone
from ninja import Query, Router, Status

from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.prevention import selectors_venues as selectors
from twofront.prevention.schemas_venues import VenueCreateIn, VenueDateIn, VenueFilter, VenueOut
from twofront.prevention.selectors_compounds import region_or_422
from twofront.prevention.services import venues as services

router = Router(tags=["prevention"])


@router.get("/venues", response={200: list[VenueOut], **ERRORS}, operation_id="prevention_venues_list",
            summary="Public venues (KTV, internet cafés, libraries, museums, scenic spots ...) in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_venues(request, filters: Query[VenueFilter]):
    return selectors.venues(request.user, **filters.dict())


@router.post("/venues", response={201: VenueOut, **WRITE_ERRORS}, operation_id="prevention_venues_create",
             summary="Register a venue")
def create_venue(request, data: VenueCreateIn):
    return Status(201, services.create_venue(actor=request.user, name=data.name, kind=data.kind, address=data.address,
                                             region=region_or_422(data.region_code)))


@router.get("/venues/{venue_id}", response={200: VenueOut, **ERRORS}, operation_id="prevention_venues_get",
            summary="One venue")
def get_venue(request, venue_id: int):
    return selectors.venue_or_404(request.user, venue_id)


def _verb(name: str, service, summary: str) -> None:
    @router.post(f"/venues/{{venue_id}}/{name}", response={200: VenueOut, **WRITE_ERRORS},
                 operation_id=f"prevention_venues_{name}", summary=summary)
    def change(request, venue_id: int, data: VenueDateIn):
        venue = selectors.venue_or_404(request.user, venue_id)
        return service(venue, actor=request.user, on=data.on or timezone.localdate())

    change.__name__ = f"venue_{name}"


_verb("close", services.close_venue, "Close a venue (from open or reopened)")
_verb("disinfect", services.disinfect_venue, "Record a closed venue's disinfection")
_verb("reopen", services.reopen_venue, "Reopen a closed and disinfected venue")
