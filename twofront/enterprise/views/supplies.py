"""Pages for supply requests (防疫物资需求申报) and for suppliers and their stock."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.generic import ActionView, Column, ScopedDetailView, ScopedListView, ServiceFormView
from twofront.enterprise import selectors_supplies as selectors
from twofront.enterprise.choices import SupplyStatus
from twofront.enterprise.forms_supplies import (
    OPEN,
    AllocateForm,
    ReviewForm,
    StockAdjustForm,
    SupplierFilterForm,
    SupplierForm,
    SupplyRequestFilterForm,
    SupplyRequestForm,
)
from twofront.enterprise.models import Supplier, SupplyRequest
from twofront.enterprise.services import supplies as services


class ItemsColumn(Column):
    """"Masks 500、Gloves 40": a request's lines (or a supplier's stock), from the prefetched rows."""

    def value(self, obj):
        rows = obj.lines.all() if isinstance(obj, SupplyRequest) else sorted(obj.stock.all(), key=lambda s: s.kind)
        return "、".join(f"{row.get_kind_display()} {row.quantity}" for row in rows)


class SupplyRequestListView(ScopedListView):
    model = SupplyRequest
    title = _("Supply requests")
    template_name = "enterprise/supplies_list.html"
    filter_form_class = SupplyRequestFilterForm
    detail_url_name = "supply_request_detail"
    create_url_name = "supply_request_create"
    create_permission = "enterprise.add_supplyrequest"
    extra_actions = [(_("Suppliers"), "supplier_list", "enterprise.add_supplier")]
    columns = [Column("pk", _("No."), link=True), Column("enterprise.name", _("Enterprise")),
               ItemsColumn("lines", _("Items")), Column("status", _("Status")),
               Column("submitted_at", _("Submitted at"))]

    def base_queryset(self):
        super().base_queryset()  # 403 without the permission anywhere
        return selectors.supply_requests(self.request.user)

    def filter_queryset(self, qs, data):
        status = data.get("status")
        return selectors.supply_requests(self.request.user, status=None if status == OPEN else status,
                                         open_only=status == OPEN)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = selectors.supply_figures(self.request.user)
        return context


class SupplyRequestCreateView(ServiceFormView):
    form_class = SupplyRequestForm
    template_name = "enterprise/supplies_form.html"
    title = _("Declare supply needs")
    success_message = _("Supply request submitted.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.add_supplyrequest"):
            raise PermissionDenied

    def perform(self, form):
        return services.submit_supply_request(actor=self.request.user, enterprise=form.cleaned_data["enterprise"],
                                              lines=form.lines(), note=form.cleaned_data["note"])

    def success_url(self, result):
        return reverse("supply_request_detail", args=[result.pk])


class SupplyRequestDetailView(ScopedDetailView):
    model = SupplyRequest
    template_name = "enterprise/supplies_detail.html"
    fields = [Column("enterprise.name", _("Enterprise")), Column("status", _("Status")),
              Column("note", _("Note")), Column("submitted_at", _("Submitted at")),
              Column("review_note", _("Review note")), Column("reviewed_at", _("Reviewed at")),
              Column("delivered_at", _("Delivered at")), Column("received_at", _("Received at"))]

    def get_object(self):
        return scope.get_visible_or_404(selectors.supply_requests(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        """The record, and the forms of the steps the user may take now (a refused step passes its form)."""
        user, status, forms = self.request.user, obj.status, forms or {}
        context = super().get_context_data(obj)
        context["title"] = _("Supply request No. %(pk)s") % {"pk": obj.pk}
        may = {perm: scope.covers(user, f"enterprise.{perm}_supplyrequest", obj)
               for perm in ("review", "allocate", "receive")}
        allocate_form = None
        if may["allocate"] and status in (SupplyStatus.APPROVED, SupplyStatus.ALLOCATED):
            allocate_form = forms.get("allocate_form") or AllocateForm(request=obj, user=user)
        context.update(
            review_form=(forms.get("review_form") or ReviewForm())
            if may["review"] and status == SupplyStatus.SUBMITTED else None,
            allocate_form=allocate_form if allocate_form is not None and allocate_form.rows else None,
            can_deliver=may["allocate"] and status == SupplyStatus.ALLOCATED,
            can_receive=may["receive"] and status == SupplyStatus.DELIVERED,
        )
        return context


class SupplyActionView(ActionView):
    detail_view = SupplyRequestDetailView
    detail_url_name = "supply_request_detail"


class ApproveView(SupplyActionView):
    form_class, form_key, success_message = ReviewForm, "review_form", _("Request approved.")

    def perform(self, obj, form):
        services.approve_supply_request(obj, actor=self.request.user, note=form.cleaned_data["note"])


class RejectView(ApproveView):
    success_message = _("Request rejected.")

    def perform(self, obj, form):
        services.reject_supply_request(obj, actor=self.request.user, note=form.cleaned_data["note"])


class AllocateView(SupplyActionView):
    form_key, success_message = "allocate_form", _("Supplies allocated.")

    def get_form(self, obj):
        return AllocateForm(self.request.POST, request=obj, user=self.request.user)

    def perform(self, obj, form):
        services.allocate_supplies(obj, actor=self.request.user, allocations=form.allocations())


class DeliverView(SupplyActionView):
    success_message = _("Marked as delivered.")

    def perform(self, obj, form):
        services.deliver_supplies(obj, actor=self.request.user)


class ReceiveView(SupplyActionView):
    success_message = _("Receipt confirmed.")

    def perform(self, obj, form):
        services.receive_supplies(obj, actor=self.request.user)


class SupplierListView(ScopedListView):
    model = Supplier
    title = _("Suppliers")
    filter_form_class = SupplierFilterForm
    detail_url_name = "supplier_detail"
    create_url_name = "supplier_create"
    create_permission = "enterprise.add_supplier"
    columns = [Column("name", _("Name"), link=True), Column("region.name", _("Region")),
               ItemsColumn("stock", _("Stock"))]

    def base_queryset(self):
        super().base_queryset()
        return selectors.suppliers(self.request.user)

    def filter_queryset(self, qs, data):
        return selectors.suppliers(self.request.user, name=data.get("name"))


class SupplierDetailView(ScopedDetailView):
    model = Supplier
    template_name = "enterprise/supplies_supplier_detail.html"
    fields = [Column("name", _("Name")), Column("region.full_name", _("Region"))]

    def get_object(self):
        return scope.get_visible_or_404(selectors.suppliers(self.request.user), self.request.user,
                                        pk=self.kwargs["pk"])

    def get_context_data(self, obj, forms=None):
        context = super().get_context_data(obj)
        can_change = scope.covers(self.request.user, "enterprise.change_supplier", obj)
        context.update(can_change=can_change, stock=sorted(obj.stock.all(), key=lambda s: s.kind),
                       stock_form=((forms or {}).get("stock_form") or StockAdjustForm()) if can_change else None)
        return context


class SupplierStockView(ActionView):
    detail_view, detail_url_name = SupplierDetailView, "supplier_detail"
    form_class, form_key, success_message = StockAdjustForm, "stock_form", _("Stock updated.")

    def perform(self, obj, form):
        data = form.cleaned_data
        services.adjust_stock(obj, actor=self.request.user, kind=data["kind"], change=data["change"],
                              reason=data["reason"])


class SupplierCreateView(ServiceFormView):
    form_class = SupplierForm
    title = _("Register a supplier")
    success_message = _("Supplier registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.add_supplier"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_supplier(actor=self.request.user, name=form.cleaned_data["name"],
                                        region=form.cleaned_data["region"])

    def success_url(self, result):
        return reverse("supplier_detail", args=[result.pk])


class SupplierUpdateView(ServiceFormView):
    form_class = SupplierForm
    title = _("Edit supplier")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Supplier, self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user, "permission": "enterprise.change_supplier"}

    def get_initial(self):
        return {"name": self.object.name, "region": self.object.region.code}

    def perform(self, form):
        return services.update_supplier(self.object, actor=self.request.user, name=form.cleaned_data["name"],
                                        region=form.cleaned_data["region"])

    def success_url(self, result):
        return reverse("supplier_detail", args=[result.pk])


urlpatterns = [
    path("supply-requests/", SupplyRequestListView.as_view(), name="supply_request_list"),
    path("supply-requests/new/", SupplyRequestCreateView.as_view(), name="supply_request_create"),
    path("supply-requests/<int:pk>/", SupplyRequestDetailView.as_view(), name="supply_request_detail"),
    path("supply-requests/<int:pk>/approve/", ApproveView.as_view(), name="supply_request_approve"),
    path("supply-requests/<int:pk>/reject/", RejectView.as_view(), name="supply_request_reject"),
    path("supply-requests/<int:pk>/allocate/", AllocateView.as_view(), name="supply_request_allocate"),
    path("supply-requests/<int:pk>/deliver/", DeliverView.as_view(), name="supply_request_deliver"),
    path("supply-requests/<int:pk>/receive/", ReceiveView.as_view(), name="supply_request_receive"),
    path("suppliers/", SupplierListView.as_view(), name="supplier_list"),
    path("suppliers/new/", SupplierCreateView.as_view(), name="supplier_create"),
    path("suppliers/<int:pk>/", SupplierDetailView.as_view(), name="supplier_detail"),
    path("suppliers/<int:pk>/edit/", SupplierUpdateView.as_view(), name="supplier_update"),
    path("suppliers/<int:pk>/stock/", SupplierStockView.as_view(), name="supplier_stock"),
]
