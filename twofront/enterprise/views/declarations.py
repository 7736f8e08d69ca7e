"""Declaration pages: list, draft, detail with the workflow buttons and attachments, the officials' review queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView
from twofront.enterprise import selectors
from twofront.enterprise.forms import (
    AttachmentForm,
    DeclarationFilterForm,
    DeclarationForm,
    ReturnForm,
    ReviewFilterForm,
    yes_no,
)
from twofront.enterprise.models import ResumptionDeclaration
from twofront.enterprise.services import declarations as services
from twofront.enterprise.services.declarations import EDITABLE, FIELDS

COLUMNS = [Column("enterprise.name", _("Enterprise"), link=True), Column("planned_date", _("Planned date")),
           Column("expected_headcount", _("Expected headcount")), Column("status", _("Status")),
           Column("submitted_at", _("Submitted at")), Column("review_due", _("Review due"))]


class DeclarationListView(ScopedListView):
    model = ResumptionDeclaration
    title = _("Resumption declarations")
    filter_form_class = DeclarationFilterForm
    detail_url_name = "enterprise_declaration_detail"
    create_url_name = "enterprise_declaration_create"
    create_permission = "enterprise.add_resumptiondeclaration"
    extra_actions = [(_("Review queue"), "enterprise_review_queue", "enterprise.review_resumptiondeclaration")]
    columns = COLUMNS

    def base_queryset(self):
        return super().base_queryset().select_related("enterprise")

    def filter_queryset(self, qs, data):
        return selectors.declarations(self.request.user, status=data.get("status"),
                                      overdue=yes_no(data.get("overdue")))


class ReviewQueueView(ScopedListView):
    """Submitted declarations waiting for the official, the longest-waiting first, overdue ones flagged."""

    model = ResumptionDeclaration
    title = _("Declarations to review")
    template_name = "enterprise/review_queue.html"
    partial_template_name = "enterprise/partials/review_table.html"
    filter_form_class = ReviewFilterForm
    detail_url_name = "enterprise_declaration_detail"
    columns = [*COLUMNS[:3], Column("enterprise.region.name", _("Region")), COLUMNS[4], COLUMNS[5]]

    def base_queryset(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.review_resumptiondeclaration"):
            raise PermissionDenied
        return selectors.review_queue(self.request.user)

    def filter_queryset(self, qs, data):
        return selectors.review_queue(self.request.user, overdue=yes_no(data.get("overdue")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for row in context["rows"]:
            row["overdue"] = row["object"].review_due is not None and row["object"].review_due < now
        context["overdue_count"] = selectors.overdue_reviews(self.request.user)
        return context


class DeclarationCreateView(ServiceFormView):
    form_class = DeclarationForm
    template_name = "enterprise/form.html"
    title = _("Declare resumption")
    success_message = _("Declaration saved as a draft. Submit it when it is complete.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.add_resumptiondeclaration"):
            raise PermissionDenied

    def get_initial(self):
        # From the enterprise page (?enterprise=) or, for an enterprise account, its only enterprise.
        wanted = self.request.GET.get("enterprise", "")
        if wanted.isdigit():
            return {"enterprise": int(wanted)}
        choices = list(selectors.enterprises_for(self.request.user, "enterprise.add_resumptiondeclaration")
                       .values_list("pk", flat=True)[:2])
        return {"enterprise": choices[0]} if len(choices) == 1 else {}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.create_declaration(data.pop("enterprise"), actor=self.request.user, **data)

    def success_url(self, declaration):
        return reverse("enterprise_declaration_detail", args=[declaration.pk])


class DeclarationUpdateView(ServiceFormView):
    form_class = DeclarationForm
    template_name = "enterprise/form.html"
    title = _("Edit declaration")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(ResumptionDeclaration, self.request.user, "change",
                                                  pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user, "editing": True}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in FIELDS}

    def perform(self, form):
        return services.update_declaration(self.object, actor=self.request.user, **form.cleaned_data)

    def success_url(self, declaration):
        return reverse("enterprise_declaration_detail", args=[declaration.pk])


class DeclarationDetailView(ScopedDetailView):
    model = ResumptionDeclaration
    queryset = ResumptionDeclaration.objects.select_related("enterprise", "enterprise__region", "reviewed_by")
    template_name = "enterprise/declaration_detail.html"
    fields = [Column("enterprise.name", _("Enterprise")), Column("status", _("Status")),
              Column("planned_date", _("Planned resumption date")),
              Column("expected_headcount", _("Expected headcount")), Column("local_employees", _("Local employees")),
              Column("out_of_town_employees", _("Out-of-town employees")),
              Column("mask_stock_days", _("Mask stock (days)")), Column("disinfection", _("Regular disinfection")),
              Column("temperature_checks", _("Temperature checks at entry")),
              Column("isolation_room", _("Temporary isolation room")),
              Column("canteen_arrangement", _("Canteen arrangement")),
              Column("responsible_person", _("Person responsible for prevention")),
              Column("submitted_at", _("Submitted at")), Column("review_due", _("Review due")),
              Column("reviewed_at", _("Reviewed at")), Column("reviewed_by", _("Reviewed by"))]

    def get_context_data(self, obj):
        user = self.request.user
        context = super().get_context_data(obj)
        can_change = scope.covers(user, "enterprise.change_resumptiondeclaration", obj)
        can_review = scope.covers(user, "enterprise.review_resumptiondeclaration", obj)
        context.update(
            title=_("Resumption declaration of %(name)s") % {"name": obj.enterprise.name},
            editable=can_change and obj.status in EDITABLE,
            reviewable=can_review and obj.status == "submitted",
            overdue=obj.status == "submitted" and obj.review_due and obj.review_due < timezone.now(),
            attachments=obj.attachments.all(), attachment_form=AttachmentForm(), return_form=ReturnForm(),
        )
        return context


def _act(request, pk: int, perform, message):
    declaration = scope.get_visible_or_404(ResumptionDeclaration.objects.select_related("enterprise"),
                                           request.user, pk=pk)
    try:
        perform(declaration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("enterprise_declaration_detail", pk=pk)


@login_required
@require_POST
def declaration_submit(request, pk: int):
    return _act(request, pk, lambda d: services.submit_declaration(d, actor=request.user),
                _("Submitted for review."))


@login_required
@require_POST
def declaration_approve(request, pk: int):
    return _act(request, pk, lambda d: services.approve_declaration(d, actor=request.user), _("Approved."))


@login_required
@require_POST
def declaration_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda d: services.return_declaration(d, actor=request.user, reason=reason),
                _("Returned to the enterprise."))


@login_required
@require_POST
def attachment_upload(request, pk: int):
    form = AttachmentForm(request.POST, request.FILES)
    upload = form.cleaned_data["file"] if form.is_valid() else None

    def perform(declaration):
        if upload is None:
            raise ValidationError(_("Choose a file."))
        services.add_attachment(declaration, actor=request.user, upload=upload)

    return _act(request, pk, perform, _("Attachment added."))


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    # Whoever may see the declaration may read its attachments; nobody else learns they exist.
    declaration = scope.get_visible_or_404(ResumptionDeclaration, request.user, pk=pk)
    attachment = declaration.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered inline: an uploaded file must not run in the site's origin.
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


urlpatterns = [
    path("declarations/", DeclarationListView.as_view(), name="enterprise_declaration_list"),
    path("declarations/review/", ReviewQueueView.as_view(), name="enterprise_review_queue"),
    path("declarations/new/", DeclarationCreateView.as_view(), name="enterprise_declaration_create"),
    path("declarations/<int:pk>/", DeclarationDetailView.as_view(), name="enterprise_declaration_detail"),
    path("declarations/<int:pk>/edit/", DeclarationUpdateView.as_view(), name="enterprise_declaration_update"),
    path("declarations/<int:pk>/submit/", declaration_submit, name="enterprise_declaration_submit"),
    path("declarations/<int:pk>/approve/", declaration_approve, name="enterprise_declaration_approve"),
    path("declarations/<int:pk>/return/", declaration_return, name="enterprise_declaration_return"),
    path("declarations/<int:pk>/attachments/", attachment_upload, name="enterprise_attachment_upload"),
    path("declarations/<int:pk>/attachments/<int:attachment_pk>/", attachment_download,
         name="enterprise_attachment_download"),
]
