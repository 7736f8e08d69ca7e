from django.db import models
from django.utils.translation import gettext_lazy as _

from twofront.core.choices import Sex
from twofront.core.models.scoped import ScopedQuerySet


class Person(models.Model):
    """The one registry of people. ID and phone numbers are stored only encrypted, indexed and masked."""

    name = models.CharField(_("name"), max_length=64)
    id_number_ct = models.TextField(editable=False)
    id_number_index = models.CharField(max_length=40, editable=False)  # unique: see Meta
    id_number_masked = models.CharField(_("national ID"), max_length=18, editable=False)
    phone_ct = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    native_region_code = models.CharField(_("native place code"), max_length=6)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
                               db_index=False)  # led by core_person_region_name
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    # What audit diffs and exports may contain: masked values only.
    audit_fields = ["name", "id_number_masked", "phone_masked", "birth_date", "sex", "region_id", "address"]

    class Meta:
        ordering = ["-id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        # Blind indexes are only ever matched exactly: declared here rather than on the fields, so PostgreSQL gets
        # no second (varchar_pattern_ops) index of each to maintain on every insert.
        constraints = [models.UniqueConstraint(fields=["id_number_index"], name="core_person_id_number_unique")]
        indexes = [models.Index(fields=["region", "name"], name="core_person_region_name"),
                   models.Index(fields=["phone_index"], name="core_person_phone_index")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"
