"""Roster pages: the list (numbers masked), adding an employee by national ID, editing roster fields."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.errors import field_error
from twofront.core.generic import Column, ScopedListView, ServiceFormView
from twofront.core.models import Region
from twofront.enterprise import imports, selectors
from twofront.enterprise.forms import (
    EmployeeEditForm,
    EmployeeFilterForm,
    EmployeeForm,
    RosterImportForm,
    yes_no,
)
from twofront.enterprise.models import Employee
from twofront.enterprise.services import employees as services
from twofront.transfer.readers import FileError


class EmployeeListView(ScopedListView):
    model = Employee
    title = _("Employee roster")
    filter_form_class = EmployeeFilterForm
    detail_url_name = "enterprise_employee_update"
    create_url_name = "enterprise_employee_create"
    create_permission = "enterprise.add_employee"
    extra_actions = [(_("Import from Excel"), "enterprise_employee_import", "enterprise.import_employee")]
    columns = [Column("person.name", _("Name"), link=True), Column("person.id_number_masked", _("National ID")),
               Column("phone_masked", _("Mobile phone")), Column("enterprise.name", _("Enterprise")),
               Column("out_of_town", _("Out-of-town")), Column("planned_return_date", _("Planned return")),
               Column("actual_return_date", _("Returned on")), Column("quarantine_needed", _("Quarantine needed"))]

    def base_queryset(self):
        qs = super().base_queryset().select_related("person", "enterprise").filter(active=True)
        enterprise = self.request.GET.get("enterprise", "")
        return qs.filter(enterprise_id=enterprise) if enterprise.isdigit() else qs

    def filter_queryset(self, qs, data):
        enterprise = self.request.GET.get("enterprise", "")
        return selectors.employees(self.request.user, enterprise=int(enterprise) if enterprise.isdigit() else None,
                                   name=data.get("name"), id_number=data.get("id_number"),
                                   out_of_town=yes_no(data.get("out_of_town")))


def _residence(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise field_error("residence_code", _("Unknown division code."))
    return region


class EmployeeCreateView(ServiceFormView):
    form_class = EmployeeForm
    template_name = "enterprise/form.html"
    title = _("Add an employee")
    success_message = _("Employee added to the roster.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "enterprise.add_employee"):
            raise PermissionDenied

    def perform(self, form):
        data = dict(form.cleaned_data)
        enterprise, code = data.pop("enterprise"), data.pop("residence_code")
        return services.add_employee(enterprise, actor=self.request.user, residence_region=_residence(code), **data)

    def success_url(self, employee):
        return f"{reverse('enterprise_employee_list')}?enterprise={employee.enterprise_id}"


class EmployeeUpdateView(ServiceFormView):
    form_class = EmployeeEditForm
    template_name = "enterprise/form.html"

    @property
    def title(self):
        return _("Edit roster entry: %(name)s %(id)s") % {"name": self.object.person.name,
                                                          "id": self.object.person.id_number_masked}

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Employee.objects.select_related("person", "enterprise"),
                                                  self.request.user, "change", pk=self.kwargs["pk"])

    def get_initial(self):
        return {f: getattr(self.object, f) for f in services.ROSTER_FIELDS}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.update_employee(self.object, actor=self.request.user, phone=data.pop("phone") or None, **data)

    def success_url(self, employee):
        return f"{reverse('enterprise_employee_list')}?enterprise={employee.enterprise_id}"


@login_required
def roster_import(request):
    """Upload a roster workbook (CSV or XLSX, Chinese or English headers) for one enterprise."""
    if not scope.has_permission_anywhere(request.user, "enterprise.import_employee"):
        raise PermissionDenied
    form = RosterImportForm(request.POST or None, request.FILES or None, user=request.user)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = imports.import_roster_upload(form.cleaned_data["enterprise"], actor=request.user,
                                                      upload=form.cleaned_data["file"])
                status = 200
            except FileError as exc:
                form.add_error("file", str(exc))
    return render(request, "enterprise/roster_import.html", {"title": _("Import the employee roster"), "form": form,
                                                              "result": result, "columns": imports.ROSTER_COLUMNS},
                  status=status)


urlpatterns = [
    path("employees/", EmployeeListView.as_view(), name="enterprise_employee_list"),
    path("employees/new/", EmployeeCreateView.as_view(), name="enterprise_employee_create"),
    path("employees/import/", roster_import, name="enterprise_employee_import"),
    path("employees/<int:pk>/", EmployeeUpdateView.as_view(), name="enterprise_employee_update"),
]
