"""Pages for commissioners (驻企专员): assignments, visits, appeals (诉求) and the overdue list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from twofront.core import scope
from twofront.core.generic import ActionView, Column, ScopedDetailView, ScopedListView, ServiceFormView
from twofront.enterprise import selectors_commissioners as selectors
from twofront.enterprise.choices import AppealCategory, AppealStatus
from twofront.enterprise.forms_commissioners import (
    OVERDUE,
    AppealFilterForm,
    AppealForm,
    AssignForm,
    AssignmentFilterForm,
    CloseForm,
    EscalateForm,
    RateForm,
    VisitForm,
)
from twofront.enterprise.models import Appeal, CommissionerAssignment, Visit
from twofront.enterprise.services import commissioners as services


def _require(user, permission: str) -> None:
    if not scope.has_permission_anywhere(user, permission):
        raise PermissionDenied(permission)


class AssignmentListView(ScopedListView):
    model = CommissionerAssignment
    title = _("Enterprise commissioners")
    template_name = "enterprise/commissioner_list.html"
    partial_template_name = "enterprise/commissioner_table.html"
    filter_form_class = AssignmentFilterForm
    create_url_name = "commissioner_assign"
    create_permission = "enterprise.add_commissionerassignment"
    columns = [Column("commissioner", _("Commissioner")), Column("enterprise.name", _("Enterprise")),
               Column("enterprise.region.name", _("Region")), Column("since", _("Since"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.assignments(self.request.user)

    def filter_queryset(self, qs, data):
        return selectors.assignments(self.request.user, commissioner=data.get("commissioner"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for row in context["rows"]:
            row["can_end"] = scope.covers(user, "enterprise.add_commissionerassignment", row["object"])
        return context


class AssignView(ServiceFormView):
    form_class = AssignForm
    title = _("Station a commissioner")
    success_message = _("Commissioner stationed.")

    def check_allowed(self):
        _require(self.request.user, "enterprise.add_commissionerassignment")

    def perform(self, form):
        data = form.cleaned_data
        return services.assign_commissioner(actor=self.request.user, enterprise=data["enterprise"],
                                            commissioner=data["commissioner"], since=data["since"])

    def success_url(self, result):
        return reverse("commissioner_list")


class EndAssignmentView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        assignment = scope.get_visible_or_404(CommissionerAssignment.objects.select_related("enterprise__region"),
                                              request.user, pk=pk)
        services.end_assignment(assignment, actor=request.user)
        messages.success(request, _("Commissioner withdrawn."))
        return HttpResponseRedirect(reverse("commissioner_list"))


class VisitListView(ScopedListView):
    model = Visit
    title = _("Commissioner visits")
    create_url_name = "visit_create"
    create_permission = "enterprise.add_visit"
    columns = [Column("visited_on", _("Visited on")), Column("enterprise.name", _("Enterprise")),
               Column("commissioner", _("Commissioner")), Column("notes", _("Notes"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.visits(self.request.user)


class VisitCreateView(ServiceFormView):
    form_class = VisitForm
    title = _("Record a visit")
    success_message = _("Visit recorded.")

    def check_allowed(self):
        _require(self.request.user, "enterprise.add_visit")

    def perform(self, form):
        data = form.cleaned_data
        return services.record_visit(actor=self.request.user, enterprise=data["enterprise"],
                                     visited_on=data["visited_on"], notes=data["notes"])

    def success_url(self, result):
        return reverse("visit_list")


class AppealListView(ScopedListView):
    model = Appeal
    title = _("Appeals")
    filter_form_class = AppealFilterForm
    detail_url_name = "appeal_detail"
    create_url_name = "appeal_create"
    create_permission = "enterprise.add_appeal"
    extra_actions = [(_("Overdue appeals"), "appeal_overdue", "enterprise.view_appeal")]
    columns = [Column("description", _("Appeal"), link=True), Column("enterprise.name", _("Enterprise")),
               Column("category", _("Category")), Column("status", _("Status")),
               Column("deadline", _("Deadline")), Column("created_at", _("Raised at"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.appeals(self.request.user)

    def filter_queryset(self, qs, data):
        status = data.get("status")
        return selectors.appeals(self.request.user, status=None if status == OVERDUE else status,
                                 category=data.get("category"), overdue=status == OVERDUE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in context["rows"]:  # a one-line summary, not the whole text
            column, text = row["cells"][0]
            row["cells"][0] = (column, text if len(text) <= 30 else f"{text[:30]}…")
        return context


class AppealCreateView(ServiceFormView):
    form_class = AppealForm
    title = _("Raise an appeal")
    success_message = _("Appeal raised.")

    def check_allowed(self):
        _require(self.request.user, "enterprise.add_appeal")

    def perform(self, form):
        data = form.cleaned_data
        return services.raise_appeal(actor=self.request.user, enterprise=data["enterprise"],
                                     category=data["category"], description=data["description"],
                                     deadline=data["deadline"])

    def success_url(self, result):
        return reverse("appeal_detail", args=[result.pk])


class AppealDetailView(ScopedDetailView):
    model = Appeal
    queryset = Appeal.objects.select_related("enterprise__region", "commissioner", "escalated_to", "closed_by")
    template_name = "enterprise/appeal_detail.html"
    fields = [Column("enterprise.name", _("Enterprise")), Column("category", _("Category")),
              Column("status", _("Status")), Column("created_at", _("Raised at")), Column("deadline", _("Deadline")),
              Column("commissioner", _("Commissioner"))]

    def get_context_data(self, obj, forms=None):
        user, forms = self.request.user, forms or {}
        context = super().get_context_data(obj)
        context["title"] = _("Appeal: %(category)s") % {"category": obj.get_category_display()}
        handle = scope.covers(user, "enterprise.handle_appeal", obj)
        is_open = obj.status in services.OPEN_STATUSES
        context.update(
            overdue=selectors.is_overdue(obj),
            escalate_form=(forms.get("escalate_form") or EscalateForm())
            if handle and obj.status == AppealStatus.OPEN else None,
            close_form=(forms.get("close_form") or CloseForm()) if handle and is_open else None,
            rate_form=(forms.get("rate_form") or RateForm())
            if obj.status == AppealStatus.CLOSED and obj.rating is None
            and scope.covers(user, "enterprise.rate_appeal", obj) else None,
        )
        return context


class AppealActionView(ActionView):
    detail_view, detail_url_name = AppealDetailView, "appeal_detail"


class EscalateView(AppealActionView):
    form_class, form_key, success_message = EscalateForm, "escalate_form", _("Appeal escalated.")

    def perform(self, obj, form):
        services.escalate_appeal(obj, actor=self.request.user, department=form.cleaned_data["department"],
                                 note=form.cleaned_data["note"])


class CloseView(AppealActionView):
    form_class, form_key, success_message = CloseForm, "close_form", _("Appeal closed.")

    def perform(self, obj, form):
        services.close_appeal(obj, actor=self.request.user, answer=form.cleaned_data["answer"])


class RateView(AppealActionView):
    form_class, form_key, success_message = RateForm, "rate_form", _("Thank you for your rating.")

    def perform(self, obj, form):
        services.rate_appeal(obj, actor=self.request.user, rating=form.cleaned_data["rating"])


class OverdueView(LoginRequiredMixin, View):
    """The district's list of appeals past their deadline, with counts per category and region."""

    def get(self, request):
        _require(request.user, "enterprise.view_appeal")
        summary = selectors.overdue_summary(request.user)
        categories = dict(AppealCategory.choices)
        return render(request, "enterprise/appeal_overdue.html", {
            "title": _("Overdue appeals"), "summary": summary,
            "by_category": [(categories.get(k, k), n) for k, n in sorted(summary["by_category"].items(),
                                                                          key=lambda kv: -kv[1])],
            "appeals": selectors.appeals(request.user, overdue=True)[:200],
        })


urlpatterns = [
    path("commissioners/", AssignmentListView.as_view(), name="commissioner_list"),
    path("commissioners/assign/", AssignView.as_view(), name="commissioner_assign"),
    path("commissioners/<int:pk>/end/", EndAssignmentView.as_view(), name="commissioner_end"),
    path("visits/", VisitListView.as_view(), name="visit_list"),
    path("visits/new/", VisitCreateView.as_view(), name="visit_create"),
    path("appeals/", AppealListView.as_view(), name="appeal_list"),
    path("appeals/new/", AppealCreateView.as_view(), name="appeal_create"),
    path("appeals/overdue/", OverdueView.as_view(), name="appeal_overdue"),
    path("appeals/<int:pk>/", AppealDetailView.as_view(), name="appeal_detail"),
    path("appeals/<int:pk>/escalate/", EscalateView.as_view(), name="appeal_escalate"),
    path("appeals/<int:pk>/close/", CloseView.as_view(), name="appeal_close"),
    path("appeals/<int:pk>/rate/", RateView.as_view(), name="appeal_rate"),
]
