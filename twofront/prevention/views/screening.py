"""Pages for grid screening: the grid worker's day and visit form (phone-first), households, campaigns, and
the completion rates drilling district -> street -> community -> grid."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.choices import Symptom
from twofront.core.errors import field_error
from twofront.core.generic import Column, ScopedListView, ServiceFormView, apply_errors
from twofront.core.models import Person
from twofront.core.services.people import find_by_id_number
from twofront.metrics import selectors as metric_values
from twofront.prevention import selectors_screening as selectors
from twofront.prevention.forms_screening import (
    CampaignForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberForm,
    MoveForm,
    NotFoundForm,
    RatesForm,
    VisitForm,
)
from twofront.prevention.models import Household, ScreeningCampaign, ScreeningVisit
from twofront.prevention.services import screening as services
from twofront.prevention.views.compounds import run_service

TODAY_LIMIT = 200  # a grid has a few hundred households; an official's "today" is their lists instead


def _require(user, permission: str) -> None:
    if not scope.has_permission_anywhere(user, permission):
        raise PermissionDenied(permission)


@login_required
@require_GET
def grid_today(request):
    """The grid worker's phone page: households with leads to visit, the earliest due first."""
    user = request.user
    _require(user, "prevention.add_screeningvisit")
    households = list(selectors.todays_households(user)[:TODAY_LIMIT])
    today = timezone.localdate()
    context = {"title": _("Today's visits"), "households": households, "today": today,
               "pending": sum(h.pending_leads for h in households),
               "overdue": sum(1 for h in households if h.first_due and h.first_due < today),
               "visited_today": ScreeningVisit.objects.filter(visited_by=user, visited_at__date=today).count()}
    return render(request, "prevention/grid_today.html", context)


class HouseholdListView(ScopedListView):
    model = Household
    title = _("Households")
    columns = [Column("address", _("Address"), link=True), Column("region.name", _("Grid")),
               Column("member_count", _("Members")), Column("pending_leads", _("Leads to visit"))]
    filter_form_class = HouseholdFilterForm
    detail_url_name = "household_detail"
    create_url_name = "household_create"
    create_permission = "prevention.add_household"

    def base_queryset(self):
        return selectors.households(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.households(self.request.user, region=region.code if region else None, q=data.get("q"),
                                    pending=data.get("pending"))


class HouseholdCreateView(ServiceFormView):
    form_class = HouseholdForm
    title = _("Register a household")
    success_message = _("Household registered.")

    def check_allowed(self):
        _require(self.request.user, "prevention.add_household")

    def perform(self, form):
        return services.create_household(actor=self.request.user, region=form.cleaned_data["region"],
                                         address=form.cleaned_data["address"])

    def success_url(self, household):
        return reverse("household_detail", args=[household.pk])


def _household_page(request, household, status=200, **forms):
    user = request.user
    visits = list(selectors.visits(user, household=household)[:10])
    for visit in visits:
        visit.symptom_labels = [Symptom(code).label for code in visit.symptoms if code in Symptom.values]
    context = {
        "object": household, "title": household.address, "members": selectors.members(household),
        "pending": selectors.pending_leads().filter(household=household),
        "visits": visits,
        "can_visit": scope.covers(user, "prevention.add_screeningvisit", household),
        "can_change": scope.covers(user, "prevention.change_household", household),
        "can_close_lead": scope.covers(user, "prevention.change_lead", household),
        "member_form": forms.get("member_form") or MemberForm(),
        "move_form": forms.get("move_form") or MoveForm(user=user),
        "not_found_form": forms.get("not_found_form") or NotFoundForm(),
    }
    return render(request, "prevention/household_detail.html", context, status=status)


@login_required
@require_GET
def household_detail(request, pk: int):
    return _household_page(request, selectors.household_or_404(request.user, pk))


@login_required
@require_POST
def household_member_add(request, pk: int):
    household = selectors.household_or_404(request.user, pk)
    form = MemberForm(request.POST)

    def add(data):
        person = find_by_id_number(Person.objects.visible_to(request.user), data["id_number"]).first()
        if person is None:
            raise field_error("id_number", _("Nobody in your jurisdiction is registered with this ID: register "
                                             "the person first."))
        services.add_household_member(household, actor=request.user, person=person, relation=data["relation"])

    if run_service(form, add):
        messages.success(request, _("Member added."))
        return HttpResponseRedirect(reverse("household_detail", args=[pk]))
    return _household_page(request, household, status=422, member_form=form)


@login_required
@require_POST
def household_move(request, pk: int):
    household = selectors.household_or_404(request.user, pk)
    form = MoveForm(request.POST, user=request.user)
    if run_service(form, lambda d: services.move_household(household, actor=request.user, region=d["region"])):
        messages.success(request, _("Household assigned to the grid."))
        return HttpResponseRedirect(reverse("household_detail", args=[pk]))
    return _household_page(request, household, status=422, move_form=form)


@login_required
@require_POST
def lead_not_found(request, pk: int):
    lead = selectors.lead_or_404(request.user, pk)
    form = NotFoundForm(request.POST)
    if run_service(form, lambda d: services.mark_lead_not_found(lead, actor=request.user, note=d["note"])):
        messages.success(request, _("Lead closed as not found."))
        return HttpResponseRedirect(reverse("household_detail", args=[lead.household_id]))
    return _household_page(request, selectors.household_or_404(request.user, lead.household_id), status=422,
                           not_found_form=form)


@login_required
def household_visit(request, pk: int):
    """The visit form, phone-first: who is present, travel, symptoms, key category, follow-up."""
    household = selectors.household_or_404(request.user, pk)
    scope.require(request.user, "prevention.add_screeningvisit", household)
    pending = list(selectors.pending_leads().filter(household=household))
    campaigns = list({lead.campaign_id: lead.campaign for lead in pending}.values())
    kwargs = {"members": selectors.members(household), "campaigns": campaigns}
    if request.method != "POST":
        initial = {"campaign": campaigns[0].pk if campaigns else None}
        form = VisitForm(initial=initial, **kwargs)
        status = 200
    else:
        form = VisitForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {c.pk: c for c in campaigns}
            try:
                visit = services.record_visit(
                    household, actor=request.user, campaign=by_pk.get(data["campaign"]),
                    members_present=data["members_present"], travel_history=data["travel_history"],
                    symptoms=data["symptoms"], key_category=data["key_category"], follow_up=data["follow_up"],
                    notes=data["notes"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                settled = visit.leads.count()
                messages.success(request, _("Visit to %(address)s recorded; %(n)s lead(s) settled.")
                                 % {"address": household.address, "n": settled})
                return HttpResponseRedirect(reverse("grid_today"))
        status = 422
    return render(request, "prevention/household_visit.html",
                  {"object": household, "title": _("Visit"), "form": form, "pending": pending}, status=status)


class CampaignListView(ScopedListView):
    model = ScreeningCampaign
    title = _("Screening campaigns")
    columns = [Column("pk", _("Number")), Column("name", _("Name"), link=True), Column("region.name", _("Region")),
               Column("starts_on", _("Starts on")), Column("ends_on", _("Ends on"))]
    detail_url_name = "campaign_detail"
    create_url_name = "campaign_create"
    create_permission = "prevention.add_screeningcampaign"

    def base_queryset(self):
        return selectors.campaigns(self.request.user)


class CampaignCreateView(ServiceFormView):
    form_class = CampaignForm
    title = _("Start a screening campaign")
    success_message = _("Campaign started.")

    def check_allowed(self):
        _require(self.request.user, "prevention.add_screeningcampaign")

    def perform(self, form):
        data = form.cleaned_data
        return services.create_campaign(actor=self.request.user, name=data["name"], region=data["region"],
                                        starts_on=data["starts_on"], ends_on=data["ends_on"],
                                        description=data["description"])

    def success_url(self, campaign):
        return reverse("campaign_detail", args=[campaign.pk])


@login_required
@require_GET
def campaign_detail(request, pk: int):
    user = request.user
    campaign = selectors.campaign_or_404(user, pk)
    leads = Paginator(selectors.leads(user, campaign=campaign.pk), 50).get_page(request.GET.get("page"))
    can_import = scope.has_permission_anywhere(user, "prevention.import_lead")
    return render(request, "prevention/campaign_detail.html", {
        "object": campaign, "title": campaign.name, "counts": selectors.lead_counts(user, campaign), "leads": leads,
        "import_url": reverse("transfer:import", args=["screening_leads"]) if can_import else "",
        "template_url": reverse("transfer:template", args=["screening_leads"]) if can_import else ""})


@login_required
@require_GET
def screening_rates(request):
    """Completion per child region, from the metrics rollups; a region name drills down one level."""
    form = RatesForm(request.GET)
    table, status = None, 200
    if form.is_valid():
        try:
            table = selectors.rate_table(selectors.completion_rates(request.user, region=form.cleaned_data["region"]
                                                                    or None, day=form.cleaned_data["day"]))
        except ValidationError as exc:
            apply_errors(form, exc)
    if table is None:
        metric_values.visible_region(request.user, None)  # 403 for users who may not read metrics
        status = 422
    context = {"title": _("Screening completion"), "form": form, "table": table,
               "trail": metric_values.visible_ancestors(request.user, table["total"]["region"]) if table else []}
    return render(request, "prevention/grid_rates.html", context, status=status)


urlpatterns = [
    path("grid/today/", grid_today, name="grid_today"),
    path("grid/rates/", screening_rates, name="screening_rates"),
    path("households/", HouseholdListView.as_view(), name="household_list"),
    path("households/new/", HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", household_detail, name="household_detail"),
    path("households/<int:pk>/members/", household_member_add, name="household_member_add"),
    path("households/<int:pk>/grid/", household_move, name="household_move"),
    path("households/<int:pk>/visit/", household_visit, name="household_visit"),
    path("leads/<int:pk>/not-found/", lead_not_found, name="lead_not_found"),
    path("campaigns/", CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
]
