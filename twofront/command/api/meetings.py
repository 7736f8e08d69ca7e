"""Joint consultations (工作会商): meetings, their attendees and decisions; a decision becomes tasks."""

from django.http import Http404
from ninja import Query, Router, Status

from twofront.command import selectors_tasks as selectors
from twofront.command.api.supervision import region_or_422, task_fields, task_or_404, user_or_422
from twofront.command.models import Consultation, Decision
from twofront.command.schemas_tasks import (
    ConsultationCreateIn,
    ConsultationDetailOut,
    ConsultationFilter,
    ConsultationOut,
    ConsultationUpdateIn,
    DecisionIn,
    DecisionOut,
    TaskDetailOut,
    TaskFieldsIn,
)
from twofront.command.services import meetings as services
from twofront.command.services.supervision import create_task
from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, paginate

router = Router(tags=["command"])


def _consultation(request, consultation_id: int) -> Consultation:
    return scope.get_visible_or_404(selectors.consultation_detail(request.user), request.user, pk=consultation_id)


def _people(usernames: list[str] | None) -> list:
    return [user_or_422(name, "attendees") for name in dict.fromkeys(usernames or ())]


@router.get("/consultations", response={200: list[ConsultationOut], **ERRORS},
            operation_id="command_consultations_list", summary="Consultations of the command posts I see, newest first")
@paginate(LimitOffsetPagination)
def list_consultations(request, filters: Query[ConsultationFilter]):
    selectors.require_view(request.user, Consultation)
    return selectors.consultations(request.user, **filters.dict())


@router.post("/consultations", response={201: ConsultationDetailOut, **WRITE_ERRORS},
             operation_id="command_consultations_create", summary="Record a consultation with its decisions")
def create_consultation(request, data: ConsultationCreateIn):
    consultation = services.create_consultation(
        actor=request.user, region=region_or_422(data.region_code, "region_code"), title=data.title,
        held_at=data.held_at, location=data.location, attendees=_people(data.attendees),
        attendee_names=data.attendee_names, summary=data.summary, decisions=data.decisions)
    return Status(201, _consultation(request, consultation.pk))


@router.get("/consultations/{consultation_id}", response={200: ConsultationDetailOut, **ERRORS},
            operation_id="command_consultations_get", summary="One consultation with its decisions and their tasks")
def get_consultation(request, consultation_id: int):
    return _consultation(request, consultation_id)


@router.patch("/consultations/{consultation_id}", response={200: ConsultationDetailOut, **WRITE_ERRORS},
              operation_id="command_consultations_update", summary="Correct a consultation's record")
def update_consultation(request, consultation_id: int, data: ConsultationUpdateIn):
    consultation = _consultation(request, consultation_id)
    fields = data.dict(exclude_none=True)
    current = {"title": consultation.title, "held_at": consultation.held_at, "location": consultation.location,
               "attendee_names": consultation.attendee_names, "summary": consultation.summary,
               "attendees": list(consultation.attendees.all())}
    if "attendees" in fields:
        fields["attendees"] = _people(fields["attendees"])
    services.update_consultation(consultation, actor=request.user, **{**current, **fields})
    return _consultation(request, consultation_id)


@router.post("/consultations/{consultation_id}/decisions", response={201: DecisionOut, **WRITE_ERRORS},
             operation_id="command_consultations_decisions_add", summary="Add a decision to a consultation")
def add_decision(request, consultation_id: int, data: DecisionIn):
    return Status(201, services.add_decision(_consultation(request, consultation_id), actor=request.user,
                                             text=data.text))


@router.post("/consultations/{consultation_id}/decisions/{decision_id}/tasks",
             response={201: TaskDetailOut, **WRITE_ERRORS}, operation_id="command_decisions_tasks_create",
             summary="Turn a decision into a supervision task issued by the consultation's command post")
def create_decisiontask_or_404(request, consultation_id: int, decision_id: int, data: TaskFieldsIn):
    decision = Decision.objects.filter(consultation=_consultation(request, consultation_id), pk=decision_id).first()
    if decision is None:
        raise Http404
    task = create_task(actor=request.user, decision=decision, **task_fields(data))
    return Status(201, task_or_404(request, task.pk))
