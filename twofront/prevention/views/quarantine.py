"""Pages: quarantine today (phone-first, for hotel staff), check-in, daily checks, release samples, release,
stays and sites."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from twofront.core import scope
from twofront.core.generic import Column, ScopedDetailView, ScopedListView, ServiceFormView
from twofront.prevention import selectors_quarantine as selectors
from twofront.prevention.forms_quarantine import (
    CheckInForm,
    HealthCheckForm,
    ReleaseSampleForm,
    SiteEditForm,
    SiteForm,
    StayFilterForm,
    StayReleaseForm,
)
from twofront.prevention.models import QuarantineSite, QuarantineStay
from twofront.prevention.selectors_testing import find_person
from twofront.prevention.services import quarantine as services
from twofront.prevention.views.testing import YesNo, person_link


def today_url(site_id: int) -> str:
    return f"{reverse('quarantine_today')}?site={site_id}"


def with_progress(stays, today):
    """Adds what the cards show: days done of the stay, today's check, whether a fever was measured."""
    for stay in stays:
        stay.days_done = (today - stay.starts_on).days
        stay.days = (stay.ends_on - stay.starts_on).days
        checks = list(stay.checks.all())
        stay.today_check = next((c for c in checks if c.day == today), None)
        stay.fever = any(c.temperature >= services.FEVER for c in checks[-3:])
        stay.due = stay.ends_on <= today
    return stays


@login_required
@require_GET
def quarantine_today(request):
    """One site's guests, releases due and checks to do; officials first pick a site from the table."""
    user, today = request.user, timezone.localdate()
    selectors.require_stay_view(user)
    sites = list(selectors.sites(user).order_by("-active", "name"))
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), None)
    if site is None and len(sites) == 1:
        site = sites[0]
    context = {"title": _("Quarantine today"), "sites": sites, "site": site, "today": today,
               "can_check_in": scope.has_permission_anywhere(user, "prevention.add_quarantinestay")}
    if site is not None:
        guests = with_progress(list(selectors.stays(user, site_id=site.pk, status="active").order_by("room", "pk")),
                               today)
        context.update(
            title=site.name, guests=guests, due=[s for s in guests if s.due], others=[s for s in guests if not s.due],
            to_check=sum(1 for s in guests if s.today_check is None),
            can_check=scope.covers(user, "prevention.change_quarantinestay", site),
            can_release=scope.covers(user, "prevention.release_quarantinestay", site),
            can_edit=scope.covers(user, "prevention.change_quarantinesite", site))
    return render(request, "prevention/quarantine_today.html", context)


class StayListView(ScopedListView):
    model = QuarantineStay
    title = _("Quarantine stays")
    columns = [Column("person.name", _("Name"), link=True), Column("person.id_number_masked", _("National ID")),
               Column("site.name", _("Site")), Column("room", _("Room")), Column("starts_on", _("Start")),
               Column("ends_on", _("Planned end")), Column("status", _("Status")),
               Column("released_at", _("Released at"))]
    filter_form_class = StayFilterForm
    detail_url_name = "quarantine_stay_detail"
    create_url_name = "quarantine_stay_create"
    create_permission = "prevention.add_quarantinestay"
    extra_actions = [(_("Quarantine today"), "quarantine_today", "prevention.view_quarantinestay"),
                     (_("Sites"), "quarantine_site_list", "prevention.view_quarantinesite")]

    def base_queryset(self):
        super().base_queryset()
        return selectors.stays(self.request.user, status="active")

    def filter_queryset(self, qs, data):
        site = data.get("site")
        return selectors.stays(self.request.user, site_id=site.pk if site else None,
                               status=data.get("status") or None, due=True if data.get("due") else None)


class StayDetailView(ScopedDetailView):
    model = QuarantineStay
    queryset = QuarantineStay.objects.select_related("person", "site", "release_test")
    template_name = "prevention/stay_detail.html"

    def get_context_data(self, obj):
        user, today = self.request.user, timezone.localdate()
        with_progress([obj], today)
        active = obj.status == "active"
        return {"object": obj, "stay": obj, "title": f"{obj.person.name} · {obj.site.name} {obj.room}",
                "checks": obj.checks.order_by("-day"), "release_tests": services.release_tests(obj) if active else [],
                "person_url": person_link(user, obj.person),
                "can_check": active and scope.covers(user, "prevention.change_quarantinestay", obj),
                "can_release": active and scope.covers(user, "prevention.release_quarantinestay", obj)}


class StayActionView(ServiceFormView):
    """A form about one guest (daily check, release sample, release): shows who and where, then the form."""

    template_name = "prevention/stay_form.html"
    action = "change"

    def check_allowed(self):
        self.stay = scope.get_actionable_or_403(QuarantineStay.objects.select_related("person", "site"),
                                                self.request.user, self.action, pk=self.kwargs["pk"])
        with_progress([self.stay], timezone.localdate())

    @property
    def cancel_url(self):
        return today_url(self.stay.site_id)

    def success_url(self, result):
        return today_url(self.stay.site_id)


class StayCheckView(StayActionView):
    form_class = HealthCheckForm
    title = _("Daily health check")
    success_message = _("Check recorded.")

    def perform(self, form):
        return services.record_health_check(self.stay, actor=self.request.user, **form.cleaned_data)


class StaySampleView(StayActionView):
    form_class = ReleaseSampleForm
    title = _("Release-test sample")
    success_message = _("Sample registered; the result comes from the laboratory.")

    def perform(self, form):
        return services.register_release_sample(self.stay, actor=self.request.user, **form.cleaned_data)


class StayReleaseView(StayActionView):
    form_class = StayReleaseForm
    title = _("Release from quarantine")
    success_message = _("Released.")
    action = "release"

    @cached_property
    def release_tests(self):
        return services.release_tests(self.stay)

    def get_form_kwargs(self):
        return {"user": self.request.user, "tests": self.release_tests}

    def perform(self, form):
        return services.release_stay(self.stay, actor=self.request.user, release_test=form.cleaned_data["release_test"])


class StayCheckInView(ServiceFormView):
    form_class = CheckInForm
    template_name = "prevention/site_form.html"  # phone-friendly fields for the hotel desk
    title = _("Check a guest in")
    success_message = _("Guest checked in.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_quarantinestay"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        # Staff identify a guest by the ID card in their hand: any registered person.
        person = find_person(self.request.user, id_number=data["id_number"], everyone=True)
        return services.check_in(actor=self.request.user, site=data["site"], person=person, room=data["room"],
                                 starts_on=data["starts_on"], ends_on=data["ends_on"])

    def success_url(self, stay):
        return today_url(stay.site_id)


class SiteListView(ScopedListView):
    model = QuarantineSite
    title = _("Quarantine sites")
    columns = [Column("name", _("Name"), link=True), Column("region.name", _("Region")), Column("rooms", _("Rooms")),
               Column("capacity", _("Capacity (persons)")), Column("guests", _("In quarantine")),
               Column("releases_due", _("Releases due")), YesNo("for_hubei_travellers", _("For travellers from Hubei")),
               YesNo("active", _("Takes guests"))]
    detail_url_name = "quarantine_site_detail"
    create_url_name = "quarantine_site_create"
    create_permission = "prevention.add_quarantinesite"

    def base_queryset(self):
        super().base_queryset()
        return selectors.sites(self.request.user)


@login_required
@require_GET
def site_detail(request, pk: int):
    scope.get_visible_or_404(QuarantineSite, request.user, pk=pk)
    return HttpResponseRedirect(today_url(pk))


class SiteCreateView(ServiceFormView):
    form_class = SiteForm
    template_name = "prevention/site_form.html"
    title = _("Designate a quarantine site")
    success_message = _("Site designated.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_quarantinesite"):
            raise PermissionDenied

    def perform(self, form):
        return services.create_site(actor=self.request.user, **form.cleaned_data)

    def success_url(self, site):
        return reverse("quarantine_site_list")


class SiteUpdateView(SiteCreateView):
    form_class = SiteEditForm
    title = _("Edit quarantine site")
    success_message = _("Site saved.")

    def check_allowed(self):
        self.object = scope.get_actionable_or_403(QuarantineSite, self.request.user, "change", pk=self.kwargs["pk"])

    def get_initial(self):
        return {k: getattr(self.object, k) for k in services.SITE_FIELDS}

    def perform(self, form):
        return services.update_site(self.object, actor=self.request.user, **form.cleaned_data)


urlpatterns = [
    path("quarantine/", quarantine_today, name="quarantine_today"),
    path("quarantine/stays/", StayListView.as_view(), name="quarantine_stay_list"),
    path("quarantine/stays/new/", StayCheckInView.as_view(), name="quarantine_stay_create"),
    path("quarantine/stays/<int:pk>/", StayDetailView.as_view(), name="quarantine_stay_detail"),
    path("quarantine/stays/<int:pk>/check/", StayCheckView.as_view(), name="quarantine_stay_check"),
    path("quarantine/stays/<int:pk>/sample/", StaySampleView.as_view(), name="quarantine_stay_sample"),
    path("quarantine/stays/<int:pk>/release/", StayReleaseView.as_view(), name="quarantine_stay_release"),
    path("quarantine/sites/", SiteListView.as_view(), name="quarantine_site_list"),
    path("quarantine/sites/new/", SiteCreateView.as_view(), name="quarantine_site_create"),
    path("quarantine/sites/<int:pk>/", site_detail, name="quarantine_site_detail"),
    path("quarantine/sites/<int:pk>/edit/", SiteUpdateView.as_view(), name="quarantine_site_update"),
]
