import datetime
from typing import Literal

from ninja import Field, Schema

from twofront.core.choices import Symptom
from twofront.prevention.choices import LeadStatus
from twofront.prevention.schemas_compounds import ID, PLAIN

SymptomCode = Literal[tuple(Symptom.values)]


class HouseholdOut(Schema):
    id: int
    address: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    member_count: int = 0
    pending_leads: int = 0


class MemberOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.name")
    id_number_masked: str = Field(..., alias="person.id_number_masked")
    relation: str


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return obj.memberships.select_related("person").order_by("pk")


class HouseholdCreateIn(Schema):
    address: str = Field(..., min_length=1, max_length=255, pattern=PLAIN)
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN, description="the grid")


class HouseholdFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    q: str | None = Field(None, max_length=64, pattern=PLAIN, description="address contains")
    pending: bool | None = Field(None, description="with (true) or without (false) leads still to visit")


class MemberIn(Schema):
    person_id: int = Field(..., **ID)
    relation: str = Field("", max_length=16, pattern=PLAIN, description="relation to the head, e.g. 配偶")


class GridIn(Schema):
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN, description="the new grid")


class VisitIn(Schema):
    campaign_id: int | None = Field(None, **ID, description="default: the campaign of the first-due pending lead")
    members_present: list[int] = Field(default_factory=list, max_length=50, description="person ids of members")
    travel_history: list[str] = Field(default_factory=list, max_length=20, description="places in the last 14 days")
    symptoms: list[SymptomCode] = Field(default_factory=list, max_length=len(Symptom.values))
    key_category: str | None = Field(None, max_length=32, pattern=PLAIN, description="key-person category code")
    follow_up: bool = False
    notes: str = Field("", max_length=2000)


class VisitOut(Schema):
    id: int
    household_id: int
    campaign_id: int | None
    visited_by: str = Field(..., alias="visited_by.username")
    visited_at: datetime.datetime
    members_present: list[int]
    travel_history: list[str]
    symptoms: list[str]
    key_category: str | None = Field(None, alias="key_category.code")
    follow_up: bool
    notes: str
    leads_settled: list[int]

    @staticmethod
    def resolve_members_present(obj):
        return [person.pk for person in obj.members_present.all()]

    @staticmethod
    def resolve_leads_settled(obj):
        return list(obj.leads.order_by("pk").values_list("pk", flat=True))


class CampaignOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    starts_on: datetime.date
    ends_on: datetime.date | None
    description: str


class CampaignCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128, pattern=PLAIN, description="e.g. 湖北来筑人员摸排")
    region_code: str = Field(..., min_length=1, max_length=20, pattern=PLAIN)
    starts_on: datetime.date | None = Field(None, description="default today")
    ends_on: datetime.date | None = None
    description: str = Field("", max_length=2000)


class LeadOut(Schema):
    id: int
    campaign_id: int
    campaign_name: str = Field(..., alias="campaign.name")
    household_id: int | None
    address: str | None = Field(None, alias="household.address")
    person_id: int | None
    person_name: str | None = Field(None, alias="person.name")
    id_number_masked: str | None = Field(None, alias="person.id_number_masked")
    region_code: str = Field(..., alias="region.code")
    assigned_to: str | None = Field(None, alias="assigned_to.username")
    due_on: datetime.date | None
    status: str
    note: str
    visit_id: int | None


class LeadCreateIn(Schema):
    household_id: int = Field(..., **ID)
    person_id: int | None = Field(None, **ID, description="a member of the household; none: the whole household")
    due_on: datetime.date | None = None
    note: str = Field("", max_length=200, pattern=PLAIN)


class LeadFilter(Schema):
    campaign_id: int | None = Field(None, **ID)
    status: Literal[tuple(LeadStatus.values)] | None = None
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; includes its subtree")
    mine: bool = Field(False, description="only leads assigned to me")


class AssignIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, pattern=PLAIN, description="a grid worker of the lead's grid")


class NotFoundIn(Schema):
    note: str = Field(..., min_length=1, max_length=200, pattern=PLAIN, description="why nobody could be visited")


class RatesFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=PLAIN, description="division code; default my top region")
    day: datetime.date | None = Field(None, description="as of this day; default today")


class RateRowOut(Schema):
    region_code: str
    region_name: str
    households: int
    households_screened: int
    screening_rate: float | None = Field(..., description="percent; null without households")
    leads: int
    leads_visited: int
    lead_completion: float | None = Field(..., description="percent; null without leads")


class RatesOut(Schema):
    day: datetime.date
    total: RateRowOut
    children: list[RateRowOut]
