"""Pages for venue closures: the register, and a venue's close / disinfect / reopen steps with dates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.generic import Column, ScopedListView, ServiceFormView
from twofront.prevention import selectors_venues as selectors
from twofront.prevention.choices import VenueState
from twofront.prevention.forms_venues import VenueDateForm, VenueFilterForm, VenueForm
from twofront.prevention.models import Venue
from twofront.prevention.services import venues as services
from twofront.prevention.views.compounds import run_service

# verb -> (service, button label, states it starts from, message)
STEPS = {
    "close": (services.close_venue, _("Close"), (VenueState.OPEN, VenueState.REOPENED), _("Venue closed.")),
    "disinfect": (services.disinfect_venue, _("Record disinfection"), (VenueState.CLOSED, VenueState.DISINFECTED),
                  _("Disinfection recorded.")),
    "reopen": (services.reopen_venue, _("Reopen"), (VenueState.DISINFECTED,), _("Venue reopened.")),
}

DATE_LABELS = {"close": _("Closed on"), "disinfect": _("Disinfected on"), "reopen": _("Reopened on")}


class VenueListView(ScopedListView):
    model = Venue
    title = _("Venue closures")
    columns = [Column("name", _("Name"), link=True), Column("kind", _("Kind")), Column("region.name", _("Region")),
               Column("state", _("State")), Column("closed_on", _("Closed on")),
               Column("disinfected_on", _("Disinfected on")), Column("reopened_on", _("Reopened on"))]
    filter_form_class = VenueFilterForm
    detail_url_name = "venue_detail"
    create_url_name = "venue_create"
    create_permission = "prevention.add_venue"

    def base_queryset(self):
        return selectors.venues(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.venues(self.request.user, region=region.code if region else None, kind=data.get("kind"),
                                state=data.get("state"), q=data.get("q"))


class VenueCreateView(ServiceFormView):
    form_class = VenueForm
    title = _("Register a venue")
    success_message = _("Venue registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_venue"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        return services.create_venue(actor=self.request.user, name=data["name"], kind=data["kind"],
                                     region=data["region"], address=data["address"])

    def success_url(self, venue):
        return reverse("venue_detail", args=[venue.pk])


def _venue_page(request, venue, status=200, failed: tuple[str, VenueDateForm] | None = None):
    can_change = scope.covers(request.user, "prevention.change_venue", venue)
    steps = []
    for verb, (_service, label, states, _message) in STEPS.items():
        if can_change and venue.state in states:
            form = failed[1] if failed and failed[0] == verb else VenueDateForm()
            form.fields["on"].label = DATE_LABELS[verb]
            steps.append((verb, label, form))
    errors = failed[1].non_field_errors() if failed else []  # e.g. a conflict: the step may no longer be offered
    return render(request, "prevention/venue_detail.html", {"object": venue, "title": venue.name, "steps": steps,
                                                             "errors": errors}, status=status)


@login_required
@require_GET
def venue_detail(request, pk: int):
    return _venue_page(request, selectors.venue_or_404(request.user, pk))


@login_required
@require_POST
def venue_step(request, pk: int, verb: str):
    if verb not in STEPS:
        raise Http404
    venue = selectors.venue_or_404(request.user, pk)
    service, _label, _states, message = STEPS[verb]
    form = VenueDateForm(request.POST)
    if run_service(form, lambda d: service(venue, actor=request.user, on=d["on"])):
        messages.success(request, message)
        return HttpResponseRedirect(reverse("venue_detail", args=[pk]))
    return _venue_page(request, selectors.venue_or_404(request.user, pk), status=422, failed=(verb, form))


urlpatterns = [
    path("venues/", VenueListView.as_view(), name="venue_list"),
    path("venues/new/", VenueCreateView.as_view(), name="venue_create"),
    path("venues/<int:pk>/", venue_detail, name="venue_detail"),
    path("venues/<int:pk>/<slug:verb>/", venue_step, name="venue_step"),
]
