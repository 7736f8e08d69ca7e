"""Pages: hospitals, fever-clinic visits, cases with their history, daily capacity reports, late reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView, apply_errors
from twofront.medical import selectors, services
from twofront.medical.choices import CASE_TRANSITIONS, CaseState
from twofront.medical.forms import (
    CaseFilterForm,
    CaseForm,
    HospitalEditForm,
    HospitalFilterForm,
    HospitalForm,
    ReportEditForm,
    ReportForm,
    TransitionForm,
    VisitForm,
)
from twofront.medical.models import CapacityReport, Case, FeverClinicVisit, Hospital


class YesNo(Column):
    def value(self, obj):
        return _("Yes") if super().value(obj) else _("No")


class Late(Column):
    def value(self, obj):
        return _("Late") if selectors.is_late(obj) else _("On time")


def require_anywhere(user, permission: str) -> None:
    if not scope.has_permission_anywhere(user, permission):
        raise PermissionDenied


# -- hospitals ---------------------------------------------------------------------------------------

class HospitalListView(ScopedListView):
    model = Hospital
    title = _("Hospitals")
    columns = [Column("name", _("Name"), link=True), Column("region.name", _("Region")),
               YesNo("designated", _("Designated")), YesNo("fever_clinic", _("Fever clinic")),
               Column("isolation_wards", _("Isolation wards")), Column("beds", _("Beds"))]
    filter_form_class = HospitalFilterForm
    detail_url_name = "medical:hospital_detail"
    create_url_name = "medical:hospital_create"
    create_permission = "medical.add_hospital"

    def base_queryset(self):
        super().base_queryset()
        return selectors.hospitals(self.request.user)

    def filter_queryset(self, qs, data):
        return selectors.hospitals(self.request.user, designated=data.get("designated"))


class HospitalDetailView(ScopedDetailView):
    model = Hospital
    queryset = Hospital.objects.select_related("region")
    template_name = "medical/hospital_detail.html"
    fields = [Column("name", _("Name")), Column("region.full_name", _("Region")),
              YesNo("designated", _("Designated for treatment")), YesNo("fever_clinic", _("Has a fever clinic")),
              Column("isolation_wards", _("Isolation wards")), Column("beds", _("Beds"))]

    def get_context_data(self, obj):
        user = self.request.user
        context = super().get_context_data(obj)
        context.update(reports=selectors.reports(user, hospital_id=obj.pk)[:14],
                       can_edit=scope.covers(user, "medical.change_hospital", obj),
                       can_report=scope.covers(user, "medical.add_capacityreport", obj))
        return context


class HospitalCreateView(ServiceFormView):
    form_class = HospitalForm
    template_name = "medical/form.html"
    title = _("Register a hospital")
    success_message = _("Hospital registered.")

    def check_allowed(self):
        require_anywhere(self.request.user, "medical.add_hospital")

    def perform(self, form):
        return services.create_hospital(actor=self.request.user, **form.cleaned_data)

    def success_url(self, hospital):
        return reverse("medical:hospital_detail", args=[hospital.pk])


class HospitalUpdateView(HospitalCreateView):
    form_class = HospitalEditForm
    title = _("Edit hospital")
    success_message = _("Hospital saved.")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Hospital, self.request.user, "change", pk=self.kwargs["pk"])

    def get_initial(self):
        return {k: getattr(self.object, k) for k in services.HOSPITAL_FIELDS}

    def perform(self, form):
        return services.update_hospital(self.object, actor=self.request.user, **form.cleaned_data)


# -- visits ------------------------------------------------------------------------------------------

class VisitListView(ScopedListView):
    model = FeverClinicVisit
    title = _("Fever-clinic visits")
    columns = [Column("visited_at", _("Visited at")), Column("hospital.name", _("Hospital")),
               Column("person.name", _("Name")), Column("person.id_number_masked", _("National ID")),
               Column("temperature", _("Temperature (°C)")), Column("outcome", _("Outcome"))]
    create_url_name = "medical:visit_create"
    create_permission = "medical.add_feverclinicvisit"

    def base_queryset(self):
        super().base_queryset()
        return selectors.visits(self.request.user)


class VisitCreateView(ServiceFormView):
    form_class = VisitForm
    template_name = "medical/form.html"
    title = _("Fever-clinic visit")
    success_message = _("Visit recorded.")

    def check_allowed(self):
        require_anywhere(self.request.user, "medical.add_feverclinicvisit")

    def perform(self, form):
        data = form.cleaned_data
        person = selectors.find_person(self.request.user, id_number=data.pop("id_number"))
        return services.record_visit(actor=self.request.user, person=person, **data)

    def success_url(self, visit):
        return reverse("medical:visit_list")


# -- cases -------------------------------------------------------------------------------------------

class CaseListView(ScopedListView):
    model = Case
    title = _("Cases")
    columns = [Column("person.name", _("Name"), link=True), Column("person.id_number_masked", _("National ID")),
               Column("state", _("State")), Column("hospital.name", _("Hospital")),
               Column("region.name", _("Residence")), Column("reported_at", _("Reported at")),
               Column("state_changed_at", _("State changed at"))]
    filter_form_class = CaseFilterForm
    detail_url_name = "medical:case_detail"
    create_url_name = "medical:case_create"
    create_permission = "medical.add_case"

    def base_queryset(self):
        super().base_queryset()
        return selectors.cases(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.cases(self.request.user, state=data.get("state") or None, open_only=data.get("open_only"),
                               region=region.code if region else None)


def next_states(case: Case) -> list[str]:
    """The states a case may move to, in the order of CaseState (suspected ... died)."""
    return [state for state in CaseState if state in CASE_TRANSITIONS[case.state]]


class CaseDetailView(ScopedDetailView):
    model = Case
    template_name = "medical/case_detail.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.cases(self.request.user), self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, obj, form=None):
        user = self.request.user
        states = next_states(obj)
        can_move = bool(states) and scope.covers(user, "medical.change_case", obj)
        return {"object": obj, "case": obj, "title": f"{obj.person.name} · {obj.get_state_display()}",
                "transitions": obj.transitions.all(), "form": (form or TransitionForm(states=states)) if can_move else None,
                "person_url": reverse("person_detail", args=[obj.person_id])
                if scope.covers(user, "core.view_person", obj.person) else ""}


@login_required
@require_POST
def case_transition(request, pk: int):
    case = scope.get_actionable_or_403(selectors.cases(request.user), request.user, "change", pk=pk)
    form = TransitionForm(request.POST, states=next_states(case))
    if form.is_valid():
        try:
            services.transition_case(case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case updated."))
            return HttpResponseRedirect(reverse("medical:case_detail", args=[pk]))
    view = CaseDetailView(request=request, kwargs={"pk": pk})
    return render(request, view.template_name, view.get_context_data(case, form=form), status=422)


class CaseCreateView(ServiceFormView):
    form_class = CaseForm
    template_name = "medical/form.html"
    title = _("Report a case")
    success_message = _("Case reported.")

    def check_allowed(self):
        require_anywhere(self.request.user, "medical.add_case")

    def perform(self, form):
        data = form.cleaned_data
        person = selectors.find_person(self.request.user, id_number=data.pop("id_number"))
        return services.report_case(actor=self.request.user, person=person, **data)

    def success_url(self, case):
        return reverse("medical:case_detail", args=[case.pk])


# -- capacity reports --------------------------------------------------------------------------------

class ReportListView(ScopedListView):
    model = CapacityReport
    title = _("Capacity reports")
    columns = [Column("day", _("Day")), Column("hospital.name", _("Hospital")), Column("beds_used", _("Beds in use")),
               Column("beds_total", _("Beds")), Column("isolation_rooms_used", _("Isolation rooms in use")),
               Column("isolation_rooms_total", _("Isolation rooms")), Column("submitted_at", _("Submitted at")),
               Late("submitted_at", _("Filed"))]
    detail_url_name = ""
    create_url_name = "medical:report_create"
    create_permission = "medical.add_capacityreport"
    extra_actions = [(_("Late reports today"), "medical:report_status", "medical.monitor_capacityreport")]

    def base_queryset(self):
        super().base_queryset()
        return selectors.reports(self.request.user)


class ReportCreateView(ServiceFormView):
    form_class = ReportForm
    template_name = "medical/form.html"
    title = _("Daily capacity report")
    success_message = _("Report filed.")

    def check_allowed(self):
        require_anywhere(self.request.user, "medical.add_capacityreport")

    def perform(self, form):
        return services.submit_capacity_report(actor=self.request.user, **form.cleaned_data)

    def success_url(self, report):
        return reverse("medical:report_list")


class ReportUpdateView(ReportCreateView):
    form_class = ReportEditForm
    title = _("Correct a capacity report")
    success_message = _("Report corrected.")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(CapacityReport.objects.select_related("hospital"), self.request.user,
                                                  "change", pk=self.kwargs["pk"])

    def get_initial(self):
        return {k: getattr(self.object, k) for k in services.REPORT_FIELDS}

    def perform(self, form):
        return services.correct_capacity_report(self.object, actor=self.request.user, **form.cleaned_data)


@login_required
@require_GET
def report_status(request):
    rows = selectors.report_status(request.user)
    return render(request, "medical/report_status.html", {
        "title": _("Capacity reports today"), "rows": rows, "overdue": [r for r in rows if r.overdue],
        "hour": selectors.report_hour()})
