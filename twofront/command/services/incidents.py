"""应急处置: an emergency is reported with its level (I-IV), place and time; people are assigned; every
step taken goes on its time line; a level change is a step too; it is closed with a summary."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.command.choices import IncidentLevel, IncidentStatus
from twofront.command.models import Incident, IncidentAction
from twofront.command.services.operations_checks import clean_moment, clean_text
from twofront.core import audit, scope
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region, User

VIEW = "command.view_incident"
ADD = "command.add_incident"
CHANGE = "command.change_incident"  # time line, people assigned, level
CLOSE = "command.close_incident"
MAX_ASSIGNED = 50
INCIDENT_FIELDS = ["title", "level", "region_id", "place", "occurred_at", "status", "closed_at", "closing_summary"]


def _level(value) -> str:
    if value not in IncidentLevel.values:
        raise field_error("level", _("Choose level I, II, III or IV."))
    return value


@transaction.atomic
def report_incident(*, actor, title: str, level: str, region: Region | None, place: str,
                    occurred_at: datetime.datetime, description: str = "") -> Incident:
    """A new incident; the description, when given, is the first entry of its time line."""
    if region is None:
        raise field_error("region", _("Choose a region."))
    scope.require(actor, ADD, region=region)
    fields = {"title": clean_text(title, "title", required=True, max_length=200), "level": _level(level),
              "place": clean_text(place, "place", required=True, max_length=200),
              "occurred_at": clean_moment(occurred_at, "occurred_at")}
    description = clean_text(description, "description", max_length=2000)
    incident = Incident.objects.create(region=region, created_by=actor, **fields)
    if description:
        IncidentAction.objects.create(incident=incident, at=incident.occurred_at, text=description, by=actor)
    audit.record(actor, "command.incident.reported", incident,
                 changes=audit.diff({}, audit.snapshot(incident, INCIDENT_FIELDS)))
    return incident


def _open(incident: Incident, actor, permission: str = CHANGE) -> Incident:
    scope.require(actor, permission, incident)
    incident = Incident.objects.select_for_update().select_related("region").get(pk=incident.pk)
    if incident.status != IncidentStatus.OPEN:
        raise Conflict(_("This incident is closed."))
    return incident


@transaction.atomic
def add_action(incident: Incident, *, actor, text: str, at: datetime.datetime | None = None) -> IncidentAction:
    """One step on the time line (default: now); not before the incident, not in the future."""
    incident = _open(incident, actor)
    text = clean_text(text, "text", required=True, max_length=2000)
    at = clean_moment(at or timezone.now(), "at")
    if at < incident.occurred_at:
        raise field_error("at", _("A step cannot come before the incident occurred."))
    action = IncidentAction.objects.create(incident=incident, at=at, text=text, by=actor)
    audit.record(actor, "command.incident.action_added", incident, changes={"at": at, "text": text})
    return action


def assignable(incident: Incident, users) -> list[User]:
    """Accounts that may work on the incident: those who can see it."""
    return [u for u in users if u.is_active and scope.covers(u, VIEW, incident)]


@transaction.atomic
def assign_people(incident: Incident, *, actor, users: list[User]) -> Incident:
    """Sets the people assigned (replacing the list); each must be able to see the incident."""
    incident = _open(incident, actor)
    users = list({u.pk: u for u in users}.values())
    if len(users) > MAX_ASSIGNED:
        raise field_error("users", _("Assign at most %(n)s people.") % {"n": MAX_ASSIGNED})
    allowed = {u.pk for u in assignable(incident, users)}
    refused = [u for u in users if u.pk not in allowed]
    if refused:
        raise field_error("users", _("%(names)s cannot see this incident.") % {
            "names": "、".join(str(u) for u in refused)})
    before = sorted(incident.assigned.values_list("username", flat=True))
    incident.assigned.set(users)
    after = sorted(u.username for u in users)
    if before != after:
        IncidentAction.objects.create(incident=incident, at=timezone.now(), by=actor, text=_(
            "Assigned: %(names)s") % {"names": "、".join(str(u) for u in users) or "—"})
        audit.record(actor, "command.incident.assigned", incident, changes={"assigned": [before, after]})
    return incident


@transaction.atomic
def change_level(incident: Incident, *, actor, level: str, reason: str) -> Incident:
    """Raise or lower the response level; the reason goes on the time line."""
    incident = _open(incident, actor)
    level = _level(level)
    reason = clean_text(reason, "reason", required=True, max_length=1000)
    if level == incident.level:
        raise field_error("level", _("The incident is at this level already."))
    before = incident.get_level_display()
    old = incident.level
    incident.level = level
    incident.save(update_fields=["level"])
    IncidentAction.objects.create(incident=incident, at=timezone.now(), by=actor, text=_(
        "Level changed from %(old)s to %(new)s: %(reason)s") % {"old": before, "new": incident.get_level_display(),
                                                                 "reason": reason})
    audit.record(actor, "command.incident.level_changed", incident, changes={"level": [old, level]}, reason=reason)
    return incident


@transaction.atomic
def close_incident(incident: Incident, *, actor, summary: str) -> Incident:
    incident = _open(incident, actor, CLOSE)
    summary = clean_text(summary, "summary", required=True, max_length=5000)
    incident.status, incident.closed_at, incident.closing_summary = IncidentStatus.CLOSED, timezone.now(), summary
    incident.save(update_fields=["status", "closed_at", "closing_summary"])
    audit.record(actor, "command.incident.closed", incident,
                 changes={"status": [IncidentStatus.OPEN, IncidentStatus.CLOSED], "closing_summary": summary})
    return incident
