"""Joint consultations (工作会商): a command post's meeting with its attendees, a summary and numbered
decisions; each decision can be turned into supervision tasks (services.supervision.create_task with
`decision=`), so what was decided is followed up and accepted."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.command.models import Consultation, Decision
from twofront.command.services.groups import clean_text, staff_in
from twofront.core import audit, scope
from twofront.core.errors import field_error
from twofront.core.models import Region, User

EARLIEST = datetime.datetime(2019, 12, 1, tzinfo=datetime.UTC)
MAX_AHEAD_DAYS = 90
MAX_DECISIONS = 50
CONSULTATION_FIELDS = ["title", "held_at", "location", "attendee_names", "summary"]


def _fields(*, title, held_at, location, attendee_names, summary) -> dict:
    if not isinstance(held_at, datetime.datetime) or timezone.is_naive(held_at) or not (
            EARLIEST <= held_at <= timezone.now() + datetime.timedelta(days=MAX_AHEAD_DAYS)):
        raise field_error("held_at", _("Enter a time from December 2019 to %(n)s days ahead.") % {"n": MAX_AHEAD_DAYS})
    return {"title": clean_text(title, "title", required=True, max_length=200), "held_at": held_at,
            "location": clean_text(location, "location", max_length=128),
            "attendee_names": clean_text(attendee_names, "attendee_names", max_length=2000),
            "summary": clean_text(summary, "summary", max_length=8000)}


def _attendees(region: Region, attendees) -> list[User]:
    attendees = list(dict.fromkeys(attendees or ()))
    if len(attendees) > staff_in(region).filter(pk__in=[u.pk for u in attendees]).count():
        raise field_error("attendees", _("Choose officials of this region."))
    return attendees


def _decision_texts(decisions) -> list[str]:
    texts = [clean_text(text, "decisions", max_length=2000) for text in decisions or ()]
    texts = [t for t in texts if t]
    if len(texts) > MAX_DECISIONS:
        raise field_error("decisions", _("Record at most %(n)s decisions.") % {"n": MAX_DECISIONS})
    return texts


@transaction.atomic
def create_consultation(*, actor, region: Region, title: str, held_at: datetime.datetime, location: str = "",
                        attendees=(), attendee_names: str = "", summary: str = "", decisions=()) -> Consultation:
    scope.require(actor, "command.add_consultation", region=region)
    fields = _fields(title=title, held_at=held_at, location=location, attendee_names=attendee_names,
                     summary=summary)
    people, texts = _attendees(region, attendees), _decision_texts(decisions)
    consultation = Consultation.objects.create(region=region, created_by=actor, **fields)
    consultation.attendees.set(people)
    Decision.objects.bulk_create([Decision(consultation=consultation, text=t, order=i)
                                  for i, t in enumerate(texts, start=1)])
    audit.record(actor, "command.consultation.recorded", consultation,
                 changes={**audit.diff({}, audit.snapshot(consultation, CONSULTATION_FIELDS)),
                          "attendees": [u.get_username() for u in people], "decisions": texts})
    return consultation


@transaction.atomic
def update_consultation(consultation: Consultation, *, actor, title: str, held_at: datetime.datetime,
                        location: str = "", attendees=(), attendee_names: str = "", summary: str = "") -> Consultation:
    scope.require(actor, "command.change_consultation", consultation)
    before = audit.snapshot(consultation, CONSULTATION_FIELDS)
    before_people = sorted(consultation.attendees.values_list("username", flat=True))
    fields = _fields(title=title, held_at=held_at, location=location, attendee_names=attendee_names,
                     summary=summary)
    people = _attendees(consultation.region, attendees)
    for key, value in fields.items():
        setattr(consultation, key, value)
    changes = audit.diff(before, audit.snapshot(consultation, CONSULTATION_FIELDS))
    after_people = sorted(u.get_username() for u in people)
    if after_people != before_people:
        changes["attendees"] = [before_people, after_people]
    if changes:
        consultation.save(update_fields=CONSULTATION_FIELDS)
        consultation.attendees.set(people)
        audit.record(actor, "command.consultation.updated", consultation, changes=changes)
    return consultation


@transaction.atomic
def add_decision(consultation: Consultation, *, actor, text: str) -> Decision:
    scope.require(actor, "command.change_consultation", consultation)
    text = clean_text(text, "text", required=True, max_length=2000)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    last = consultation.decisions.aggregate(last=Max("order"))["last"] or 0
    if consultation.decisions.count() >= MAX_DECISIONS:
        raise field_error("text", _("Record at most %(n)s decisions.") % {"n": MAX_DECISIONS})
    decision = Decision.objects.create(consultation=consultation, text=text, order=last + 1)
    audit.record(actor, "command.consultation.decision_added", consultation,
                 changes={"decision": decision.order, "text": text})
    return decision
