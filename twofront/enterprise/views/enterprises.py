"""Enterprise pages: list, registration, detail (with the check-in QR code), edit, resumption, statistics."""

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView
from twofront.enterprise import selectors
from twofront.enterprise.forms import EnterpriseFilterForm, EnterpriseForm, ResumeForm, StatsForm, yes_no
from twofront.enterprise.models import Enterprise, ResumptionDeclaration
from twofront.enterprise.services import enterprises as services


class EnterpriseListView(ScopedListView):
    model = Enterprise
    title = _("Enterprises")
    filter_form_class = EnterpriseFilterForm
    detail_url_name = "enterprise_detail"
    create_url_name = "enterprise_create"
    create_permission = "enterprise.add_enterprise"
    extra_actions = [(_("Resumption statistics"), "enterprise_stats", "enterprise.view_enterprise")]
    columns = [Column("name", _("Name"), link=True), Column("credit_code", _("Credit code")),
               Column("industry", _("Industry")), Column("scale", _("Scale")), Column("region.name", _("Region")),
               Column("resumed_on", _("Resumed on"))]

    def base_queryset(self):
        return super().base_queryset().select_related("region")

    def filter_queryset(self, qs, data):
        return selectors.enterprises(self.request.user, q=data.get("q"), industry=data.get("industry"),
                                     scale=data.get("scale"), resumed=yes_no(data.get("resumed")))


class EnterpriseCreateView(ServiceFormView):
    form_class = EnterpriseForm
    template_name = "enterprise/form.html"
    title = _("Register an enterprise")
    success_message = _("Enterprise registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.add_enterprise"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_enterprise(actor=self.request.user, **form.cleaned_data)

    def success_url(self, enterprise):
        return reverse("enterprise_detail", args=[enterprise.pk])


class EnterpriseUpdateView(ServiceFormView):
    form_class = EnterpriseForm
    template_name = "enterprise/form.html"
    title = _("Edit enterprise")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Enterprise, self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user, "permission": "enterprise.change_enterprise", "editing": True}

    def get_initial(self):
        o = self.object
        return {"credit_code": o.credit_code, "name": o.name, "industry": o.industry, "scale": o.scale,
                "key_project": o.key_project, "region": o.region.code, "address": o.address,
                "legal_representative": o.legal_representative, "contact_name": o.contact_name}

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not data.get("contact_phone"):
            data.pop("contact_phone", None)
        return services.update_enterprise(self.object, actor=self.request.user, **data)

    def success_url(self, enterprise):
        return reverse("enterprise_detail", args=[enterprise.pk])


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    queryset = Enterprise.objects.select_related("region", "organisation")
    template_name = "enterprise/enterprise_detail.html"
    fields = [Column("credit_code", _("Unified social credit code")), Column("industry", _("Industry")),
              Column("scale", _("Scale")), Column("key_project", _("Key project")),
              Column("region.full_name", _("Region")), Column("address", _("Address")),
              Column("legal_representative", _("Legal representative")), Column("contact_name", _("Contact person")),
              Column("contact_phone_masked", _("Contact phone")), Column("resumed_on", _("Resumed on")),
              Column("created_at", _("Registered at"))]

    def get_context_data(self, obj):
        user, request = self.request.user, self.request
        context = super().get_context_data(obj)
        can_change = scope.covers(user, "enterprise.change_enterprise", obj)
        checkin_url = request.build_absolute_uri(reverse("enterprise_checkin_form", args=[obj.checkin_token]))
        context.update(
            can_change=can_change,
            can_declare=scope.covers(user, "enterprise.add_resumptiondeclaration", obj),
            can_view_checkins=scope.covers(user, "enterprise.view_healthcheckin", obj),
            can_view_employees=scope.covers(user, "enterprise.view_employee", obj),
            checkin_url=checkin_url if can_change else "",
            qr_svg=qr_svg(checkin_url) if can_change else "",
            coverage=selectors.coverage(obj) if scope.covers(user, "enterprise.view_healthcheckin", obj) else None,
            declarations=ResumptionDeclaration.objects.filter(enterprise=obj)[:10],
            resume_form=ResumeForm(),
            has_approved=obj.declarations.filter(status="approved").exists(),
        )
        return context


def _enterprise_post(request, pk: int, perform, message):
    enterprise = scope.get_visible_or_404(Enterprise, request.user, pk=pk)
    try:
        perform(enterprise)
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message)
    else:
        messages.success(request, message)
    return redirect("enterprise_detail", pk=pk)


@login_required
@require_POST
def enterprise_resume(request, pk: int):
    form = ResumeForm(request.POST)
    day = form.cleaned_data["resumed_on"] if form.is_valid() else None
    return _enterprise_post(request, pk, lambda e: services.mark_resumed(e, actor=request.user, resumed_on=day),
                            _("Marked resumed."))


@login_required
@require_POST
def enterprise_rotate_token(request, pk: int):
    return _enterprise_post(request, pk, lambda e: services.rotate_checkin_token(e, actor=request.user),
                            _("A new check-in link was made; print the new QR code."))


@login_required
def resumption_stats(request):
    if not scope.has_permission_anywhere(request.user, "enterprise.view_enterprise"):
        raise PermissionDenied
    form = StatsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "region"
    parent = selectors.stats_parent(request.user, data.get("parent")) if by == "region" else None
    rows = selectors.resumption_stats(request.user, by=by, parent=parent)
    return render(request, "enterprise/stats.html", {
        "title": _("Resumption status"), "form": form, "rows": rows, "total": selectors.stats_total(rows),
        "by": by, "parent": parent, "children_level": by == "region" and parent.depth < 3})


urlpatterns = [
    path("", EnterpriseListView.as_view(), name="enterprise_list"),
    path("new/", EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("stats/", resumption_stats, name="enterprise_stats"),
    path("<int:pk>/", EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", EnterpriseUpdateView.as_view(), name="enterprise_update"),
    path("<int:pk>/resume/", enterprise_resume, name="enterprise_resume"),
    path("<int:pk>/rotate-token/", enterprise_rotate_token, name="enterprise_rotate_token"),
]
