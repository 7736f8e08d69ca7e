from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from twofront.core.models.scoped import ScopedQuerySet


class PostType(models.TextChoices):
    COMMAND_CENTRE = "command_centre", _("City command centre")
    DISTRICT_POST = "district_post", _("District command post")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    MONITORING_POST = "monitoring_post", _("Monitoring post")
    QUARANTINE_SITE = "quarantine_site", _("Quarantine site")


class DutyShift(models.Model):
    """值班带班: one roster model for every kind of post (command centre, district posts, checkpoints,
    monitoring posts). `post_id` names the checkpoint / post row where the post is a record."""

    post_type = models.CharField(_("post type"), max_length=32, choices=PostType.choices)
    post_id = models.PositiveBigIntegerField(_("post"), null=True, blank=True)
    post_name = models.CharField(_("post"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="duty_shifts", verbose_name=_("staff account"))
    staff_name = models.CharField(_("name"), max_length=64)
    is_leader = models.BooleanField(_("shift leader (带班)"), default=False)
    handover_note = models.TextField(_("handover note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["starts_at", "post_name"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="%(app_label)s_%(class)s_ends_after_start")]
        indexes = [models.Index(fields=["post_type", "post_id", "starts_at"], name="core_duty_post_time")]

    def __str__(self) -> str:
        return f"{self.post_name} {self.starts_at:%Y-%m-%d %H:%M} {self.staff_name}"
