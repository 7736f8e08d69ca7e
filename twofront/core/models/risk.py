from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from twofront.core.models.scoped import ScopedQuerySet


class RiskLevel(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class RiskRuleSet(models.Model):
    """A versioned, declarative rule set (rules are data: see core.risk for the format).
    Exactly one version is active; older versions stay for the record."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    rules = models.JSONField(_("rules"))
    active = models.BooleanField(_("active"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk rule set")
        verbose_name_plural = _("risk rule sets")
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="%(app_label)s_%(class)s_one_active")]

    def __str__(self) -> str:
        return f"v{self.version}"


class RiskOverride(models.Model):
    """An official's decision that replaces the computed status until a date, with a reason."""

    person = models.ForeignKey("core.Person", on_delete=models.CASCADE, related_name="risk_overrides")
    level = models.CharField(_("status"), max_length=8, choices=RiskLevel.choices)
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "person__region"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("risk override")
        verbose_name_plural = _("risk overrides")

    def __str__(self) -> str:
        return f"{self.person_id} {self.level} until {self.until}"
