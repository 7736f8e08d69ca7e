import io
import json

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import risk, scope, selectors
from twofront.core.forms import (
    AuditFilterForm,
    ConfirmForm,
    LoginForm,
    OtpForm,
    PersonEditForm,
    PersonFilterForm,
    PersonForm,
    RevealForm,
    RuleSetForm,
    TokenForm,
)
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView, apply_errors
from twofront.core.middleware import client_ip
from twofront.core.models import ApiToken, AuditEvent, Person, RiskLevel, RiskRuleSet
from twofront.core.services import accounts, people
from twofront.core.services import risk as risk_services
from twofront.core.todo import todos_for


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "error"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "database": database}, status=status)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def login_view(request):
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.sign_in(request, username=form.cleaned_data["username"],
                                    password=form.cleaned_data["password"], otp=form.cleaned_data["otp"],
                                    ip=client_ip(request))
        except accounts.LoginError as exc:
            form.add_error(None, exc.message)
            status = 401 if exc.code != "locked" else 429
        else:
            login(request, user)
            request.session["otp_verified"] = user.totp_enabled
            return HttpResponseRedirect(_safe_next(request, reverse("home")))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def two_factor(request):
    """Verify a code (enrolled users) or enrol: show a QR code of a new secret, confirm with a code."""
    user = request.user
    form = OtpForm(request.POST or None)
    if user.totp_enabled:
        if request.method == "POST" and form.is_valid():
            if accounts.verify_totp(user, form.cleaned_data["code"]):
                request.session["otp_verified"] = True
                return HttpResponseRedirect(_safe_next(request, reverse("home")))
            form.add_error("code", _("The code does not match."))
        return render(request, "core/two_factor.html", {"form": form, "enrolled": True})
    secret = request.session.get("totp_pending") or accounts.new_totp_secret()
    request.session["totp_pending"] = secret
    if request.method == "POST" and form.is_valid():
        try:
            accounts.enable_totp(user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.pop("totp_pending", None)
            request.session["otp_verified"] = True
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(_safe_next(request, reverse("home")))
    image = qrcode.make(accounts.totp_uri(user, secret), image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return render(request, "core/two_factor.html", {"form": form, "enrolled": False, "secret": secret,
                                                    "qr_svg": buffer.getvalue().decode()})


@login_required
def home(request):
    user = request.user
    persons = Person.objects.visible_to(user).count() if scope.has_permission_anywhere(user, "core.view_person") else None
    return render(request, "core/home.html", {"person_count": persons, "assignments": scope.assignments(user),
                                              "todos": todos_for(user)})


PERSON_COLUMNS = [
    Column("name", _("Name"), link=True),
    Column("id_number_masked", _("National ID")),
    Column("phone_masked", _("Mobile phone")),
    Column("sex", _("Sex")),
    Column("birth_date", _("Birth date")),
    Column("region.name", _("Region")),
]


class PersonListView(ScopedListView):
    model = Person
    columns = PERSON_COLUMNS
    filter_form_class = PersonFilterForm
    title = _("Person registry")
    detail_url_name = "person_detail"
    create_url_name = "person_create"
    create_permission = "core.add_person"

    def base_queryset(self):
        return super().base_queryset().select_related("region")

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.persons(self.request.user, region=region.code if region else None, name=data.get("name"),
                                 id_number=data.get("id_number"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if scope.has_permission_anywhere(user, "core.export_person"):
            context["export_url"] = reverse("transfer:export_persons")
        if scope.has_permission_anywhere(user, "core.import_person"):
            context["import_url"] = reverse("transfer:import", args=["persons"])
        return context


class PersonDetailView(ScopedDetailView):
    model = Person
    queryset = Person.objects.select_related("region")
    template_name = "core/person_detail.html"
    fields = [Column("name", _("Name")), Column("id_number_masked", _("National ID")),
              Column("phone_masked", _("Mobile phone")), Column("sex", _("Sex")), Column("birth_date", _("Birth date")),
              Column("native_region_code", _("Native place code")), Column("region.full_name", _("Region")),
              Column("address", _("Address")), Column("created_at", _("Created at")),
              Column("updated_at", _("Updated at"))]

    def get_context_data(self, obj):
        user = self.request.user
        context = super().get_context_data(obj)
        context.update(
            can_change=scope.covers(user, "core.change_person", obj),
            can_delete=scope.covers(user, "core.delete_person", obj),
            can_reveal=scope.covers(user, "core.reveal_person", obj),
            reveal_form=RevealForm(),
            history=AuditEvent.objects.filter(object_type="core.person", object_id=str(obj.pk))[:20]
            if scope.has_permission_anywhere(user, "core.view_auditevent") else None,
            risk=risk.status_for(obj),
            override_form=RiskOverrideForm() if scope.covers(user, "core.override_risk", obj) else None,
        )
        context["risk_label"] = RiskLevel(context["risk"].level).label
        return context


class RiskOverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Status"), choices=RiskLevel.choices)
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), min_length=4, max_length=500)


@login_required
@require_POST
def person_risk_override(request, pk: int):
    """An official replaces the computed risk status until a date (core.services.risk.override_risk)."""
    person = scope.get_visible_or_404(Person.objects.select_related("region"), request.user, pk=pk)
    form = RiskOverrideForm(request.POST)
    if form.is_valid():
        try:
            risk_services.override_risk(person, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Risk status overridden."))
            return redirect("person_detail", pk=pk)
    view = PersonDetailView(request=request, kwargs={"pk": pk})
    context = view.get_context_data(person)
    context["override_form"] = form
    return render(request, view.template_name, context, status=422)


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = scope.get_visible_or_404(Person, request.user, pk=pk)
    form = RevealForm(request.POST)
    revealed, status = None, 200
    if form.is_valid():
        try:
            revealed = people.reveal_person(person, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 422
    else:
        status = 422
    return render(request, "core/partials/reveal.html", {"object": person, "reveal_form": form, "revealed": revealed},
                  status=status)


class PersonCreateView(ServiceFormView):
    form_class = PersonForm
    title = _("Register a person")
    success_message = _("Person registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "core.add_person"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        return people.create_person(actor=self.request.user, name=data["name"], id_number=data["id_number"],
                                    phone=data["phone"], region=data["region"], address=data["address"])

    def success_url(self, person):
        return reverse("person_detail", args=[person.pk])


class PersonUpdateView(ServiceFormView):
    form_class = PersonEditForm
    title = _("Edit person")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Person, self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"user": self.request.user, "permission": "core.change_person"}

    def get_initial(self):
        return {"name": self.object.name, "region": self.object.region.code, "address": self.object.address}

    def perform(self, form):
        data = form.cleaned_data
        changes = {"name": data["name"], "region": data["region"], "address": data["address"]}
        changes.update({k: data[k] for k in ("id_number", "phone") if data[k]})
        return people.update_person(self.object, actor=self.request.user, **changes)

    def success_url(self, person):
        return reverse("person_detail", args=[person.pk])


class PersonDeleteView(ServiceFormView):
    template_name = "core/confirm_delete.html"
    title = _("Delete person")
    success_message = _("Person deleted.")

    form_class = ConfirmForm

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(Person, self.request.user, "delete", pk=self.kwargs["pk"])

    def perform(self, form):
        people.delete_person(self.object, actor=self.request.user)

    def success_url(self, result):
        return reverse("person_list")


class AuditListView(ScopedListView):
    model = AuditEvent
    title = _("Audit trail")
    filter_form_class = AuditFilterForm
    columns = [Column("at", _("Time")), Column("actor_username", _("Actor")), Column("action", _("Action")),
               Column("object_repr", _("Object")), Column("region.name", _("Region")), Column("reason", _("Reason")),
               Column("source", _("Source")), Column("ip", _("IP address"))]

    def get_filter_form(self):
        return self.filter_form_class(self.request.GET or None)

    def filter_queryset(self, qs, data):
        return selectors.audit_events(self.request.user, action=data.get("action"), actor=data.get("actor"),
                                      object_type=data.get("object_type"), since=data.get("since"),
                                      until=data.get("until"))

    def base_queryset(self):
        return super().base_queryset().select_related("region")


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        raw, _token = accounts.issue_token(actor=request.user, name=form.cleaned_data["name"],
                                           days=form.cleaned_data["days"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/tokens.html", {"form": form, "tokens": tokens, "raw_token": raw})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    accounts.revoke_token(token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("token_list")


# --- risk rules -------------------------------------------------------------------------------------------


@login_required
@require_GET
def risk_rules(request):
    """The rule-set versions, and the rules of one of them (the one in force unless ?version= names another)."""
    if not scope.has_permission_anywhere(request.user, "core.view_person"):
        raise PermissionDenied
    versions = list(RiskRuleSet.objects.select_related("created_by").order_by("-version"))
    wanted = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.version) == wanted), None) if wanted else None
    if wanted and shown is None:
        raise Http404
    shown = shown or next((v for v in versions if v.active), None)
    return render(request, "core/risk_rules.html", {
        "title": _("Risk rules"), "versions": versions, "shown": shown,
        "rules": [risk.describe(rule) for rule in (shown.rules if shown else risk.DEFAULT_RULES)],
        "kinds": sorted(risk.fact_kinds().items()),
        "can_publish": scope.has_permission_anywhere(request.user, "core.change_riskruleset")})


@login_required
def risk_rules_publish(request):
    """A new version, written as JSON, starting from the version in force (or ?from=<version>)."""
    if not scope.has_permission_anywhere(request.user, "core.change_riskruleset"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                rule_set = risk_services.publish_rule_set(actor=request.user, rules=form.cleaned_data["rules"],
                                                          notes=form.cleaned_data["notes"],
                                                          activate=form.cleaned_data["activate"])
            except ValidationError as exc:
                form.add_error("rules", [f"{where}: {message}" if where != "rules" else message
                                         for where, messages_ in exc.message_dict.items() for message in messages_])
            else:
                messages.success(request, _("Version %(version)s of the risk rules is published.")
                                 % {"version": rule_set.version})
                return redirect(f"{reverse('risk_rules')}?version={rule_set.version}")
        status = 422
    else:
        base = request.GET.get("from", "")
        if base:
            start = RiskRuleSet.objects.filter(version=base).first() if base.isdigit() else None
            if start is None:
                raise Http404
        else:
            start = RiskRuleSet.objects.filter(active=True).first()
        form = RuleSetForm(initial={"rules": json.dumps(start.rules if start else risk.DEFAULT_RULES,
                                                        ensure_ascii=False, indent=2),
                                    "notes": "", "activate": True})
    return render(request, "core/risk_rules_publish.html", {
        "title": _("Publish risk rules"), "form": form, "kinds": sorted(risk.fact_kinds().items())}, status=status)
