"""Pages of the work groups (专项工作组): the leading group and the special work groups of each command post,
their remits and members."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from twofront.command import selectors_tasks as selectors
from twofront.command.forms_tasks import GroupFilterForm, MemberForm, WorkGroupEditForm, WorkGroupForm
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.command.services import groups as services
from twofront.command.views.supervision import DetailActionView
from twofront.core import scope
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView


class GroupListView(ScopedListView):
    model = WorkGroup
    title = _("Work groups")
    template_name = "command/groups_list.html"
    filter_form_class = GroupFilterForm
    detail_url_name = "group_detail"
    create_url_name = "group_create"
    create_permission = "command.add_workgroup"
    columns = [Column("name", _("Work group"), link=True), Column("region.name", _("Command post")),
               Column("member_count", _("Members")), Column("remit", _("Remit"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.groups(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.groups(self.request.user, q=data.get("q") or None, region=region.code if region else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in context["rows"]:  # a one-line remit, not the whole text
            column, text = row["cells"][3]
            row["cells"][3] = (column, text if len(text) <= 40 else f"{text[:40]}…")
        return context


class GroupCreateView(ServiceFormView):
    form_class = WorkGroupForm
    title = _("Set up a work group")
    success_message = _("Work group set up.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "command.add_workgroup"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_work_group(actor=self.request.user, **form.cleaned_data)

    def success_url(self, group):
        return reverse("group_detail", args=[group.pk])


class GroupUpdateView(GroupCreateView):
    form_class = WorkGroupEditForm
    title = _("Edit work group")
    success_message = _("Work group saved.")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(WorkGroup, self.request.user, "change", pk=self.kwargs["pk"])

    def get_initial(self):
        return {k: getattr(self.object, k) for k in services.GROUP_FIELDS}

    def perform(self, form):
        return services.update_work_group(self.object, actor=self.request.user, **form.cleaned_data)


class GroupDetailView(ScopedDetailView):
    model = WorkGroup
    template_name = "command/groups_detail.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.group_detail(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        forms = forms or {}
        change = scope.covers(self.request.user, "command.change_workgroup", obj)
        return {"object": obj, "group": obj, "title": obj.name, "members": obj.members.all(), "can_change": change,
                "member_form": (forms.get("member_form") or MemberForm(group=obj)) if change else None}


class MemberAddView(DetailActionView):
    detail_view, detail_url_name = GroupDetailView, "group_detail"
    form_key, success_message = "member_form", _("Member added.")

    def get_form(self, obj):
        group = scope.get_visible_or_404(WorkGroup.objects.select_related("region"), self.request.user,
                                         pk=self.kwargs["pk"])
        return MemberForm(self.request.POST, group=group)

    def perform(self, group, form):
        services.add_member(group, actor=self.request.user, **form.cleaned_data)


def _member(request, pk: int, member_pk: int) -> WorkGroupMember:
    group = scope.get_visible_or_404(WorkGroup.objects.select_related("region"), request.user, pk=pk)
    member = group.members.filter(pk=member_pk).first()
    if member is None:
        raise Http404
    scope.require(request.user, "command.change_workgroup", group)
    return member


class MemberEditView(ServiceFormView):
    form_class = MemberForm
    title = _("Edit member")
    success_message = _("Member saved.")

    def check_allowed(self):
        self.member = _member(self.request, self.kwargs["pk"], self.kwargs["member_pk"])

    def get_form_kwargs(self):
        return {"group": self.member.group}

    def get_initial(self):
        return {"user": self.member.user_id, "name": self.member.name, "position": self.member.position,
                "department": self.member.department, "role": self.member.role}

    @property
    def cancel_url(self):
        return reverse("group_detail", args=[self.member.group_id])

    def perform(self, form):
        return services.update_member(self.member, actor=self.request.user, **form.cleaned_data)

    def success_url(self, member):
        return reverse("group_detail", args=[member.group_id])


class MemberRemoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int, member_pk: int):
        services.remove_member(_member(request, pk, member_pk), actor=request.user)
        messages.success(request, _("Member removed."))
        return HttpResponseRedirect(reverse("group_detail", args=[pk]))


urlpatterns = [
    path("groups/", GroupListView.as_view(), name="group_list"),
    path("groups/new/", GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", GroupUpdateView.as_view(), name="group_update"),
    path("groups/<int:pk>/members/", MemberAddView.as_view(), name="group_member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/edit/", MemberEditView.as_view(), name="group_member_update"),
    path("groups/<int:pk>/members/<int:member_pk>/remove/", MemberRemoveView.as_view(), name="group_member_remove"),
]
