"""Pages of supervision and inspection (督促检查): my tasks, tasks issued, overdue tasks, a task's page with its
timeline and the forms of the next step (htmx, phone-first), issuing a task, inspections and their findings."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.command import selectors_tasks as selectors
from twofront.command.choices import TaskStatus
from twofront.command.forms_tasks import (
    AcceptForm,
    CancelForm,
    ExtendForm,
    FindingForm,
    InspectionForm,
    ProgressForm,
    ReturnForm,
    SubmitForm,
    TaskFilterForm,
    TaskForm,
)
from twofront.command.models import Finding, Inspection, SupervisionTask, TaskProgress
from twofront.command.services import supervision as services
from twofront.core import scope
from twofront.core.generic import (
    ActionView,
    Column,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

DEFAULT_DAYS = 7  # a new task is due in a week unless the issuer says otherwise


class DetailActionView(ActionView):
    """The core action view; with htmx the form swaps #main-part in place and the notice shows in it."""

    htmx_in_place = True


class TaskListView(ScopedListView):
    model = SupervisionTask
    box = "all"
    template_name = "command/supervision_list.html"
    partial_template_name = "command/supervision_table.html"
    filter_form_class = TaskFilterForm
    detail_url_name = "supervision_detail"
    create_url_name = "supervision_create"
    create_permission = services.ISSUE
    paginate_by = 30
    columns = [Column("title", _("Task"), link=True), Column("assignee_region.name", _("Assigned to")),
               Column("issuer_region.name", _("Issued by")), Column("deadline", _("Deadline")),
               Column("status", _("Status"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.tasks(self.request.user, box=self.box)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.tasks(self.request.user, box=self.box, q=data.get("q") or None,
                               status=data.get("status") or None, source=data.get("source") or None,
                               region=region.code if region else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for row in context["rows"]:
            task = row["object"]
            row["overdue"] = services.is_overdue(task, today)
            row["days_left"] = (task.deadline - today).days
            row["days_late"] = -row["days_left"]
        user = self.request.user
        context["box"] = self.box
        context["tabs"] = [(name, label, reverse(url)) for name, label, url, permission in (
            ("mine", _("My tasks"), "supervision_mine", services.REPORT),
            ("issued", _("Tasks issued"), "supervision_issued", services.ISSUE),
            ("overdue", _("Overdue"), "supervision_overdue", "command.view_supervisiontask"),
        ) if scope.has_permission_anywhere(user, permission)]
        if self.box == "overdue":
            context["summary"] = selectors.overdue_summary(user)
        return context


class MyTasksView(TaskListView):
    box = "mine"
    title = _("My tasks")

    def base_queryset(self):
        if not scope.has_permission_anywhere(self.request.user, services.REPORT):
            raise PermissionDenied
        return super().base_queryset()


class IssuedTasksView(TaskListView):
    box = "issued"
    title = _("Tasks issued")
    columns = [Column("title", _("Task"), link=True), Column("assignee_region.name", _("Assigned to")),
               Column("assignee", _("Responsible")), Column("deadline", _("Deadline")), Column("status", _("Status"))]


class OverdueTasksView(TaskListView):
    box = "overdue"
    title = _("Overdue tasks")
    columns = [Column("title", _("Task"), link=True), Column("assignee_region.name", _("Assigned to")),
               Column("issuer_region.name", _("Issued by")), Column("deadline", _("Deadline")),
               Column("status", _("Status"))]


class TaskCreateView(ServiceFormView):
    form_class = TaskForm
    template_name = "command/supervision_form.html"
    submit_label = _("Issue the task")
    title = _("Issue a supervision task")
    success_message = _("Task issued.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, services.ISSUE):
            raise PermissionDenied

    def get_initial(self):
        return {"deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)}

    def perform(self, form):
        return services.create_task(actor=self.request.user, **form.cleaned_data)

    def success_url(self, task):
        return reverse("supervision_detail", args=[task.pk])


def timeline(task: SupervisionTask) -> list[dict]:
    """What happened to the task, oldest first: issued, then every report, submission, decision, escalation."""
    entries = [{"kind": "assigned", "label": _("Issued"), "at": task.created_at, "by": task.created_by,
                "note": task.description}]
    for entry in task.progress.all():
        entries.append({"kind": entry.kind, "label": entry.get_kind_display(), "at": entry.at, "by": entry.by,
                        "note": entry.note, "evidence": entry if entry.evidence else None,
                        "evidence_name": entry.evidence.name.rsplit("/", 1)[-1] if entry.evidence else ""})
    return entries


class TaskDetailView(ScopedDetailView):
    model = SupervisionTask
    template_name = "command/supervision_detail.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.task_detail(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        user, forms, today = self.request.user, forms or {}, timezone.localdate()
        assignee_turn = obj.status in services.OPEN_STATUSES
        report = assignee_turn and scope.covers(user, services.REPORT, obj) and services.acts_as_assignee(user, obj)
        issuer = scope.covers(user, services.REVIEW, obj) and services.acts_as_issuer(user, obj)
        review = obj.status == TaskStatus.SUBMITTED and issuer
        settle = obj.status in services.UNSETTLED_STATUSES and issuer
        return {
            "object": obj, "task": obj, "title": obj.title, "timeline": timeline(obj),
            "overdue": services.is_overdue(obj, today), "days_left": (obj.deadline - today).days,
            "escalated_to": services.escalation_region(obj),
            "has_evidence": any(e.evidence for e in obj.progress.all()),
            "progress_form": (forms.get("progress_form") or ProgressForm()) if report else None,
            "submit_form": (forms.get("submit_form") or SubmitForm(prefix="submit")) if report else None,
            "accept_form": (forms.get("accept_form") or AcceptForm(prefix="accept")) if review else None,
            "return_form": (forms.get("return_form") or ReturnForm(prefix="return")) if review else None,
            "extend_form": (forms.get("extend_form") or ExtendForm(prefix="extend")) if settle else None,
            "cancel_form": (forms.get("cancel_form") or CancelForm(prefix="cancel")) if settle else None,
        }


class TaskActionView(DetailActionView):
    detail_view, detail_url_name = TaskDetailView, "supervision_detail"


class ProgressView(TaskActionView):
    form_class, form_key, success_message = ProgressForm, "progress_form", _("Progress reported.")

    def perform(self, task, form):
        services.report_progress(task, actor=self.request.user, **form.cleaned_data)


class SubmitView(TaskActionView):
    form_key, success_message = "submit_form", _("Submitted for acceptance.")

    def get_form(self, obj):
        return SubmitForm(self.request.POST, self.request.FILES, prefix="submit")

    def perform(self, task, form):
        services.submit_task(task, actor=self.request.user, **form.cleaned_data)


class AcceptView(TaskActionView):
    form_key, success_message = "accept_form", _("Task accepted.")

    def get_form(self, obj):
        return AcceptForm(self.request.POST, prefix="accept")

    def perform(self, task, form):
        services.accept_task(task, actor=self.request.user, note=form.cleaned_data["note"])


class ReturnView(TaskActionView):
    form_key, success_message = "return_form", _("Task returned for rework.")

    def get_form(self, obj):
        return ReturnForm(self.request.POST, prefix="return")

    def perform(self, task, form):
        services.return_task(task, actor=self.request.user, reason=form.cleaned_data["reason"])


class ExtendView(TaskActionView):
    form_key, success_message = "extend_form", _("Deadline extended.")

    def get_form(self, obj):
        return ExtendForm(self.request.POST, prefix="extend")

    def perform(self, task, form):
        services.extend_deadline(task, actor=self.request.user, **form.cleaned_data)


class CancelView(TaskActionView):
    form_key, success_message = "cancel_form", _("Task cancelled.")

    def get_form(self, obj):
        return CancelForm(self.request.POST, prefix="cancel")

    def perform(self, task, form):
        services.cancel_task(task, actor=self.request.user, reason=form.cleaned_data["reason"])


@login_required
def evidence_download(request, pk: int, progress_pk: int):
    # Whoever may see the task may read its evidence; nobody else learns it exists.
    task = scope.get_visible_or_404(SupervisionTask, request.user, pk=pk)
    entry = TaskProgress.objects.filter(task=task, pk=progress_pk).exclude(evidence="").first()
    if entry is None:
        raise Http404
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered inline: an uploaded file must not run in the site's origin.
    return FileResponse(handle, as_attachment=True, filename=entry.evidence.name.rsplit("/", 1)[-1])


class InspectionListView(ScopedListView):
    model = Inspection
    title = _("Inspections")
    detail_url_name = "inspection_detail"
    create_url_name = "inspection_create"
    create_permission = "command.add_inspection"
    columns = [Column("title", _("Inspection"), link=True), Column("region.name", _("Inspected region")),
               Column("inspected_on", _("Inspected on")), Column("inspectors", _("Inspectors")),
               Column("finding_count", _("Findings")), Column("task_count", _("Rectification tasks"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.inspections(self.request.user)


class InspectionCreateView(ServiceFormView):
    form_class = InspectionForm
    template_name = "command/supervision_form.html"
    title = _("Record an inspection")
    success_message = _("Inspection recorded.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "command.add_inspection"):
            raise PermissionDenied

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["findings"] = [(text, "medium") for text in data["findings"]]
        return services.record_inspection(actor=self.request.user, **data)

    def success_url(self, inspection):
        return reverse("inspection_detail", args=[inspection.pk])


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "command/supervision_inspection.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.inspection_detail(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        user, forms = self.request.user, forms or {}
        change = scope.covers(user, "command.change_inspection", obj)
        return {"object": obj, "inspection": obj, "title": obj.title, "findings": obj.findings.all(),
                "finding_form": (forms.get("finding_form") or FindingForm()) if change else None,
                "can_assign": change and scope.has_permission_anywhere(user, services.ISSUE)}


class FindingAddView(DetailActionView):
    detail_view, detail_url_name = InspectionDetailView, "inspection_detail"
    form_class, form_key, success_message = FindingForm, "finding_form", _("Finding added.")

    def perform(self, inspection, form):
        services.add_finding(inspection, actor=self.request.user, **form.cleaned_data)


class FindingTaskView(ServiceFormView):
    """A rectification task for a finding: assigned to the inspected region or a unit in it."""

    form_class = TaskForm
    template_name = "command/supervision_form.html"
    submit_label = _("Issue the task")
    title = _("Assign a rectification task")
    success_message = _("Rectification task issued.")

    def check_allowed(self):
        inspection = scope.get_actionable_or_403(Inspection, self.request.user, "change", pk=self.kwargs["pk"])
        self.finding = Finding.objects.filter(inspection=inspection, pk=self.kwargs["finding_pk"]).first()
        if self.finding is None:
            raise Http404
        if not scope.has_permission_anywhere(self.request.user, services.ISSUE):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {"user": self.request.user, "within": self.finding.inspection.region}

    @property
    def context_note(self):
        return _("Finding: %(text)s") % {"text": self.finding.description}

    def get_initial(self):
        return {"title": _("Rectify: %(finding)s") % {"finding": self.finding.description[:60]},
                "assignee_region": self.finding.inspection.region.code,
                "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)}

    @property
    def cancel_url(self):
        return reverse("inspection_detail", args=[self.finding.inspection_id])

    def perform(self, form):
        return services.create_task(actor=self.request.user, finding=self.finding, **form.cleaned_data)

    def success_url(self, task):
        return reverse("supervision_detail", args=[task.pk])


urlpatterns = [
    path("tasks/", MyTasksView.as_view(), name="supervision_mine"),
    path("tasks/issued/", IssuedTasksView.as_view(), name="supervision_issued"),
    path("tasks/overdue/", OverdueTasksView.as_view(), name="supervision_overdue"),
    path("tasks/new/", TaskCreateView.as_view(), name="supervision_create"),
    path("tasks/<int:pk>/", TaskDetailView.as_view(), name="supervision_detail"),
    path("tasks/<int:pk>/progress/", ProgressView.as_view(), name="supervision_progress"),
    path("tasks/<int:pk>/submit/", SubmitView.as_view(), name="supervision_submit"),
    path("tasks/<int:pk>/accept/", AcceptView.as_view(), name="supervision_accept"),
    path("tasks/<int:pk>/return/", ReturnView.as_view(), name="supervision_return"),
    path("tasks/<int:pk>/extend/", ExtendView.as_view(), name="supervision_extend"),
    path("tasks/<int:pk>/cancel/", CancelView.as_view(), name="supervision_cancel"),
    path("tasks/<int:pk>/evidence/<int:progress_pk>/", evidence_download, name="supervision_evidence"),
    path("inspections/", InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/findings/", FindingAddView.as_view(), name="inspection_finding_add"),
    path("inspections/<int:pk>/findings/<int:finding_pk>/task/", FindingTaskView.as_view(),
         name="inspection_finding_task"),
]
