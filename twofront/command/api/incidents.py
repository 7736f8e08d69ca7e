"""应急处置: incidents with level, place, time line, people assigned and closure."""

from ninja import Query, Router, Status

from twofront.command import selectors_incidents as selectors
from twofront.command.schemas_operations import (
    IncidentActionIn,
    IncidentActionOut,
    IncidentAssignIn,
    IncidentCloseIn,
    IncidentCreateIn,
    IncidentDetailOut,
    IncidentFilter,
    IncidentLevelIn,
    IncidentOut,
)
from twofront.command.services import incidents as services
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region, User

router = Router(tags=["command"])


def _incident(request, incident_id: int):
    return selectors.incident_or_404(request.user, incident_id)


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS}, operation_id="command_incidents_list",
            summary="Incidents in my jurisdiction, open and gravest first")
@paginate(LimitOffsetPagination)
def list_incidents(request, filters: Query[IncidentFilter]):
    return selectors.incidents(request.user, **filters.dict())


@router.post("/incidents", response={201: IncidentDetailOut, **WRITE_ERRORS}, operation_id="command_incidents_create",
             summary="Report an incident")
def create_incident(request, data: IncidentCreateIn):
    selectors.require_view(request.user)
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    incident = services.report_incident(actor=request.user, region=region,
                                        **data.dict(exclude={"region_code"}))
    return Status(201, _incident(request, incident.pk))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS},
            operation_id="command_incidents_get", summary="One incident with its time line")
def get_incident(request, incident_id: int):
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/actions", response={201: IncidentActionOut, **WRITE_ERRORS},
             operation_id="command_incidents_add_action", summary="Add a step to the incident's time line")
def add_action(request, incident_id: int, data: IncidentActionIn):
    return Status(201, services.add_action(_incident(request, incident_id), actor=request.user, text=data.text,
                                           at=data.at))


@router.post("/incidents/{incident_id}/assign", response={200: IncidentDetailOut, **WRITE_ERRORS},
             operation_id="command_incidents_assign", summary="Set the people assigned to the incident")
def assign(request, incident_id: int, data: IncidentAssignIn):
    incident = _incident(request, incident_id)
    names = list(dict.fromkeys(data.usernames))
    users = list(User.objects.filter(username__in=names, is_active=True))
    unknown = sorted(set(names) - {u.username for u in users})
    if unknown:
        raise field_error("usernames", "账号不存在 / unknown account: " + ", ".join(unknown)[:200])
    services.assign_people(incident, actor=request.user, users=users)
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/level", response={200: IncidentDetailOut, **WRITE_ERRORS},
             operation_id="command_incidents_level", summary="Raise or lower the incident's level, with the reason")
def change_level(request, incident_id: int, data: IncidentLevelIn):
    services.change_level(_incident(request, incident_id), actor=request.user, level=data.level, reason=data.reason)
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/close", response={200: IncidentDetailOut, **WRITE_ERRORS},
             operation_id="command_incidents_close", summary="Close the incident with a summary")
def close(request, incident_id: int, data: IncidentCloseIn):
    services.close_incident(_incident(request, incident_id), actor=request.user, summary=data.summary)
    return _incident(request, incident_id)
