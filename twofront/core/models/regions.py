from django.db import models
from django.utils.translation import gettext_lazy as _

from twofront.core.choices import OrganisationKind, RegionLevel
from twofront.core.models.scoped import ScopedQuerySet


class Region(models.Model):
    """A node of the jurisdiction tree; `path` ("520100/520102/...") makes subtree queries a prefix match."""

    code = models.CharField(_("division code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = ""  # a region is scoped by its own path

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=models.Q(parent__isnull=True) | models.Q(depth__gt=0),
                                   name="%(app_label)s_%(class)s_root_has_no_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}{self.code}/" if self.parent_id else f"{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)

    @property
    def full_name(self) -> str:
        names = dict(Region.objects.filter(code__in=self.ancestor_codes).values_list("code", "name"))
        return " / ".join(names[c] for c in self.ancestor_codes[1:] if c in names) or self.name


class Organisation(models.Model):
    """A unit that is not a region but scopes data: an enterprise, a hospital, a hotel, a bank."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations",
                               verbose_name=_("region"))
    code = models.CharField(_("code"), max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_org_field = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], condition=~models.Q(code=""),
                                    name="%(app_label)s_%(class)s_unique_code_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name
