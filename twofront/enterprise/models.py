import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from twofront.core.models import ScopedQuerySet
from twofront.enterprise.choices import (
    AppealCategory,
    AppealStatus,
    DeclarationStatus,
    Industry,
    Scale,
    SupplyKind,
    SupplyStatus,
)


def new_checkin_token() -> str:
    return secrets.token_urlsafe(12)


class Enterprise(models.Model):
    """An enterprise; its Organisation is what enterprise accounts are assigned to."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="enterprise")
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=128)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices)
    key_project = models.BooleanField(_("key project"), default=False)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone_ct = models.TextField(blank=True, editable=False)
    contact_phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=11, blank=True, editable=False)
    # The secret in the QR-code link employees check in with; rotate it to invalidate printed codes.
    checkin_token = models.CharField(max_length=32, unique=True, default=new_checkin_token, editable=False)
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_org_field = "organisation"
    scope_user_field = "commissioner_assignments__commissioner"
    audit_fields = ["credit_code", "name", "industry", "scale", "key_project", "region_id", "address",
                    "legal_representative", "contact_name", "contact_phone_masked", "resumed_on"]

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["region", "industry", "scale"], name="enterprise_region_ind_scale")]

    def __str__(self) -> str:
        return self.name


class ResumptionDeclaration(models.Model):
    """复工申报: an enterprise's plan to resume, reviewed by a street or district official."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="declarations",
                                   verbose_name=_("enterprise"))
    planned_date = models.DateField(_("planned resumption date"))
    expected_headcount = models.PositiveIntegerField(_("expected headcount"))
    local_employees = models.PositiveIntegerField(_("local employees"), default=0)
    out_of_town_employees = models.PositiveIntegerField(_("out-of-town employees"), default=0)
    mask_stock_days = models.PositiveSmallIntegerField(_("mask stock (days)"), default=0)
    disinfection = models.BooleanField(_("regular disinfection"), default=False)
    temperature_checks = models.BooleanField(_("temperature checks at entry"), default=False)
    isolation_room = models.BooleanField(_("temporary isolation room"), default=False)
    canteen_arrangement = models.CharField(_("canteen arrangement"), max_length=200, blank=True)
    responsible_person = models.CharField(_("person responsible for prevention"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due = models.DateTimeField(_("review due"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"
    scope_user_field = "enterprise__commissioner_assignments__commissioner"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("resumption declaration")
        verbose_name_plural = _("resumption declarations")
        constraints = [
            models.CheckConstraint(condition=Q(local_employees__lte=F("expected_headcount"))
                                   & Q(out_of_town_employees__lte=F("expected_headcount")),
                                   name="%(app_label)s_%(class)s_parts_within_headcount"),
            # One declaration in progress per enterprise, so reviewers never see two competing plans.
            models.UniqueConstraint(fields=["enterprise"], condition=~Q(status=DeclarationStatus.APPROVED),
                                    name="%(app_label)s_%(class)s_one_open_per_enterprise"),
        ]
        indexes = [models.Index(fields=["status", "review_due"], name="enterprise_decl_status_due")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.planned_date}"


class DeclarationAttachment(models.Model):
    declaration = models.ForeignKey(ResumptionDeclaration, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="declarations/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "declaration__enterprise__region"
    scope_org_field = "declaration__enterprise__organisation"
    scope_user_field = "declaration__enterprise__commissioner_assignments__commissioner"

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """A person on an enterprise's roster, linked to the person registry by national ID."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="employees",
                                   verbose_name=_("enterprise"))
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    out_of_town = models.BooleanField(_("out-of-town"), default=False)
    origin_region_code = models.CharField(_("origin (division code)"), max_length=6, blank=True)
    planned_return_date = models.DateField(_("planned return date"), null=True, blank=True)
    actual_return_date = models.DateField(_("actual return date"), null=True, blank=True)
    quarantine_needed = models.BooleanField(_("quarantine needed"), default=False)
    active = models.BooleanField(_("on the roster"), default=True)
    # The phone the enterprise knows the employee by: its last four digits prove identity at the QR
    # check-in. Kept on the roster because HR may not change the registry's phone (core.Person).
    phone_ct = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"
    scope_user_field = "enterprise__commissioner_assignments__commissioner"
    audit_fields = ["enterprise_id", "person_id", "out_of_town", "origin_region_code", "planned_return_date",
                    "actual_return_date", "quarantine_needed", "active", "phone_masked"]

    class Meta:
        ordering = ["enterprise", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [models.UniqueConstraint(fields=["enterprise", "person"],
                                               name="%(app_label)s_%(class)s_once_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.enterprise}"


class HealthCheckin(models.Model):
    """健康打卡: one per employee per day (a second submission updates it)."""

    # Both lead a composite index below (once_a_day, enterprise_checkin_ent_day): no index of their own to write.
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="checkins", db_index=False)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    location = models.CharField(_("today's location"), max_length=100, blank=True)
    risk_contact = models.BooleanField(_("contact with confirmed or suspected cases"), default=False)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")  # the enterprise's
    residence_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")  # the employee's
    source = models.CharField(_("source"), max_length=8, default="qr")  # qr / api / hr
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Officials of the enterprise's region and of the employee's residence both see it.
    scope_region_field = ("region", "residence_region")
    scope_org_field = "enterprise__organisation"
    # A commissioner sees the check-ins of the enterprises assigned to them, not a whole district's.
    scope_user_field = "enterprise__commissioner_assignments__commissioner"
    audit_fields = ["employee_id", "day", "temperature", "symptoms", "location", "risk_contact", "abnormal",
                    "source"]

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="%(app_label)s_%(class)s_once_a_day"),
            models.CheckConstraint(condition=Q(temperature__gte=34) & Q(temperature__lte=43),
                                   name="%(app_label)s_%(class)s_temperature_plausible"),
        ]
        indexes = [models.Index(fields=["enterprise", "day"], name="enterprise_checkin_ent_day"),
                   models.Index(fields=["day", "abnormal"], name="enterprise_checkin_day_abn")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.day} {self.temperature}"


class CheckinFailure(models.Model):
    """A failed identity proof at the QR check-in; recent rows per IP and per ID rate-limit the next tries."""

    id_number_index = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["id_number_index", "at"], name="enterprise_ckfail_id_at"),
                   models.Index(fields=["ip", "at"], name="enterprise_ckfail_ip_at")]

    def __str__(self) -> str:
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"


class Supplier(models.Model):
    """A supplier of prevention materials whose stock is allocated to enterprises' requests."""

    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name


class SupplierStock(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="stock")
    kind = models.CharField(_("item"), max_length=16, choices=SupplyKind.choices)
    quantity = models.PositiveIntegerField(_("quantity in stock"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "kind"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} {self.kind} {self.quantity}"


class SupplyRequest(models.Model):
    """防疫物资需求申报: what an enterprise needs, reviewed, allocated, delivered and received."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="supply_requests",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=16, choices=SupplyStatus.choices,
                              default=SupplyStatus.SUBMITTED)
    note = models.TextField(_("note"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"
    scope_user_field = "enterprise__commissioner_assignments__commissioner"

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.pk}"


class SupplyRequestLine(models.Model):
    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("item"), max_length=16, choices=SupplyKind.choices)
    quantity = models.PositiveIntegerField(_("quantity needed"))
    stock_days = models.PositiveSmallIntegerField(_("days of stock left"), default=0)
    allocated = models.PositiveIntegerField(_("allocated"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="%(app_label)s_%(class)s_one_line_per_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"),
            models.CheckConstraint(condition=Q(allocated__lte=F("quantity")),
                                   name="%(app_label)s_%(class)s_allocated_within_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} × {self.quantity}"


class Allocation(models.Model):
    line = models.ForeignKey(SupplyRequestLine, on_delete=models.CASCADE, related_name="allocations")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField(_("quantity"))
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.supplier} → {self.line} × {self.quantity}"


class CommissionerAssignment(models.Model):
    """驻企专员: a commissioner stationed with an enterprise (one serves several)."""

    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="commissioner_assignments", verbose_name=_("commissioner"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="commissioner_assignments",
                                   verbose_name=_("enterprise"))
    since = models.DateField(_("since"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"  # the enterprise sees who serves it
    scope_user_field = "commissioner"

    class Meta:
        verbose_name = _("commissioner assignment")
        verbose_name_plural = _("commissioner assignments")
        constraints = [models.UniqueConstraint(fields=["commissioner", "enterprise"],
                                               name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.commissioner} → {self.enterprise}"


class Visit(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits",
                                   verbose_name=_("enterprise"))
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("commissioner"))
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"
    scope_user_field = "enterprise__commissioner_assignments__commissioner"

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class Appeal(models.Model):
    """诉求: a problem an enterprise raises, with a deadline, escalation, answer and rating."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="appeals",
                                   verbose_name=_("enterprise"))
    category = models.CharField(_("category"), max_length=16, choices=AppealCategory.choices)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("commissioner"))
    escalated_to = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("escalated to department"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_note = models.TextField(_("note to the department"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # Kept for the metrics engine, whose day dimension and sums are plain columns: the first day the
    # appeal counts as overdue (deadline + 1 day), and the hours it took to close.
    overdue_on = models.DateField(_("overdue from"), null=True, editable=False)
    hours_to_close = models.DecimalField(_("hours to close"), max_digits=8, decimal_places=1, null=True,
                                         editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "enterprise__region"
    scope_org_field = "enterprise__organisation"
    scope_user_field = "enterprise__commissioner_assignments__commissioner"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="%(app_label)s_%(class)s_rating_1_to_5"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(status=AppealStatus.CLOSED),
                                   name="%(app_label)s_%(class)s_rated_only_when_closed"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="enterprise_appeal_status_due")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_category_display()}"
