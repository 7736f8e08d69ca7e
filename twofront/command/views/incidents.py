"""应急处置 pages: the list (phone-first cards), reporting, and the detail with its time line, where steps are
added in place (htmx), people assigned, the level changed and the incident closed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.command import selectors_incidents as selectors
from twofront.command.choices import IncidentStatus
from twofront.command.forms_operations import (
    ActionForm,
    AssignForm,
    CloseForm,
    IncidentFilterForm,
    IncidentForm,
    LevelForm,
)
from twofront.command.models import Incident
from twofront.command.services import incidents as services
from twofront.core import scope
from twofront.core.generic import Column, ScopedListView, ServiceFormView, is_htmx, run_service


class IncidentListView(ScopedListView):
    model = Incident
    title = _("Incidents")
    columns = [Column("title", _("Title"), link=True), Column("get_level_display", _("Level")),
               Column("region.name", _("Region")), Column("place", _("Place")),
               Column("occurred_at", _("Occurred at")), Column("get_status_display", _("Status"))]
    filter_form_class = IncidentFilterForm
    detail_url_name = "command_incident_detail"
    create_url_name = "command_incident_create"
    create_permission = services.ADD
    paginate_by = 30

    def base_queryset(self):
        return selectors.incidents(self.request.user)

    def filter_queryset(self, qs, data):
        return selectors.incidents(self.request.user, status=data.get("status") or None,
                                   level=data.get("level") or None, q=data.get("q") or None)


class IncidentCreateView(ServiceFormView):
    form_class = IncidentForm
    title = _("Report an incident")
    success_message = _("Incident reported.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, services.ADD):
            raise PermissionDenied

    def perform(self, form):
        d = form.cleaned_data
        return services.report_incident(actor=self.request.user, title=d["title"], level=d["level"],
                                        region=d["region"], place=d["place"], occurred_at=d["occurred_at"],
                                        description=d["description"])

    def success_url(self, incident):
        return reverse("command_incident_detail", args=[incident.pk])


def _detail(request, incident, status=200, **forms):
    user = request.user
    is_open = incident.status == IncidentStatus.OPEN
    can_change = is_open and scope.covers(user, services.CHANGE, incident)
    context = {
        "title": incident.title, "incident": incident, "actions": incident.actions.select_related("by"),
        "assigned": incident.assigned.all(), "can_change": can_change,
        "can_close": is_open and scope.covers(user, services.CLOSE, incident),
        "action_form": forms.get("action_form") or ActionForm(),
        "assign_form": forms.get("assign_form") or (AssignForm(incident=incident, initial={
            "users": list(incident.assigned.all())}) if can_change else None),
        "level_form": forms.get("level_form") or LevelForm(initial={"level": incident.level}),
        "close_form": forms.get("close_form") or CloseForm(),
    }
    return render(request, "command/incidents_detail.html", context, status=status)


@login_required
@require_GET
def incident_detail(request, pk: int):
    return _detail(request, selectors.incident_or_404(request.user, pk))


@login_required
@require_POST
def incident_action(request, pk: int):
    """Adds a step; an htmx request gets the time line and a fresh form back in place."""
    incident = selectors.incident_or_404(request.user, pk)
    form = ActionForm(request.POST)
    done = run_service(form, lambda d: services.add_action(incident, actor=request.user, text=d["text"], at=d["at"]))
    if is_htmx(request):
        context = {"incident": incident, "actions": incident.actions.select_related("by"), "can_change": True,
                   "action_form": ActionForm() if done else form}
        # 200 either way: htmx swaps only successful responses, and the form shows its own errors
        return render(request, "command/incidents_timeline.html", context)
    if done:
        messages.success(request, _("Step added to the time line."))
        return HttpResponseRedirect(reverse("command_incident_detail", args=[pk]))
    return _detail(request, incident, status=422, action_form=form)


def _step(request, pk: int, name: str, make_form, perform, message):
    """One of the detail page's forms (assign, level, close): the service call, then back to the page, or the
    page again with the form's errors (422)."""
    incident = selectors.incident_or_404(request.user, pk)
    form = make_form(incident)
    if run_service(form, lambda data: perform(incident, data)):
        messages.success(request, message)
        return HttpResponseRedirect(reverse("command_incident_detail", args=[pk]))
    return _detail(request, Incident.objects.select_related("region", "created_by").get(pk=pk), status=422,
                   **{name: form})


@login_required
@require_POST
def incident_assign(request, pk: int):
    return _step(request, pk, "assign_form", lambda i: AssignForm(request.POST, incident=i),
                 lambda i, d: services.assign_people(i, actor=request.user, users=list(d["users"])),
                 _("People assigned."))


@login_required
@require_POST
def incident_level(request, pk: int):
    return _step(request, pk, "level_form", lambda i: LevelForm(request.POST),
                 lambda i, d: services.change_level(i, actor=request.user, level=d["level"], reason=d["reason"]),
                 _("Level changed."))


@login_required
@require_POST
def incident_close(request, pk: int):
    return _step(request, pk, "close_form", lambda i: CloseForm(request.POST),
                 lambda i, d: services.close_incident(i, actor=request.user, summary=d["summary"]),
                 _("Incident closed."))


urlpatterns = [
    path("incidents/", IncidentListView.as_view(), name="command_incident_list"),
    path("incidents/new/", IncidentCreateView.as_view(), name="command_incident_create"),
    path("incidents/<int:pk>/", incident_detail, name="command_incident_detail"),
    path("incidents/<int:pk>/actions/", incident_action, name="command_incident_action"),
    path("incidents/<int:pk>/assign/", incident_assign, name="command_incident_assign"),
    path("incidents/<int:pk>/level/", incident_level, name="command_incident_level"),
    path("incidents/<int:pk>/close/", incident_close, name="command_incident_close"),
]
