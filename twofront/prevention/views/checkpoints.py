"""Checkpoint pages: officials' list, detail (with the QR code), create and duty roster; the passage list and
detail; the staff desk (a car and its people registered by keyboard, with htmx ID lookups, one submit); the
confirmation of self-registrations; and the travellers' own page reached by the QR code (no account)."""

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twofront.core import context, risk, scope
from twofront.core.apikit import idempotent
from twofront.core.errors import Conflict
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView, apply_errors
from twofront.prevention import selectors_checkpoints as selectors
from twofront.prevention.choices import Decision, PassageStatus
from twofront.prevention.forms_checkpoints import (
    CheckpointFilterForm,
    CheckpointForm,
    PassageFilterForm,
    PassageForm,
    SelfTravellerFormSet,
    ShiftForm,
    TravellerFormSet,
)
from twofront.prevention.models import Checkpoint, Passage
from twofront.prevention.schemas_checkpoints import PassageOut, SelfRegistrationOut
from twofront.prevention.services import checkpoints as services

CHECKPOINTS = Checkpoint.objects.select_related("region", "organisation")
_REFERENCE_SALT = "prevention.self_registration"


def _checkpoint(request, pk: int) -> Checkpoint:
    return scope.get_visible_or_404(CHECKPOINTS, request.user, pk=pk)


@dataclass(frozen=True)
class Computed(Column):
    """A column whose value is computed from the row (a passage's persons, a yes / no)."""

    compute: Callable = str

    def value(self, obj):
        return self.compute(obj)


def _active(checkpoint) -> str:
    return _("Yes") if checkpoint.active else _("No")


# --- checkpoints ----------------------------------------------------------------------------------


class CheckpointListView(ScopedListView):
    model = Checkpoint
    title = gettext_lazy("Checkpoints")
    columns = [Column("name", gettext_lazy("Name"), link=True), Column("kind", gettext_lazy("Kind")),
               Column("region.name", gettext_lazy("Region")), Column("location", gettext_lazy("Location")),
               Computed("active", gettext_lazy("Active"), compute=_active)]
    filter_form_class = CheckpointFilterForm
    detail_url_name = "checkpoint_detail"
    create_url_name = "checkpoint_create"
    create_permission = "prevention.add_checkpoint"

    def base_queryset(self):
        return super().base_queryset().select_related("region")

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.checkpoints(self.request.user, region=region.code if region else None,
                                     kind=data.get("kind"), q=data.get("q"))


class CheckpointCreateView(ServiceFormView):
    form_class = CheckpointForm
    title = gettext_lazy("Set up a checkpoint")
    success_message = gettext_lazy("Checkpoint set up.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_checkpoint"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        return services.create_checkpoint(actor=self.request.user, name=data["name"], kind=data["kind"],
                                          region=data["region"], location=data["location"])

    def success_url(self, checkpoint):
        return reverse("checkpoint_detail", args=[checkpoint.pk])


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()


class CheckpointDetailView(ScopedDetailView):
    model = Checkpoint
    queryset = CHECKPOINTS
    template_name = "prevention/checkpoint_detail.html"
    fields = [Column("get_kind_display", gettext_lazy("Kind")), Column("region.full_name", gettext_lazy("Region")),
              Column("location", gettext_lazy("Location")), Computed("active", gettext_lazy("Active"), compute=_active)]

    def get_context_data(self, obj):
        user, today = self.request.user, timezone.localdate()
        register_url = self.request.build_absolute_uri(
            reverse("checkpoint_self_register", args=[obj.self_registration_token]))
        context = super().get_context_data(obj)
        context.update(can_register=scope.covers(user, "prevention.add_passage", obj), register_url=register_url,
                       qr_svg=_qr_svg(register_url), shifts=list(selectors.shifts(obj, today, 1)),
                       pending=Passage.objects.filter(checkpoint=obj, status=PassageStatus.PENDING).count())
        return context


@login_required
def checkpoint_roster(request, pk: int):
    """Shifts by day for a week, the leader (带班) marked; officials add shifts here."""
    checkpoint = _checkpoint(request, pk)
    can_edit = scope.covers(request.user, "prevention.change_checkpoint", checkpoint)
    try:
        first = selectors.clamp_day(parse_date(request.GET.get("since") or "") or timezone.localdate())
    except ValueError:  # well formed but not a day, e.g. 2020-02-30
        first = timezone.localdate()
    form = ShiftForm(request.POST or None, staff=services.checkpoint_staff(checkpoint), initial={"day": first})
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            starts = timezone.make_aware(datetime.datetime.combine(data["day"], data["starts"]))
            ends = timezone.make_aware(datetime.datetime.combine(data["day"], data["ends"]))
            if ends <= starts:
                ends = timezone.make_aware(datetime.datetime.combine(data["day"] + datetime.timedelta(days=1),
                                                                     data["ends"]))
            try:
                services.add_checkpoint_shift(checkpoint, actor=request.user, starts_at=starts, ends_at=ends,
                                              user=data["user"], staff_name=data["staff_name"],
                                              is_leader=data["is_leader"])
            except ValidationError as exc:
                apply_errors(form, ValidationError({{"ends_at": "ends"}.get(k, k): v
                                                    for k, v in exc.message_dict.items()}))
            else:
                messages.success(request, _("Shift added."))
                return HttpResponseRedirect(f"{reverse('checkpoint_roster', args=[pk])}?since={data['day']:%Y-%m-%d}")
        status = 422
    shifts = list(selectors.shifts(checkpoint, first, 7))
    days = []
    for offset in range(7):
        day = first + datetime.timedelta(days=offset)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        end = start + datetime.timedelta(days=1)
        days.append({"day": day, "shifts": [s for s in shifts if s.starts_at < end and s.ends_at > start]})
    return render(request, "prevention/checkpoint_roster.html", {
        "checkpoint": checkpoint, "days": days, "form": form if can_edit else None, "title": _("Duty roster"),
        "previous": first - datetime.timedelta(days=7), "next": first + datetime.timedelta(days=7)}, status=status)


@login_required
def checkpoint_desk(request):
    """The menu's "Register passages": straight to the desk of the staff member's checkpoint."""
    desks = list(selectors.desk_checkpoints(request.user))
    if not desks:
        raise PermissionDenied
    if len(desks) == 1:
        return HttpResponseRedirect(reverse("passage_desk", args=[desks[0].pk]))
    return render(request, "prevention/checkpoint_choose.html", {"checkpoints": desks, "title": _("Register passages")})


# --- the staff desk -------------------------------------------------------------------------------


class _PageKey:
    """apikit.idempotent reads the key from a header; a page sends it as a hidden field instead."""

    def __init__(self, request, key: str):
        self.headers, self.user = {"Idempotency-Key": key}, request.user


def _once(request, key: str, **kwargs) -> dict:
    """Runs a service once per form key; a retried post gets the first result (as the API's JSON)."""
    return json.loads(idempotent(_PageKey(request, key), status=201, **kwargs).content)


def _posted(request) -> dict:
    return {k: request.POST.getlist(k) for k in sorted(request.POST) if k not in ("csrfmiddlewaretoken",
                                                                                  "idempotency_key")}


def _filled(formset) -> list:
    """The traveller rows staff typed into (an added row left empty is not a person)."""
    return [f for f in formset.forms if any(str(f.cleaned_data.get(k) or "").strip()
                                            for k in ("id_number", "name"))]


def apply_service_errors(form, rows: list, exc: ValidationError) -> None:
    """Service field errors onto the page: "travellers.<i>.<field>" to row i's field, the rest to the form."""
    for field, errors in exc.message_dict.items():
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "travellers" and parts[1].isdigit() and int(parts[1]) < len(rows) \
                and parts[2] in rows[int(parts[1])].fields:
            rows[int(parts[1])].add_error(parts[2], errors)
        elif field in form.fields and field != "idempotency_key":
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


@login_required
def passage_desk(request, pk: int):
    checkpoint = _checkpoint(request, pk)
    scope.require(request.user, "prevention.add_passage", checkpoint)
    data = request.POST if request.method == "POST" else None
    form = PassageForm(data)
    formset = TravellerFormSet(data, prefix="travellers",
                               form_kwargs={"lookup_url": reverse("passage_lookup", args=[pk])})
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            rows = _filled(formset)
            try:
                result = _once(request, form.idempotency_key, scope=f"prevention.passages.desk:{checkpoint.pk}",
                               payload=_posted(request), out=PassageOut, run=lambda: services.register_passage(
                                   checkpoint, actor=request.user, **form.service_fields(),
                                   travellers=[r.service_row() for r in rows]))
            except ValidationError as exc:
                apply_service_errors(form, rows, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Registered %(plate)s with %(n)s persons.") % {
                    "plate": result["plate"] or _("(on foot)"), "n": len(result["travellers"])})
                return HttpResponseRedirect(f"{reverse('passage_desk', args=[pk])}?last={result['id']}")
        status = 422
    last = None
    if request.GET.get("last", "").isdigit():
        last = selectors.passage_queryset(Passage.objects.visible_to(request.user)).filter(
            pk=request.GET["last"], checkpoint=checkpoint).first()
    return render(request, "prevention/passage_desk.html", {
        "checkpoint": checkpoint, "form": form, "formset": formset, "title": checkpoint.name, "last": last,
        "pending": selectors.pending_passages(checkpoint), "recent": selectors.recent_passages(checkpoint, 8),
        "decisions": Decision.choices}, status=status)


@login_required
@require_POST
def passage_lookup(request, pk: int):
    """htmx: the typed ID's registry name, masked ID and risk badge, as the staff member types."""
    checkpoint = _checkpoint(request, pk)
    scope.require(request.user, "prevention.add_passage", checkpoint)
    field = request.headers.get("HX-Trigger-Name") or "id_number"
    raw = "".join(request.POST.get(field if field.endswith("id_number") else "id_number", "").split())
    fragment = {"complete": len(raw) >= 18}
    if fragment["complete"]:
        try:
            fragment["person"], fragment["status"] = services.lookup_traveller(checkpoint, actor=request.user,
                                                                             id_number=raw)
        except ValidationError as exc:
            fragment["error"] = " ".join(exc.messages)
    return render(request, "prevention/passage_lookup.html", fragment)


@login_required
@require_POST
def passage_confirm(request, pk: int):
    passage = scope.get_visible_or_404(Passage.objects.select_related("checkpoint__organisation"), request.user, pk=pk)
    decisions = {claim.pk: {"decision": request.POST.get(f"decision_{claim.pk}", ""),
                            "temperature": request.POST.get(f"temperature_{claim.pk}", "")}
                 for claim in passage.pending_travellers.all()}
    try:
        services.confirm_passage(passage, actor=request.user, decisions=decisions)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Passage %(ref)s confirmed.") % {"ref": passage.pk})
    return HttpResponseRedirect(reverse("passage_desk", args=[passage.checkpoint_id]))


# --- passages -------------------------------------------------------------------------------------


def _persons(passage) -> int:
    return len(passage.travellers.all()) or len(passage.pending_travellers.all())


def _decisions(passage) -> str:
    labels = dict(Decision.choices)
    return "、".join(sorted({str(labels[t.decision]) for t in passage.travellers.all()}))


class PassageListView(ScopedListView):
    model = Passage
    title = gettext_lazy("Passages")
    columns = [Column("registered_at", gettext_lazy("Time")),
               Computed("plate", gettext_lazy("Plate"), link=True, compute=lambda p: p.plate or "—"),
               Column("checkpoint.name", gettext_lazy("Checkpoint")),
               Column("origin_province", gettext_lazy("From (province)")),
               Column("destination.name", gettext_lazy("Destination")),
               Computed("persons", gettext_lazy("Persons"), compute=_persons),
               Computed("decisions", gettext_lazy("Decisions"), compute=_decisions),
               Column("status", gettext_lazy("Status"))]
    filter_form_class = PassageFilterForm
    detail_url_name = "passage_detail"

    def base_queryset(self):
        super().base_queryset()  # 403 without the permission
        return selectors.passages(self.request.user)

    def filter_queryset(self, qs, data):
        checkpoint = data.get("checkpoint")
        return selectors.passages(self.request.user, checkpoint=checkpoint.pk if checkpoint else None,
                                  status=data.get("status"), decision=data.get("decision"), plate=data.get("plate"),
                                  since=data.get("since"), until=data.get("until"))


class PassageDetailView(ScopedDetailView):
    model = Passage
    template_name = "prevention/passage_detail.html"

    def get_object(self):
        return scope.get_visible_or_404(selectors.passage_queryset(), self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, obj):
        travellers = list(obj.travellers.all())
        now = risk.statuses_for([t.person_id for t in travellers]) if travellers else {}
        for traveller in travellers:
            traveller.status_now = now.get(traveller.person_id)
        pending = selectors.with_statuses(list(obj.pending_travellers.all()))
        return {"object": obj, "passage": obj, "title": f"{obj.plate or _('(on foot)')} · {obj.checkpoint}",
                "travellers": travellers, "pending_claims": pending, "decisions": Decision.choices,
                "can_confirm": obj.status == PassageStatus.PENDING
                and scope.covers(self.request.user, "prevention.confirm_passage", obj)}


# --- the travellers' own page ---------------------------------------------------------------------


def by_token(token: str) -> Checkpoint:
    """The open checkpoint whose QR code holds this token; 404 for anything else."""
    checkpoint = selectors.checkpoint_by_token(token)
    if checkpoint is None:
        raise Http404
    return checkpoint


def selfreg(request, token: str):
    """Reached by the checkpoint's QR code, without an account; staff confirm what is sent here."""
    checkpoint = by_token(token)
    data = request.POST if request.method == "POST" else None
    form = PassageForm(data)
    formset = SelfTravellerFormSet(data, prefix="travellers")
    status = 200
    if request.method == "POST":
        status = 422
        if not services.self_registration_allowed(context.current().ip):
            form.is_valid()  # errors are added to a cleaned form only
            form.add_error(None, _("Too many registrations from this network. Please ask the checkpoint staff."))
            status = 429
        elif form.is_valid() and formset.is_valid():
            rows = _filled(formset)
            try:
                result = _once(request, form.idempotency_key, scope="prevention.self_register.page",
                               principal=f"checkpoint:{checkpoint.pk}", payload=_posted(request),
                               out=SelfRegistrationOut, run=lambda: services.self_register(
                                   checkpoint, **form.service_fields(), travellers=[r.service_row() for r in rows]))
            except ValidationError as exc:
                apply_service_errors(form, rows, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                reference = signing.dumps(result["reference"], salt=_REFERENCE_SALT)
                return HttpResponseRedirect(f"{reverse('selfreg_done', args=[token])}?ref={reference}")
    return render(request, "prevention/selfreg_form.html", {
        "checkpoint": checkpoint, "form": form, "formset": formset, "title": _("Register at %(name)s") % {
            "name": checkpoint.name}}, status=status)


def selfreg_done(request, token: str):
    checkpoint = by_token(token)
    try:
        reference = int(signing.loads(request.GET.get("ref", ""), salt=_REFERENCE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    passage = Passage.objects.filter(pk=reference, checkpoint=checkpoint).first()
    if passage is None:
        raise Http404
    return render(request, "prevention/selfreg_done.html", {
        "checkpoint": checkpoint, "passage": passage, "title": _("Registered"),
        "persons": passage.pending_travellers.count() or passage.travellers.count()})


urlpatterns = [
    path("checkpoints/", CheckpointListView.as_view(), name="checkpoint_list"),
    path("checkpoints/new/", CheckpointCreateView.as_view(), name="checkpoint_create"),
    path("checkpoints/desk/", checkpoint_desk, name="checkpoint_desk"),
    path("checkpoints/<int:pk>/", CheckpointDetailView.as_view(), name="checkpoint_detail"),
    path("checkpoints/<int:pk>/roster/", checkpoint_roster, name="checkpoint_roster"),
    path("checkpoints/<int:pk>/register/", passage_desk, name="passage_desk"),
    path("checkpoints/<int:pk>/lookup/", passage_lookup, name="passage_lookup"),
    path("passages/", PassageListView.as_view(), name="passage_list"),
    path("passages/<int:pk>/", PassageDetailView.as_view(), name="passage_detail"),
    path("passages/<int:pk>/confirm/", passage_confirm, name="passage_confirm"),
    path("checkpoint/<str:token>/register/", selfreg, name="checkpoint_self_register"),
    path("checkpoint/<str:token>/registered/", selfreg_done, name="selfreg_done"),
]
