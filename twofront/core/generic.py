"""Generic list / detail / form views configured by attributes. Domain apps subclass these."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from twofront.core import scope
from twofront.core.errors import Conflict


@dataclass(frozen=True)
class Column:
    attr: str  # "name", "region.name", or a method name; "get_x_display" works too
    label: str
    link: bool = False

    def value(self, obj):
        target = obj
        for part in self.attr.split("."):
            if target is None:
                return ""
            display = getattr(target, f"get_{part}_display", None)
            target = display() if display else getattr(target, part, "")
            if callable(target):
                target = target()
        return "" if target is None else target


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class ScopedListView(LoginRequiredMixin, ListView):
    """A table of the records the user may see, with a filter form re-rendered by htmx."""

    model = None
    columns: list[Column] = []
    filter_form_class = None
    title = ""
    detail_url_name = ""
    create_url_name = ""
    create_permission = ""
    paginate_by = 50
    template_name = "core/generic/list.html"
    partial_template_name = "core/generic/partials/table.html"
    extra_actions: list[tuple[str, str, str]] = []  # (label, url name, permission)

    def base_queryset(self):
        if not scope.has_permission_anywhere(self.request.user, scope.permission_name(self.model, "view")):
            raise PermissionDenied
        return self.model.objects.visible_to(self.request.user)

    def filter_queryset(self, qs, data: dict):
        return qs

    def get_filter_form(self):
        if self.filter_form_class is None:
            return None
        return self.filter_form_class(self.request.GET or None, user=self.request.user)

    def get_queryset(self):
        qs = self.base_queryset()
        self.filter_form = self.get_filter_form()
        if self.filter_form is not None and self.filter_form.is_valid():
            qs = self.filter_queryset(qs, self.filter_form.cleaned_data)
        return qs

    def get_template_names(self):
        return [self.partial_template_name if is_htmx(self.request) else self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = [{"object": obj, "cells": [(c, c.value(obj)) for c in self.columns]} for obj in context["object_list"]]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            title=self.title or self.model._meta.verbose_name_plural, columns=self.columns, rows=rows,
            filter_form=self.filter_form, detail_url_name=self.detail_url_name, querystring=query.urlencode(),
            create_url=reverse(self.create_url_name) if self.create_url_name and (
                not self.create_permission or scope.has_permission_anywhere(user, self.create_permission)) else "",
            actions=[(label, reverse(name)) for label, name, perm in self.extra_actions
                     if scope.has_permission_anywhere(user, perm)],
        )
        return context


class ScopedDetailView(LoginRequiredMixin, View):
    model = None
    template_name = "core/generic/detail.html"
    fields: list[Column] = []
    queryset = None

    def get_object(self):
        qs = self.queryset if self.queryset is not None else self.model.objects.all()
        return scope.get_visible_or_404(qs, self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, obj) -> dict:
        return {"object": obj, "title": str(obj), "fields": [(c.label, c.value(obj)) for c in self.fields]}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(request, self.template_name, self.get_context_data(self.object))


class ServiceFormView(LoginRequiredMixin, View):
    """A form whose valid data goes to one service call; service field errors land on the form."""

    form_class = None
    template_name = "core/generic/form.html"
    title = ""
    success_message = _("Saved.")

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def get_initial(self) -> dict:
        return {}

    @property
    def cancel_url(self) -> str:
        referer = self.request.META.get("HTTP_REFERER", "")
        if referer and url_has_allowed_host_and_scheme(referer, {self.request.get_host()}):
            return referer
        return reverse("home")

    def check_allowed(self) -> None:
        """Raise PermissionDenied (403) or Http404 before showing the form."""

    def perform(self, form):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def success_url(self, result) -> str:
        return reverse("home")

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "title": self.title, "view": self},
                      status=status)

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return self.render_form(self.form_class(initial=self.get_initial(), **self.get_form_kwargs()))

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:
                apply_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.success_url(result))
        return self.render_form(form, status=422)


def run_service(form, call) -> bool:
    """Calls `call(form.cleaned_data)` with a valid form; the service's field errors and conflicts land on the
    form. True when the service ran."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
    except Conflict as exc:
        form.add_error(None, exc.message)
    else:
        return True
    return False


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ActionView(LoginRequiredMixin, View):
    """POST <detail>/<verb>/: one service call on the object of a detail page, then back to the detail page
    with a message (with `htmx_in_place` and an htmx request: the detail page again, with the notice in it).
    A refusal re-renders the page with the reason: 422 (invalid input) or 409 (not possible in the record's
    state); PermissionDenied stays a 403."""

    http_method_names = ["post"]
    detail_view: type[ScopedDetailView]
    detail_url_name = ""
    form_class = None
    form_key = ""  # the detail page's context name for this action's form
    success_message = _("Done.")
    htmx_in_place = False

    def get_form(self, obj):
        return self.form_class(self.request.POST, self.request.FILES) if self.form_class else None

    def perform(self, obj, form):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def post(self, request, pk: int, **kwargs):
        detail = self.detail_view(request=request, kwargs={"pk": pk})
        obj = detail.get_object()
        form, status, errors = self.get_form(obj), 422, []
        if form is None or form.is_valid():
            try:
                self.perform(obj, form)
            except ValidationError as exc:
                if form is None:
                    errors.extend(exc.messages)
                else:
                    apply_errors(form, exc)
            except Conflict as exc:
                status = 409
                errors.append(exc.message)
            else:
                if not (self.htmx_in_place and is_htmx(request)):
                    messages.success(request, self.success_message)
                    return HttpResponseRedirect(reverse(self.detail_url_name, args=[pk]))
                context = detail.get_context_data(detail.get_object())
                context["notice"] = self.success_message
                return render(request, detail.template_name, context)
        forms = {self.form_key: form} if form is not None else {}
        context = detail.get_context_data(detail.get_object(), forms=forms)
        context["errors"] = errors
        return render(request, detail.template_name, context, status=status)
