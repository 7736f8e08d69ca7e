"""Pages of the joint consultations (工作会商): the record of each meeting, its decisions, and the supervision
tasks each decision was turned into."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twofront.command import selectors_tasks as selectors
from twofront.command.forms_tasks import (
    ConsultationEditForm,
    ConsultationFilterForm,
    ConsultationForm,
    DecisionForm,
    TaskForm,
)
from twofront.command.models import Consultation
from twofront.command.services import meetings as services
from twofront.command.services import supervision
from twofront.command.views.supervision import DEFAULT_DAYS, DetailActionView
from twofront.core import scope
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView


class ConsultationListView(ScopedListView):
    model = Consultation
    title = _("Consultations")
    template_name = "command/meetings_list.html"
    filter_form_class = ConsultationFilterForm
    detail_url_name = "consultation_detail"
    create_url_name = "consultation_create"
    create_permission = "command.add_consultation"
    columns = [Column("title", _("Consultation"), link=True), Column("held_at", _("Held at")),
               Column("region.name", _("Command post")), Column("location", pgettext_lazy("meeting", "Location")),
               Column("decision_count", pgettext_lazy("consultation", "Decisions")), Column("task_count", _("Tasks"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.consultations(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.consultations(self.request.user, q=data.get("q") or None,
                                       region=region.code if region else None)


class ConsultationCreateView(ServiceFormView):
    form_class = ConsultationForm
    title = _("Record a consultation")
    success_message = _("Consultation recorded.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "command.add_consultation"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_consultation(actor=self.request.user, **form.cleaned_data)

    def success_url(self, consultation):
        return reverse("consultation_detail", args=[consultation.pk])


class ConsultationUpdateView(ConsultationCreateView):
    form_class = ConsultationEditForm
    title = _("Edit consultation")
    success_message = _("Consultation saved.")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Consultation.objects.select_related("region"), self.request.user,
                                                  "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user, "consultation": self.object}

    def get_initial(self):
        return {**{k: getattr(self.object, k) for k in services.CONSULTATION_FIELDS},
                "held_at": timezone.localtime(self.object.held_at), "attendees": list(self.object.attendees.all())}

    def perform(self, form):
        return services.update_consultation(self.object, actor=self.request.user, **form.cleaned_data)


class ConsultationDetailView(ScopedDetailView):
    model = Consultation
    template_name = "command/meetings_detail.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.consultation_detail(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        user, forms = self.request.user, forms or {}
        change = scope.covers(user, "command.change_consultation", obj)
        return {"object": obj, "consultation": obj, "title": obj.title, "decisions": obj.decisions.all(),
                "attendees": obj.attendees.all(), "can_change": change,
                "can_assign": change and scope.has_permission_anywhere(user, supervision.ISSUE),
                "decision_form": (forms.get("decision_form") or DecisionForm()) if change else None}


class DecisionAddView(DetailActionView):
    detail_view, detail_url_name = ConsultationDetailView, "consultation_detail"
    form_class, form_key, success_message = DecisionForm, "decision_form", _("Decision added.")

    def perform(self, consultation, form):
        services.add_decision(consultation, actor=self.request.user, text=form.cleaned_data["text"])


class DecisionTaskView(ServiceFormView):
    """Assign a decision as a task: issued by the consultation's command post to a unit below it."""

    form_class = TaskForm
    template_name = "command/supervision_form.html"
    submit_label = _("Issue the task")
    title = _("Assign a decision as a task")
    success_message = _("Task issued.")

    def check_allowed(self):
        consultation = scope.get_actionable_or_403(Consultation.objects.select_related("region"), self.request.user,
                                                   "change", pk=self.kwargs["pk"])
        self.decision = consultation.decisions.filter(pk=self.kwargs["decision_pk"]).first()
        if self.decision is None:
            raise Http404
        if not scope.has_permission_anywhere(self.request.user, supervision.ISSUE):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {"user": self.request.user, "within": self.decision.consultation.region}

    @property
    def context_note(self):
        return _("Decision of %(meeting)s: %(text)s") % {"meeting": self.decision.consultation.title,
                                                         "text": self.decision.text}

    def get_initial(self):
        return {"title": self.decision.text[:200], "description": self.decision.text,
                "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)}

    @property
    def cancel_url(self):
        return reverse("consultation_detail", args=[self.decision.consultation_id])

    def perform(self, form):
        return supervision.create_task(actor=self.request.user, decision=self.decision, **form.cleaned_data)

    def success_url(self, task):
        return reverse("consultation_detail", args=[self.decision.consultation_id])


urlpatterns = [
    path("consultations/", ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/new/", ConsultationCreateView.as_view(), name="consultation_create"),
    path("consultations/<int:pk>/", ConsultationDetailView.as_view(), name="consultation_detail"),
    path("consultations/<int:pk>/edit/", ConsultationUpdateView.as_view(), name="consultation_update"),
    path("consultations/<int:pk>/decisions/", DecisionAddView.as_view(), name="consultation_decision_add"),
    path("consultations/<int:pk>/decisions/<int:decision_pk>/task/", DecisionTaskView.as_view(),
         name="consultation_decision_task"),
]
