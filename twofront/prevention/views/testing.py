"""Pages: key-person categories, key people, samples and results, the lab import, testing coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView, apply_errors
from twofront.core.models import RiskLevel
from twofront.prevention import selectors_testing as selectors
from twofront.prevention.forms_testing import (
    CategoryEditForm,
    CategoryForm,
    CoverageFilterForm,
    KeyPersonFilterForm,
    KeyPersonForm,
    ReleaseForm,
    ResultForm,
    SampleForm,
    TestFilterForm,
)
from twofront.prevention.models import KeyCategory, KeyPersonEntry, NucleicTest
from twofront.prevention.services import testing as services


class YesNo(Column):
    def value(self, obj):
        return _("Yes") if super().value(obj) else _("No")


class Level(Column):
    def value(self, obj):
        level = super().value(obj)
        return RiskLevel(level).label if level in RiskLevel.values else level


def person_link(user, person) -> str:
    """The person page, for those who may see the person in the registry."""
    return reverse("person_detail", args=[person.pk]) if scope.covers(user, "core.view_person", person) else ""


# -- categories ------------------------------------------------------------------------------------

class CategoryListView(ScopedListView):
    model = KeyCategory
    title = _("Key-person categories")
    columns = [Column("code", _("Code"), link=True), Column("name", _("Name")), Column("name_en", _("English name")),
               Level("risk_level", _("Risk status it implies")), YesNo("active", _("In use")),
               Column("order", _("Order"))]
    create_url_name = "keycategory_create"
    create_permission = "prevention.add_keycategory"
    paginate_by = None

    def base_queryset(self):
        return selectors.categories(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_edit = scope.has_permission_anywhere(self.request.user, "prevention.change_keycategory")
        context["detail_url_name"] = "keycategory_update" if can_edit else ""
        return context


class CategoryCreateView(ServiceFormView):
    form_class = CategoryForm
    template_name = "prevention/category_form.html"
    title = _("New key-person category")
    success_message = _("Category added.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_keycategory"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_category(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("keycategory_list")


class CategoryUpdateView(CategoryCreateView):
    form_class = CategoryEditForm
    title = _("Edit key-person category")
    success_message = _("Category saved.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.change_keycategory"):
            raise PermissionDenied
        self.object = selectors.categories(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if self.object is None:
            raise Http404

    def get_initial(self):
        return {k: getattr(self.object, k) for k in ("name", "name_en", "risk_level", "order", "active")}

    def perform(self, form):
        return services.update_category(self.object, actor=self.request.user, **form.cleaned_data)


# -- key people ------------------------------------------------------------------------------------

class KeyPersonListView(ScopedListView):
    model = KeyPersonEntry
    title = _("Key people")
    columns = [Column("person.name", _("Name"), link=True), Column("person.id_number_masked", _("National ID")),
               Column("category.name", _("Category")), Column("since", _("Since")), Column("until", _("Released on")),
               Column("region.name", _("Region")), Column("source", _("Found by"))]
    filter_form_class = KeyPersonFilterForm
    detail_url_name = "keyperson_detail"
    create_url_name = "keyperson_create"
    create_permission = "prevention.add_keypersonentry"
    extra_actions = [(_("Testing coverage"), "testing_coverage", "prevention.view_keypersonentry")]

    def base_queryset(self):
        super().base_queryset()  # 403 for those who may see no key person anywhere
        return selectors.key_people(self.request.user, status="open")  # unfiltered: people still in a category

    def filter_queryset(self, qs, data):
        category, region = data.get("category"), data.get("region")
        return selectors.key_people(self.request.user, category=category.code if category else None,
                                    region=region.code if region else None, status=data.get("status") or None)


class KeyPersonDetailView(ScopedDetailView):
    model = KeyPersonEntry
    queryset = KeyPersonEntry.objects.select_related("person", "category", "region")
    template_name = "prevention/keyperson_detail.html"
    fields = [Column("person.name", _("Name")), Column("person.id_number_masked", _("National ID")),
              Column("category.name", _("Category")), Column("since", _("Since")), Column("until", _("Released on")),
              Column("region.full_name", _("Region")), Column("source", _("Found by"))]

    def get_context_data(self, obj, release_form=None):
        user = self.request.user
        context = super().get_context_data(obj)
        context.update(
            title=f"{obj.person.name} · {obj.category.name}", person_url=person_link(user, obj.person),
            release_form=release_form or ReleaseForm() if obj.until is None and scope.covers(
                user, "prevention.change_keypersonentry", obj) else None,
            tests=selectors.tests(user, person_id=obj.person_id)[:10])
        return context


@login_required
@require_POST
def keyperson_release(request, pk: int):
    entry = scope.get_actionable_or_403(KeyPersonEntry.objects.select_related("person", "category", "region"),
                                        request.user, "change", pk=pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.release_key_person(entry, actor=request.user, until=form.cleaned_data["until"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Released from the category."))
            return HttpResponseRedirect(reverse("keyperson_detail", args=[pk]))
    view = KeyPersonDetailView(request=request, kwargs={"pk": pk})
    return render(request, view.template_name, view.get_context_data(entry, release_form=form), status=422)


class KeyPersonCreateView(ServiceFormView):
    form_class = KeyPersonForm
    title = _("Put a person in a key category")
    success_message = _("Added to the category.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_keypersonentry"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        person = selectors.find_person(self.request.user, id_number=data["id_number"])
        return services.add_key_person(actor=self.request.user, person=person, category=data["category"],
                                       since=data["since"], source=data["source"])

    def success_url(self, entry):
        return reverse("keyperson_detail", args=[entry.pk])


# -- samples and results ---------------------------------------------------------------------------

class NucleicTestListView(ScopedListView):
    model = NucleicTest
    title = _("Nucleic-acid tests")
    columns = [Column("sample_id", _("Sample number"), link=True), Column("person.name", _("Name")),
               Column("person.id_number_masked", _("National ID")), Column("sampled_at", _("Sampled at")),
               Column("sample_site", _("Sampling site")), Column("result", _("Result")),
               Column("result_at", _("Result at")), Column("region.name", _("Region"))]
    filter_form_class = TestFilterForm
    detail_url_name = "nucleictest_detail"
    create_url_name = "nucleictest_create"
    create_permission = "prevention.add_nucleictest"

    def base_queryset(self):
        super().base_queryset()
        return selectors.tests(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.tests(self.request.user, result=data.get("result") or None, sample_id=data.get("sample_id"),
                               region=region.code if region else None, sampled_from=data.get("sampled_from"),
                               sampled_to=data.get("sampled_to"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if scope.has_permission_anywhere(self.request.user, "prevention.import_nucleictest"):
            context["actions"].append((_("Import lab results"), reverse("transfer:import", args=["lab_results"])))
        return context


class NucleicTestDetailView(ScopedDetailView):
    model = NucleicTest
    queryset = NucleicTest.objects.select_related("person", "region")
    template_name = "prevention/test_detail.html"
    fields = [Column("sample_id", _("Sample number")), Column("person.name", _("Name")),
              Column("person.id_number_masked", _("National ID")), Column("sampled_at", _("Sampled at")),
              Column("sample_site", _("Sampling site")), Column("lab", _("Laboratory")), Column("result", _("Result")),
              Column("result_at", _("Result at")), Column("region.full_name", _("Region"))]

    def get_context_data(self, obj, result_form=None):
        user = self.request.user
        context = super().get_context_data(obj)
        context.update(title=_("Sample %(id)s") % {"id": obj.sample_id}, person_url=person_link(user, obj.person),
                       result_form=result_form or ResultForm() if obj.result == "pending" and scope.covers(
                           user, "prevention.change_nucleictest", obj) else None)
        return context


@login_required
@require_POST
def nucleictest_result(request, pk: int):
    test = scope.get_actionable_or_403(NucleicTest.objects.select_related("person", "region"), request.user, "change",
                                       pk=pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.record_result(test, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Result recorded."))
            return HttpResponseRedirect(reverse("nucleictest_detail", args=[pk]))
    view = NucleicTestDetailView(request=request, kwargs={"pk": pk})
    return render(request, view.template_name, view.get_context_data(test, result_form=form), status=422)


class NucleicTestCreateView(ServiceFormView):
    form_class = SampleForm
    title = _("Register a sample")
    success_message = _("Sample registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_nucleictest"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        person = selectors.find_person(self.request.user, id_number=data.pop("id_number"))
        return services.register_sample(actor=self.request.user, person=person, **data)

    def success_url(self, test):
        return reverse("nucleictest_detail", args=[test.pk])


@login_required
@require_GET
def testing_coverage(request):
    form = CoverageFilterForm(request.GET or None, user=request.user)
    region = form.cleaned_data.get("region") if form.is_valid() else None
    rows = selectors.coverage(request.user, region=region.code if region else None)
    totals = {"in_category": sum(r.in_category for r in rows), "tested": sum(r.tested for r in rows)}
    return render(request, "prevention/test_coverage.html", {
        "title": _("Testing coverage of key people"), "form": form, "rows": rows, "totals": totals,
        "percent": round(100 * totals["tested"] / totals["in_category"], 1) if totals["in_category"] else None})


urlpatterns = [
    path("categories/", CategoryListView.as_view(), name="keycategory_list"),
    path("categories/new/", CategoryCreateView.as_view(), name="keycategory_create"),
    path("categories/<int:pk>/edit/", CategoryUpdateView.as_view(), name="keycategory_update"),
    path("key-people/", KeyPersonListView.as_view(), name="keyperson_list"),
    path("key-people/new/", KeyPersonCreateView.as_view(), name="keyperson_create"),
    path("key-people/<int:pk>/", KeyPersonDetailView.as_view(), name="keyperson_detail"),
    path("key-people/<int:pk>/release/", keyperson_release, name="keyperson_release"),
    path("tests/", NucleicTestListView.as_view(), name="nucleictest_list"),
    path("tests/new/", NucleicTestCreateView.as_view(), name="nucleictest_create"),
    path("tests/<int:pk>/", NucleicTestDetailView.as_view(), name="nucleictest_detail"),
    path("tests/<int:pk>/result/", nucleictest_result, name="nucleictest_result"),
    path("coverage/", testing_coverage, name="testing_coverage"),
]
