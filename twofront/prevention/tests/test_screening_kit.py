"""The community test kit: compounds, posts, households, campaigns, leads and venues in two districts.

Other test modules (and the browser test) import `community` and `build_community` from here.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from twofront.core.models import Person, User
from twofront.core.services import people
from twofront.core.testing import Personas, sample_identity
from twofront.prevention.models import (
    CompoundGroup,
    Household,
    Lead,
    MonitoringPost,
    ScreeningCampaign,
    Venue,
)
from twofront.prevention.services import compounds, screening, venues

GRID_1, GRID_2, YUNYAN_GRID = "520102001001001", "520102001001002", "520103001001001"


@dataclass
class Community:
    compound: CompoundGroup  # Nanming grid 1, with post `post`
    post: MonitoringPost
    compound_yunyan: CompoundGroup
    post_yunyan: MonitoringPost
    household: Household  # Nanming grid 1: `person` (lead due yesterday) and `relative`
    household_2: Household  # Nanming grid 1: a whole-household lead due today
    household_grid_2: Household  # Nanming grid 2 (another grid worker's)
    household_yunyan: Household
    person: Person
    relative: Person
    neighbour: Person  # the member of household_grid_2
    stranger: Person  # registered in grid 1, in no household
    campaign: ScreeningCampaign  # over Nanming
    campaign_yunyan: ScreeningCampaign
    lead: Lead  # person's lead
    lead_2: Lead
    lead_grid_2: Lead
    lead_yunyan: Lead
    venue: Venue  # Nanming, open
    venue_yunyan: Venue
    actor: User


def build_community(personas: Personas) -> Community:
    actor = personas["commander"]
    region = personas.region
    today = timezone.localdate()
    numbers = iter(range(100))

    def make_person(code: str) -> Person:
        # registered by the commander (root conftest's make_person would hash a superuser's password per test)
        ident = sample_identity(next(numbers), seed=53)
        return people.create_person(actor=actor, name=ident["name"], id_number=ident["id_number"],
                                    phone=ident["phone"], region=region(code))

    def household(code: str, address: str, *people: Person) -> Household:
        house = screening.create_household(actor=actor, region=region(code), address=address)
        for person in people:
            screening.add_household_member(house, actor=actor, person=person)
        return house

    compound = compounds.create_compound(actor=actor, name="新华小区", kind="urban", region=region(GRID_1), households=120)
    compound_yunyan = compounds.create_compound(actor=actor, name="黔东村民组", kind="village",
                                                region=region("520103001001"), households=40)
    person, relative = make_person(GRID_1), make_person(GRID_1)
    house = household(GRID_1, "新华路1号1单元101", person, relative)
    house_2 = household(GRID_1, "新华路1号2单元202")
    neighbour = make_person(GRID_2)
    house_grid_2 = household(GRID_2, "新华路2号", neighbour)
    house_yunyan = household(YUNYAN_GRID, "黔东路8号", make_person(YUNYAN_GRID))
    campaign = screening.create_campaign(actor=actor, name="湖北来筑人员摸排", region=region("520102"),
                                         starts_on=today - datetime.timedelta(days=3))
    campaign_yunyan = screening.create_campaign(actor=actor, name="云岩摸排", region=region("520103"), starts_on=today)
    return Community(
        compound=compound, post=compounds.create_post(compound, actor=actor, name="东大门"),
        compound_yunyan=compound_yunyan, post_yunyan=compounds.create_post(compound_yunyan, actor=actor, name="村口"),
        household=house, household_2=house_2, household_grid_2=house_grid_2, household_yunyan=house_yunyan,
        person=person, relative=relative, neighbour=neighbour, stranger=make_person(GRID_1),
        campaign=campaign, campaign_yunyan=campaign_yunyan,
        lead=screening.create_lead(campaign, actor=actor, household=house, person=person,
                                   due_on=today - datetime.timedelta(days=1)),
        lead_2=screening.create_lead(campaign, actor=actor, household=house_2, due_on=today),
        lead_grid_2=screening.create_lead(campaign, actor=actor, household=house_grid_2),
        lead_yunyan=screening.create_lead(campaign_yunyan, actor=actor, household=house_yunyan),
        venue=venues.create_venue(actor=actor, name="星光KTV", kind="ktv", region=region("520102001"), address="新华路"),
        venue_yunyan=venues.create_venue(actor=actor, name="云岩图书馆", kind="library", region=region("520103001")),
        actor=actor,
    )


@pytest.fixture(name="community")
def community_fixture(personas) -> Community:
    return build_community(personas)


def test_the_kit_assigns_leads_to_the_grid_worker(community, personas):
    assert community.lead.assigned_to == personas["grid_nanming"]
    assert community.lead_grid_2.assigned_to is None  # grid 2 has no worker
    assert community.lead.lead_key == f"{community.campaign.pk}:{community.person.id_number_index}"
    assert community.lead_2.lead_key == f"{community.campaign.pk}:h{community.household_2.pk}"


# -- the permission matrix, as data ---------------------------------------------------------------

PERSONAS = (None, "commander", "nanming", "yunyan", "grid_nanming", "auditor", "norole")


def matrix(cases):
    """(name, method, url, body, {persona: status}) -> pytest params, one per persona."""
    for name, method, url, body, expected in cases:
        for persona, status in expected.items():
            yield pytest.param(name, method, url, body, persona, status, id=f"{name}-{persona or 'anonymous'}")


def state() -> dict:
    """Every community table's rows and the audit trail's length: a refused call changes none of them."""
    from twofront.core.models import AuditEvent, DutyShift
    from twofront.prevention import models

    tables = [models.CompoundGroup, models.ClosurePeriod, models.MonitoringPost, models.PostDailyCount,
              models.Household, models.HouseholdMember, models.ScreeningCampaign, models.Lead, models.ScreeningVisit,
              models.KeyPersonEntry, models.Venue, DutyShift]
    return {"audit": AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            **{model._meta.label: list(model.objects.order_by("pk").values()) for model in tables}}


def call(client, method: str, url: str, body=None):
    import json

    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def check_answer(response, status: int, before: dict, *, action: str | None, actor) -> None:
    """Refused -> problem+json and nothing changed; allowed write -> one audit event by the actor."""
    from twofront.core.models import AuditEvent

    assert response.status_code == status, response.content[:500]
    if status >= 400:
        if response["Content-Type"].startswith("application/"):
            assert response["Content-Type"] == "application/problem+json"
        assert state() == before
    elif action:  # exactly one event of the write (a visit may add key-person events of its own)
        assert AuditEvent.objects.filter(pk__gt=before["audit"], action=action, actor=actor).count() == 1
