"""The last line of defence: hospitals, fever clinics, cases and daily capacity reports."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.models import ScopedQuerySet
from twofront.medical.choices import CaseState, VisitOutcome


class Hospital(models.Model):
    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="hospital")
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    designated = models.BooleanField(_("designated for treatment"), default=False)
    fever_clinic = models.BooleanField(_("has a fever clinic"), default=False)
    isolation_wards = models.PositiveSmallIntegerField(_("isolation wards"), default=0)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    # The day the hospital joined the network (designated or fever clinic opened): what the hospital
    # metrics count from (a metric needs a day).
    opened_on = models.DateField(_("in the network since"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_org_field = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")

    def __str__(self) -> str:
        return self.name


class FeverClinicVisit(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="visits",
                                 verbose_name=_("hospital"))
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    visited_at = models.DateTimeField(_("visited at"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "hospital__region"
    scope_org_field = "hospital__organisation"

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("fever-clinic visit")
        verbose_name_plural = _("fever-clinic visits")

    def __str__(self) -> str:
        return f"{self.hospital} {self.visited_at:%Y-%m-%d %H:%M}"


class Case(models.Model):
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                                 verbose_name=_("hospital"))
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.SUSPECTED)
    reported_at = models.DateTimeField(_("reported at"))
    state_changed_at = models.DateTimeField(_("state changed at"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")  # residence

    objects = ScopedQuerySet.as_manager()
    scope_region_field = ("region", "hospital__region")
    scope_org_field = "hospital__organisation"

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.CheckConstraint(condition=Q(state_changed_at__gte=F("reported_at")),
                                              name="%(app_label)s_%(class)s_changed_after_reported")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_state_display()}"


class CaseTransition(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=CaseState.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_state}->{self.to_state}"


class CapacityReport(models.Model):
    """A hospital's daily report of beds and isolation rooms; missing or late reports are surfaced."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("hospital"))
    day = models.DateField(_("day"))
    beds_total = models.PositiveIntegerField(_("beds"))
    beds_used = models.PositiveIntegerField(_("beds in use"))
    isolation_rooms_total = models.PositiveIntegerField(_("isolation rooms"))
    isolation_rooms_used = models.PositiveIntegerField(_("isolation rooms in use"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "hospital__region"
    scope_org_field = "hospital__organisation"

    class Meta:
        ordering = ["-day"]
        verbose_name = _("capacity report")
        verbose_name_plural = _("capacity reports")
        constraints = [
            models.UniqueConstraint(fields=["hospital", "day"], name="%(app_label)s_%(class)s_once_a_day"),
            models.CheckConstraint(condition=Q(beds_used__lte=F("beds_total"))
                                   & Q(isolation_rooms_used__lte=F("isolation_rooms_total")),
                                   name="%(app_label)s_%(class)s_used_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.day}"
