"""Households and grid screening: households and members, campaigns, leads, visits, completion rates.
Lead lists are imported through /api/v1/transfer/imports/screening_leads (see imports_screening)."""

from django.utils import timezone
from ninja import Query, Router, Status

from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.core.models import Person
from twofront.prevention import selectors_screening as selectors
from twofront.prevention.models import KeyCategory
from twofront.prevention.schemas_screening import (
    AssignIn,
    CampaignCreateIn,
    CampaignOut,
    GridIn,
    HouseholdCreateIn,
    HouseholdDetailOut,
    HouseholdFilter,
    HouseholdOut,
    LeadCreateIn,
    LeadFilter,
    LeadOut,
    MemberIn,
    MemberOut,
    NotFoundIn,
    RatesFilter,
    RatesOut,
    VisitIn,
    VisitOut,
)
from twofront.prevention.selectors_compounds import region_or_422
from twofront.prevention.services import screening as services
from twofront.prevention.services.community import user_by_username

router = Router(tags=["prevention"])


@router.get("/households", response={200: list[HouseholdOut], **ERRORS}, operation_id="prevention_households_list",
            summary="Households in my jurisdiction (a grid worker: their grid)")
@paginate(LimitOffsetPagination)
def list_households(request, filters: Query[HouseholdFilter]):
    return selectors.households(request.user, **filters.dict())


@router.post("/households", response={201: HouseholdDetailOut, **WRITE_ERRORS},
             operation_id="prevention_households_create", summary="Register a household in a grid")
def create_household(request, data: HouseholdCreateIn):
    return Status(201, services.create_household(actor=request.user, address=data.address,
                                                 region=region_or_422(data.region_code)))


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **ERRORS},
            operation_id="prevention_households_get", summary="One household with its members (IDs masked)")
def get_household(request, household_id: int):
    return selectors.household_or_404(request.user, household_id)


@router.post("/households/{household_id}/members", response={201: MemberOut, **WRITE_ERRORS},
             operation_id="prevention_household_members_add", summary="Add a registered person to a household")
def add_member(request, household_id: int, data: MemberIn):
    household = selectors.household_or_404(request.user, household_id)
    person = Person.objects.visible_to(request.user).filter(pk=data.person_id).first()
    if person is None:
        raise field_error("person_id", "未找到该人员 / no such person in your jurisdiction")
    return Status(201, services.add_household_member(household, actor=request.user, person=person,
                                                     relation=data.relation))


@router.post("/households/{household_id}/grid", response={200: HouseholdDetailOut, **WRITE_ERRORS},
             operation_id="prevention_households_move", summary="Assign a household (and its pending leads) to a grid")
def move_household(request, household_id: int, data: GridIn):
    household = selectors.household_or_404(request.user, household_id)
    services.move_household(household, actor=request.user, region=region_or_422(data.region_code))
    return selectors.household_or_404(request.user, household_id)


@router.get("/households/{household_id}/visits", response={200: list[VisitOut], **ERRORS},
            operation_id="prevention_visits_list", summary="A household's screening visits, latest first")
@paginate(LimitOffsetPagination)
def list_visits(request, household_id: int):
    return selectors.visits(request.user, household=selectors.household_or_404(request.user, household_id))


@router.post("/households/{household_id}/visits", response={201: VisitOut, **WRITE_ERRORS},
             operation_id="prevention_visits_create",
             summary="Record a screening visit; settles the household's pending leads (Idempotency-Key)")
def create_visit(request, household_id: int, data: VisitIn):
    household = selectors.household_or_404(request.user, household_id)
    campaign = None
    if data.campaign_id:  # a campaign is named through the household's leads: the worker may not see it
        lead = household.leads.select_related("campaign").filter(campaign_id=data.campaign_id).first()
        if lead is None:
            raise field_error("campaign_id", "该户在此摸排任务中没有线索 / the household has no lead in this campaign")
        campaign = lead.campaign
    category = None
    if data.key_category:
        category = KeyCategory.objects.filter(code=data.key_category).first()
        if category is None:
            raise field_error("key_category", "类别不存在 / unknown category")

    def run():
        return services.record_visit(household, actor=request.user, campaign=campaign, key_category=category,
                                     members_present=data.members_present, travel_history=data.travel_history,
                                     symptoms=data.symptoms, follow_up=data.follow_up, notes=data.notes)

    return idempotent(request, scope="prevention.visits.create", payload={"household": household.pk, **data.dict()},
                      run=run, out=VisitOut, status=201)


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, operation_id="prevention_campaigns_list",
            summary="Screening campaigns (摸排) over regions in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_campaigns(request, region: str | None = Query(None, max_length=20, pattern=r"^[0-9]*$")):
    return selectors.campaigns(request.user, region=region)


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, operation_id="prevention_campaigns_create",
             summary="Start a screening campaign over a region")
def create_campaign(request, data: CampaignCreateIn):
    return Status(201, services.create_campaign(
        actor=request.user, name=data.name, region=region_or_422(data.region_code), description=data.description,
        starts_on=data.starts_on or timezone.localdate(), ends_on=data.ends_on))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS}, operation_id="prevention_campaigns_get",
            summary="One screening campaign")
def get_campaign(request, campaign_id: int):
    return selectors.campaign_or_404(request.user, campaign_id)


@router.post("/campaigns/{campaign_id}/leads", response={201: LeadOut, **WRITE_ERRORS},
             operation_id="prevention_leads_create", summary="Add a household (or one of its members) as a lead")
def create_lead(request, campaign_id: int, data: LeadCreateIn):
    campaign = selectors.campaign_or_404(request.user, campaign_id)
    household = selectors.households(request.user).filter(pk=data.household_id).first()
    if household is None:
        raise field_error("household_id", "未找到该户 / no such household in your jurisdiction")
    person = Person.objects.filter(pk=data.person_id).first() if data.person_id else None
    if data.person_id and person is None:
        raise field_error("person_id", "该人员不是此户成员 / the person is not a member of this household")
    return Status(201, services.create_lead(campaign, actor=request.user, household=household, person=person,
                                            due_on=data.due_on, note=data.note))


@router.get("/leads", response={200: list[LeadOut], **ERRORS}, operation_id="prevention_leads_list",
            summary="Screening leads in my jurisdiction, due first (a grid worker: their grid)")
@paginate(LimitOffsetPagination)
def list_leads(request, filters: Query[LeadFilter]):
    return selectors.leads(request.user, campaign=filters.campaign_id, status=filters.status, region=filters.region,
                           mine=filters.mine)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS}, operation_id="prevention_leads_get",
            summary="One screening lead")
def get_lead(request, lead_id: int):
    return selectors.lead_or_404(request.user, lead_id)


@router.post("/leads/{lead_id}/assign", response={200: LeadOut, **WRITE_ERRORS}, operation_id="prevention_leads_assign",
             summary="Assign a lead to a grid worker of its grid")
def assign_lead(request, lead_id: int, data: AssignIn):
    lead = selectors.lead_or_404(request.user, lead_id)
    return services.assign_lead(lead, actor=request.user, assignee=user_by_username(data.username))


@router.post("/leads/{lead_id}/not-found", response={200: LeadOut, **WRITE_ERRORS},
             operation_id="prevention_leads_not_found", summary="Close a lead nobody could be visited for")
def lead_not_found(request, lead_id: int, data: NotFoundIn):
    lead = selectors.lead_or_404(request.user, lead_id)
    return services.mark_lead_not_found(lead, actor=request.user, note=data.note)


@router.get("/screening/rates", response={200: RatesOut, **ERRORS}, operation_id="prevention_screening_rates",
            summary="Screening completion for a region and each of its children, from the metrics rollups")
def screening_rates(request, filters: Query[RatesFilter]):
    return selectors.rate_table(selectors.completion_rates(request.user, region=filters.region, day=filters.day))

