"""Households and grid screening (网格化摸排): households and their members, campaigns, leads and visits.

A lead names a person (or a whole household) a campaign must visit, in a grid, assigned to that grid's
worker. A visit to a household settles its pending leads of one campaign; a key-person category chosen
on the visit places the lead persons (or, for a household lead, the members present) in that category
through the key-people service.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, scope
from twofront.core.choices import RegionLevel, Symptom
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Person, Region, RoleAssignment
from twofront.core.roles import Role
from twofront.metrics.dirty import touch, touch_many
from twofront.prevention.choices import LeadStatus
from twofront.prevention.models import (
    Household,
    HouseholdMember,
    KeyCategory,
    KeyPersonEntry,
    Lead,
    ScreeningCampaign,
    ScreeningVisit,
)
from twofront.prevention.services import testing as key_people
from twofront.prevention.services.community import clean_day, clean_text, require_level

MAX_PLACES = 20
CAMPAIGN_AHEAD_DAYS = 366


def lead_key(campaign_id: int, *, person: Person | None = None, household: Household | None = None) -> str:
    """One lead per campaign and person (by the ID's blind index, as imports compute it) or household."""
    return f"{campaign_id}:{person.id_number_index}" if person is not None else f"{campaign_id}:h{household.pk}"


def grid_worker_of(region_id: int) -> int | None:
    """The user id of the grid's worker (the first assigned, if several), for new leads."""
    return (RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_id=region_id).order_by("pk")
            .values_list("user_id", flat=True).first())


# -- households ------------------------------------------------------------------------------------

@transaction.atomic
def create_household(*, actor, region: Region, address: str) -> Household:
    scope.require(actor, "prevention.add_household", region=region)
    require_level(region, "region_code", RegionLevel.GRID)
    household = Household.objects.create(region=region, address=clean_text(address, "address", required=True,
                                                                            max_length=255))
    audit.record(actor, "prevention.household.created", household,
                 changes={"address": household.address, "region": region.code})
    touch(Household, region_id=region.pk, day=household.created_at)
    return household


@transaction.atomic
def add_household_member(household: Household, *, actor, person: Person, relation: str = "") -> HouseholdMember:
    """Adds a person of the registry the actor can see (register new people through core first)."""
    scope.require(actor, "prevention.change_household", household)
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise field_error("person_id", _("Choose a person registered in your jurisdiction."))
    if household.memberships.filter(person=person).exists():
        raise Conflict(_("This person is already a member of the household."))
    member = HouseholdMember.objects.create(household=household, person=person,
                                            relation=clean_text(relation, "relation", max_length=16))
    audit.record(actor, "prevention.household.member_added", household,
                 changes={"person": person.pk, "relation": member.relation})
    return member


@transaction.atomic
def move_household(household: Household, *, actor, region: Region) -> Household:
    """Assigns the household (and its pending leads) to another grid."""
    scope.require(actor, "prevention.change_household", household)
    scope.require(actor, "prevention.change_household", region=region)
    require_level(region, "region_code", RegionLevel.GRID)
    household = Household.objects.select_for_update().get(pk=household.pk)
    old = household.region_id
    if old == region.pk:
        return household
    household.region = region
    household.save(update_fields=["region"])
    pending = list(household.leads.filter(status=LeadStatus.PENDING).select_for_update())
    worker = grid_worker_of(region.pk)
    Lead.objects.filter(pk__in=[lead.pk for lead in pending]).update(region=region, assigned_to_id=worker)
    audit.record(actor, "prevention.household.moved", household,
                 changes={"region_id": [old, region.pk], "pending_leads": [lead.pk for lead in pending]})
    touch_many(Household, [(old, household.created_at), (region.pk, household.created_at)])
    touch_many(Lead, [(r, lead.created_at) for lead in pending for r in (old, region.pk)])
    return household


# -- campaigns and leads ---------------------------------------------------------------------------

@transaction.atomic
def create_campaign(*, actor, name: str, region: Region, starts_on: datetime.date, ends_on: datetime.date | None = None,
                    description: str = "") -> ScreeningCampaign:
    scope.require(actor, "prevention.add_screeningcampaign", region=region)
    starts_on = clean_day(starts_on, "starts_on", future_days=CAMPAIGN_AHEAD_DAYS)
    if ends_on is not None:
        ends_on = clean_day(ends_on, "ends_on", not_before=starts_on, future_days=CAMPAIGN_AHEAD_DAYS)
    campaign = ScreeningCampaign.objects.create(
        name=clean_text(name, "name", required=True, max_length=128), region=region, starts_on=starts_on,
        ends_on=ends_on, description=clean_text(description, "description", max_length=2000), created_by=actor)
    audit.record(actor, "prevention.campaign.created", campaign,
                 changes={"name": campaign.name, "region": region.code, "starts_on": starts_on, "ends_on": ends_on})
    return campaign


@transaction.atomic
def create_lead(campaign: ScreeningCampaign, *, actor, household: Household, person: Person | None = None,
                due_on: datetime.date | None = None, note: str = "") -> Lead:
    """A lead for a household of the campaign's region; naming a person, they must be one of its members."""
    scope.require(actor, "prevention.add_lead", household)
    if not campaign.region.contains(household.region):
        raise field_error("household_id", _("The household is outside the campaign's region."))
    if person is not None and not household.memberships.filter(person=person).exists():
        raise field_error("person_id", _("The person is not a member of this household."))
    if due_on is not None:
        due_on = clean_day(due_on, "due_on", future_days=CAMPAIGN_AHEAD_DAYS)
    key = lead_key(campaign.pk, person=person, household=household)
    if Lead.objects.filter(lead_key=key).exists():
        raise Conflict(_("The campaign already has this lead."))
    lead = Lead.objects.create(campaign=campaign, household=household, person=person, region=household.region,
                               assigned_to_id=grid_worker_of(household.region_id), due_on=due_on,
                               note=clean_text(note, "note"), lead_key=key)
    audit.record(actor, "prevention.lead.created", lead, changes={
        "campaign": campaign.pk, "household": household.pk, "person": person.pk if person else None,
        "due_on": due_on, "assigned_to": lead.assigned_to_id})
    touch(Lead, region_id=lead.region_id, day=lead.created_at)
    return lead


@transaction.atomic
def assign_lead(lead: Lead, *, actor, assignee) -> Lead:
    scope.require(actor, "prevention.assign_lead", lead)
    if not scope.covers(assignee, "prevention.add_screeningvisit", lead):
        raise field_error("username", _("Choose a grid worker of the lead's grid."))
    before = lead.assigned_to_id
    lead.assigned_to = assignee
    lead.save(update_fields=["assigned_to"])
    audit.record(actor, "prevention.lead.assigned", lead, changes={"assigned_to_id": [before, assignee.pk]})
    return lead


@transaction.atomic
def mark_lead_not_found(lead: Lead, *, actor, note: str) -> Lead:
    """Nobody to visit at the address: the lead is closed as not found, with why."""
    scope.require(actor, "prevention.change_lead", lead)
    note = clean_text(note, "note", required=True)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.PENDING:
        raise Conflict(_("Only a lead still to visit can be closed as not found."))
    lead.status, lead.note = LeadStatus.NOT_FOUND, note
    lead.save(update_fields=["status", "note"])
    audit.record(actor, "prevention.lead.not_found", lead, changes={"status": [LeadStatus.PENDING, lead.status]},
                 reason=note)
    return lead  # no metric cell changes: "not found" stays among the leads, not among the visited


# -- visits ----------------------------------------------------------------------------------------

def _clean_places(places: list, field: str) -> list[str]:
    if not isinstance(places, list) or len(places) > MAX_PLACES:
        raise field_error(field, _("Name at most %(n)s places.") % {"n": MAX_PLACES})
    return [p for p in (clean_text(place, field, max_length=64) for place in places) if p]


@transaction.atomic
def record_visit(household: Household, *, actor, campaign: ScreeningCampaign | None = None,
                 members_present: list[int] = (), travel_history: list[str] = (), symptoms: list[str] = (),
                 key_category: KeyCategory | None = None, follow_up: bool = False, notes: str = "") -> ScreeningVisit:
    """Records a visit and settles the household's pending leads of `campaign` (default: the campaign of
    its first-due pending lead); a visit with a campaign makes the household "screened"."""
    scope.require(actor, "prevention.add_screeningvisit", household)
    household = Household.objects.select_for_update().get(pk=household.pk)  # one visit settles a lead once
    members = set(household.memberships.values_list("person_id", flat=True))
    present = list(dict.fromkeys(members_present))  # person ids
    if any(pk not in members for pk in present):
        raise field_error("members_present", _("Choose members of this household."))
    unknown = [s for s in symptoms if s not in Symptom.values]
    if unknown or len(symptoms) > len(Symptom.values):
        raise field_error("symptoms", _("Choose listed symptoms."))
    if key_category is not None and not key_category.active:
        raise field_error("key_category", _("This category is no longer in use."))
    pending = household.leads.filter(status=LeadStatus.PENDING).select_related("person", "campaign")
    if campaign is None:
        first = pending.order_by(F("due_on").asc(nulls_last=True), "pk").first()
        campaign = first.campaign if first else None
    elif not household.leads.filter(campaign=campaign).exists():
        raise field_error("campaign_id", _("The household has no lead in this campaign."))
    settled = [lead for lead in pending if campaign is not None and lead.campaign_id == campaign.pk]
    visit = ScreeningVisit.objects.create(
        household=household, campaign=campaign, visited_by=actor, region=household.region,
        travel_history=_clean_places(list(travel_history), "travel_history"), symptoms=list(dict.fromkeys(symptoms)),
        key_category=key_category, follow_up=bool(follow_up), notes=clean_text(notes, "notes", max_length=2000))
    visit.members_present.set(present)
    Lead.objects.filter(pk__in=[lead.pk for lead in settled]).update(status=LeadStatus.VISITED, visit=visit)
    placed = _place_key_people(visit, actor=actor, settled=settled, present=present) if key_category else []
    audit.record(actor, "prevention.visit.recorded", visit, changes={
        "household": household.pk, "campaign": campaign.pk if campaign else None,
        "leads_settled": [lead.pk for lead in settled], "members_present": present,
        "symptoms": visit.symptoms, "key_category": key_category.code if key_category else None,
        "key_people": [entry.pk for entry in placed], "follow_up": visit.follow_up})
    touch(ScreeningVisit, region_id=visit.region_id, day=visit.visited_at)
    if settled:
        touch(Lead, region_id=visit.region_id, day=visit.visited_at)  # "visited" counts on the visit's day
    return visit


def _place_key_people(visit: ScreeningVisit, *, actor, settled: list[Lead], present: list[int]) -> list:
    """The people the campaign asked about (else those present) enter the visit's key category, through
    the key-people service (its own audit event each); people already in it stay as they are."""
    people = (list({lead.person_id: lead.person for lead in settled if lead.person_id}.values())
              or list(Person.objects.filter(pk__in=present).select_related("region")))
    if not people:
        raise field_error("key_category", _("Mark who was present: a category applies to people."))
    for person in people:  # a field error, not a refused visit: the visit itself is the worker's to record
        if not scope.covers(actor, "prevention.add_keypersonentry", region=person.region):
            raise field_error("key_category", _("%(name)s is registered outside your jurisdiction: ask the "
                                                "community to place them in the category.") % {"name": person.name})
    already = set(KeyPersonEntry.objects.filter(person__in=people, category=visit.key_category, until__isnull=True)
                  .values_list("person_id", flat=True))
    since = timezone.localdate(visit.visited_at)
    source = _("screening visit %(id)s") % {"id": visit.pk}
    return [key_people.add_key_person(actor=actor, person=person, category=visit.key_category, since=since,
                                      source=source[:64])
            for person in people if person.pk not in already]

