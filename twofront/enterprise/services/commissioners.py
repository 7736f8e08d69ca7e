"""Enterprise commissioners (驻企专员): assignments, visits, and the appeals (诉求) they take.

An appeal goes open -> (escalated to a department) -> closed with an answer; once closed, the
enterprise (and only the enterprise) rates it 1-5, once. Open or escalated past its deadline, it is
overdue and surfaces to the district.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, scope
from twofront.core.choices import OrganisationKind
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Organisation, User
from twofront.core.roles import Role
from twofront.enterprise.choices import AppealCategory, AppealStatus
from twofront.enterprise.models import Appeal, CommissionerAssignment, Enterprise, Visit
from twofront.enterprise.services.supplies import clean_text
from twofront.metrics.dirty import touch_many

OPEN_STATUSES = (AppealStatus.OPEN, AppealStatus.ESCALATED)
DEFAULT_DEADLINE_DAYS = 5
MAX_DEADLINE_DAYS = 90


def deadline_days() -> int:
    """Days an appeal has before it is overdue: settings.TWOFRONT_APPEAL_DEADLINE_DAYS, 5 by default."""
    return int(getattr(settings, "TWOFRONT_APPEAL_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS))


def serves(user, enterprise: Enterprise) -> bool:
    """Does the user hold the commissioner role over the enterprise's region?"""
    return any(a.role == Role.COMMISSIONER and a.region_id and enterprise.region.path.startswith(a.region.path)
               for a in scope.assignments(user))


def _touch_coverage(enterprise: Enterprise, commissioner: User) -> None:
    # "Covered" counts each enterprise on the day of its first assignment and each commissioner on the
    # day of theirs: adding or ending one assignment can move those firsts, so mark every cell involved.
    cells = (CommissionerAssignment.objects.filter(Q(enterprise=enterprise) | Q(commissioner=commissioner))
             .values_list("enterprise__region_id", "since"))
    touch_many(CommissionerAssignment, cells)


@transaction.atomic
def assign_commissioner(*, actor, enterprise: Enterprise, commissioner: User | None,
                        since: datetime.date | None = None) -> CommissionerAssignment:
    scope.require(actor, "enterprise.add_commissionerassignment", enterprise)
    if commissioner is None or not serves(commissioner, enterprise):
        raise field_error("commissioner", _("Choose a commissioner of this enterprise's district."))
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise field_error("since", _("The date cannot be in the future."))
    try:
        with transaction.atomic():
            assignment = CommissionerAssignment.objects.create(commissioner=commissioner, enterprise=enterprise,
                                                               since=since)
    except IntegrityError:
        raise Conflict(_("This commissioner is already stationed with this enterprise."))
    audit.record(actor, "enterprise.commissioner.assigned", assignment,
                 changes={"commissioner": commissioner.get_username(), "enterprise_id": enterprise.pk,
                          "since": since})
    _touch_coverage(enterprise, commissioner)
    return assignment


@transaction.atomic
def end_assignment(assignment: CommissionerAssignment, *, actor) -> None:
    # Ending is part of assigning: whoever may station a commissioner may withdraw one.
    scope.require(actor, "enterprise.add_commissionerassignment", assignment)
    enterprise, commissioner = assignment.enterprise, assignment.commissioner
    label, pk = str(assignment), assignment.pk
    changes = {"commissioner": commissioner.get_username(), "enterprise_id": enterprise.pk, "since": assignment.since}
    assignment.delete()
    assignment.pk = pk
    audit.record(actor, "enterprise.commissioner.unassigned", assignment, changes=changes, object_repr=label,
                 region=enterprise.region)
    touch_many(CommissionerAssignment, [(enterprise.region_id, changes["since"])])
    _touch_coverage(enterprise, commissioner)


@transaction.atomic
def record_visit(*, actor, enterprise: Enterprise, visited_on: datetime.date, notes: str = "") -> Visit:
    scope.require(actor, "enterprise.add_visit", enterprise)
    if visited_on > timezone.localdate():
        raise field_error("visited_on", _("The date cannot be in the future."))
    visit = Visit.objects.create(enterprise=enterprise, commissioner=actor, visited_on=visited_on,
                                 notes=clean_text(notes, "notes", max_length=4000))
    audit.record(actor, "enterprise.visit.recorded", visit,
                 changes={"enterprise_id": enterprise.pk, "visited_on": visited_on, "notes": visit.notes})
    return visit


def _touch(appeal: Appeal) -> None:
    # Open is counted on the day raised, overdue on overdue_on, closed on the day closed.
    days = [appeal.created_at, appeal.overdue_on, appeal.closed_at]
    touch_many(Appeal, [(appeal.enterprise.region_id, day) for day in days if day])


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("enterprise").get(pk=appeal.pk)


def _expect(appeal: Appeal, *statuses: str) -> None:
    if appeal.status not in statuses:
        raise Conflict(_("The appeal is %(status)s; this step is not possible now.")
                       % {"status": appeal.get_status_display()})


@transaction.atomic
def raise_appeal(*, actor, enterprise: Enterprise, category: str, description: str,
                 deadline: datetime.date | None = None) -> Appeal:
    """The enterprise (or its commissioner) raises a problem; it is due in deadline_days() unless given."""
    scope.require(actor, "enterprise.add_appeal", enterprise)
    if category not in AppealCategory.values:
        raise field_error("category", _("Choose a listed category."))
    description = clean_text(description, "description", required=True, max_length=4000)
    today = timezone.localdate()
    deadline = deadline or today + datetime.timedelta(days=deadline_days())
    if not today <= deadline <= today + datetime.timedelta(days=MAX_DEADLINE_DAYS):
        raise field_error("deadline", _("Choose a day from today to %(n)s days ahead.") % {"n": MAX_DEADLINE_DAYS})
    # The commissioner who takes it: the one raising it, else the enterprise's longest-serving one.
    commissioner = actor if serves(actor, enterprise) else next(
        (a.commissioner for a in enterprise.commissioner_assignments.order_by("since", "pk")), None)
    appeal = Appeal.objects.create(enterprise=enterprise, category=category, description=description,
                                   deadline=deadline, overdue_on=deadline + datetime.timedelta(days=1),
                                   commissioner=commissioner, created_by=actor)
    audit.record(actor, "enterprise.appeal.raised", appeal,
                 changes={"category": category, "description": description, "deadline": deadline,
                          "commissioner": commissioner.get_username() if commissioner else None})
    _touch(appeal)
    return appeal


@transaction.atomic
def escalate_appeal(appeal: Appeal, *, actor, department: Organisation | None, note: str = "") -> Appeal:
    """Hands an open appeal to a government department, with a note on what is needed."""
    scope.require(actor, "enterprise.handle_appeal", appeal)
    if department is None or department.kind != OrganisationKind.DEPARTMENT:
        raise field_error("department", _("Choose a government department."))
    note = clean_text(note, "note")
    appeal = _locked(appeal)
    _expect(appeal, AppealStatus.OPEN)
    appeal.status, appeal.escalated_to, appeal.escalated_at = AppealStatus.ESCALATED, department, timezone.now()
    appeal.escalation_note = note
    appeal.save(update_fields=["status", "escalated_to", "escalated_at", "escalation_note"])
    audit.record(actor, "enterprise.appeal.escalated", appeal,
                 changes={"status": [AppealStatus.OPEN, AppealStatus.ESCALATED], "escalated_to": department.name,
                          "escalation_note": note})
    _touch(appeal)
    return appeal


@transaction.atomic
def close_appeal(appeal: Appeal, *, actor, answer: str) -> Appeal:
    scope.require(actor, "enterprise.handle_appeal", appeal)
    answer = clean_text(answer, "answer", required=True, max_length=4000)
    appeal = _locked(appeal)
    _expect(appeal, *OPEN_STATUSES)
    before = appeal.status
    appeal.status, appeal.answer, appeal.closed_by, appeal.closed_at = AppealStatus.CLOSED, answer, actor, timezone.now()
    seconds = max((appeal.closed_at - appeal.created_at).total_seconds(), 0)
    appeal.hours_to_close = (Decimal(seconds) / 3600).quantize(Decimal("0.1"))
    appeal.save(update_fields=["status", "answer", "closed_by", "closed_at", "hours_to_close"])
    audit.record(actor, "enterprise.appeal.closed", appeal,
                 changes={"status": [before, AppealStatus.CLOSED], "answer": answer})
    _touch(appeal)
    return appeal


@transaction.atomic
def rate_appeal(appeal: Appeal, *, actor, rating: int) -> Appeal:
    """Only the enterprise rates, only a closed appeal, only once."""
    scope.require(actor, "enterprise.rate_appeal", appeal)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise field_error("rating", _("Rate from 1 to 5."))
    appeal = _locked(appeal)
    _expect(appeal, AppealStatus.CLOSED)
    if appeal.rating is not None:
        raise Conflict(_("This appeal has already been rated."))
    appeal.rating = rating
    appeal.save(update_fields=["rating"])
    audit.record(actor, "enterprise.appeal.rated", appeal, changes={"rating": [None, rating]})
    return appeal
