"""Check-in pages: the employee's phone form behind the QR code (no account), HR's day view (coverage,
missing, abnormal), and the abnormal check-ins officials see for their area. Each shows the risk status
(core.risk): the employee their own, with its reasons; HR and officials a level per row, one call per page."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from twofront.core import risk, scope
from twofront.core.generic import Column, ScopedListView, apply_errors
from twofront.core.middleware import client_ip
from twofront.enterprise import selectors
from twofront.enterprise.forms import AbnormalFilterForm, CheckinForm
from twofront.enterprise.models import Enterprise, HealthCheckin
from twofront.enterprise.services import checkins as services
from twofront.enterprise.services.checkins import SYMPTOMS


@never_cache
def checkin_form(request, token: str):
    """The QR-code page: anonymous, one small form, the answer on the same page."""
    enterprise = Enterprise.objects.filter(checkin_token=token).first()
    if enterprise is None:
        return render(request, "enterprise/checkin_phone.html", {"unknown": True}, status=404)
    form = CheckinForm(request.POST or None)
    status, checkin, own_risk = 200, None, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                proof = services.identify_employee(token, id_number=data["id_number"],
                                                   phone_last4=data["phone_last4"], ip=client_ip(request))
                checkin = services.record_checkin(proof.employee, proof=proof, source="qr",
                                                  temperature=data["temperature"], symptoms=data["symptoms"],
                                                  location=data["location"], risk_contact=data["risk_contact"])
                status = 200
                own_risk = risk.status_for(checkin.employee.person)  # after the write: today's answers count
            except services.TooManyAttempts as exc:
                form.add_error(None, _("Too many attempts. Please wait %(minutes)s minutes and try again.")
                               % {"minutes": exc.retry_after // 60})
                status = 429
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(request, "enterprise/checkin_phone.html", {
        "enterprise": enterprise, "form": form, "checkin": checkin, "title": _("Daily health check-in"),
        "risk": own_risk,
        "symptom_labels": [SYMPTOMS[s] for s in checkin.symptoms] if checkin else []}, status=status)


def _day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def enterprise_checkins(request, pk: int):
    """HR's day view: how much of the active roster checked in, who has not, who is abnormal."""
    enterprise = scope.get_visible_or_404(Enterprise.objects.select_related("region"), request.user, pk=pk)
    scope.require(request.user, "enterprise.view_healthcheckin", enterprise)
    day = _day(request.GET.get("day"))
    coverage = selectors.coverage(enterprise, day)
    missing, abnormal = list(coverage.missing[:500]), list(coverage.abnormal_checkins[:500])
    with_risk_levels([(e, e.person_id) for e in missing] + [(c, c.employee.person_id) for c in abnormal])
    return render(request, "enterprise/checkins_day.html", {
        "title": _("Check-ins of %(name)s") % {"name": enterprise.name}, "enterprise": enterprise,
        "coverage": coverage, "missing": missing, "abnormal": abnormal, "symptoms": SYMPTOMS})


def with_risk_levels(rows: list[tuple[object, int]]) -> None:
    """Sets `risk_level` on each (row, person id) from one core.risk call for the whole page. The level only:
    an employer or an official sees the colour; the reasons stay with the person and the health authorities."""
    statuses = risk.statuses_for([person_id for _row, person_id in rows])
    for row, person_id in rows:
        row.risk_level = statuses[person_id].level


@login_required
def checkins_home(request):
    """The menu's "check-ins": an enterprise account goes to its enterprise's day, officials to the abnormal list."""
    if not scope.has_permission_anywhere(request.user, "enterprise.view_healthcheckin"):
        raise PermissionDenied
    own = [a.organisation.enterprise.pk for a in scope.assignments(request.user)
           if a.organisation_id and hasattr(a.organisation, "enterprise")]
    if len(own) == 1:
        return redirect("enterprise_checkins_day", pk=own[0])
    return redirect("enterprise_abnormal_checkins")


def symptom_names(checkin) -> str:
    return "、".join(str(SYMPTOMS[s]) for s in checkin.symptoms if s in SYMPTOMS)


class AbnormalCheckinListView(ScopedListView):
    """Abnormal check-ins in the user's area: of enterprises there, and of residents there working elsewhere."""

    model = HealthCheckin
    title = _("Abnormal check-ins")
    filter_form_class = AbnormalFilterForm
    columns = [Column("day", _("Day")), Column("employee.person.name", _("Name")),
               Column("employee.person.id_number_masked", _("National ID")), Column("enterprise.name", _("Enterprise")),
               Column("residence_region.name", _("Residence")), Column("temperature", _("Temperature (°C)")),
               Column("symptom_text", _("Symptoms")), Column("risk_contact", _("Risk contact")),
               Column("location", _("Location")), Column("risk_badge", _("Risk status"))]
    template_name = "enterprise/abnormal_checkins.html"  # the generic list, with the risk badges' stylesheet

    def base_queryset(self):
        super().base_queryset()  # 403 without the view permission
        return selectors.checkins(self.request.user, abnormal=True, day=_day(self.request.GET.get("day")))

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        with_risk_levels([(checkin, checkin.employee.person_id) for checkin in object_list])
        for checkin in object_list:
            checkin.symptom_text = symptom_names(checkin)
            checkin.risk_badge = render_to_string("enterprise/partials/risk_badge.html", {"level": checkin.risk_level})
        return paginator, page, object_list, is_paginated


urlpatterns = [
    path("checkin/<str:token>/", checkin_form, name="enterprise_checkin_form"),
    path("checkins/", checkins_home, name="enterprise_checkins"),
    path("checkins/abnormal/", AbnormalCheckinListView.as_view(), name="enterprise_abnormal_checkins"),
    path("<int:pk>/checkins/", enterprise_checkins, name="enterprise_checkins_day"),
]
