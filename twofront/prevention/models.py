"""The three lines of defence: checkpoints, community closure and screening, key people, testing,
quarantine and venue closures."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.models import ScopedQuerySet
from twofront.prevention.choices import (
    CheckpointKind,
    CompoundKind,
    Decision,
    LeadStatus,
    PassageStatus,
    StayStatus,
    TestResult,
    VehicleType,
    VenueKind,
    VenueState,
)


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Checkpoint(models.Model):
    """卡口 at a station, airport, road or expressway entry; staff are assigned to its Organisation."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="checkpoint")
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=CheckpointKind.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The day the checkpoint was set up: what the checkpoint metrics count from (a metric needs a day).
    opened_on = models.DateField(_("set up on"), default=timezone.localdate)
    # Secret in the QR code travellers scan to register themselves before staff confirm.
    self_registration_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_org_field = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """One vehicle (or walker) entering, with every person in it (逐车逐人检查登记)."""

    # Indexes kept to what reads use, as every car writes them: the checkpoint leads prevention_passage_cp_time;
    # plates are searched by substring (plate__contains), which no btree serves.
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="passages",
                                   verbose_name=_("checkpoint"), db_index=False)
    plate = models.CharField(_("plate"), max_length=12, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=16, choices=VehicleType.choices,
                                    default=VehicleType.CAR)
    origin_province = models.CharField(_("from (province)"), max_length=32)
    origin_city = models.CharField(_("from (city)"), max_length=32, blank=True)
    destination = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("destination in the city"))
    status = models.CharField(_("status"), max_length=16, choices=PassageStatus.choices,
                              default=PassageStatus.CONFIRMED)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")  # the checkpoint's

    objects = ScopedQuerySet.as_manager()
    scope_region_field = ("region", "destination")
    scope_org_field = "checkpoint__organisation"

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        indexes = [models.Index(fields=["checkpoint", "registered_at"], name="prevention_passage_cp_time")]

    def __str__(self) -> str:
        return f"{self.plate or '—'} @ {self.checkpoint}"


class PassageTraveller(models.Model):
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="travellers",
                                db_index=False)  # leads the once_per_passage constraint's index
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    travel_history = models.JSONField(_("places in the last 14 days"), default=list, blank=True)
    risk_level = models.CharField(_("risk status at the checkpoint"), max_length=8, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.PASS)
    is_driver = models.BooleanField(_("driver"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["passage", "person"],
                                               name="%(app_label)s_%(class)s_once_per_passage")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_decision_display()}"


class PendingTraveller(models.Model):
    """A traveller as typed on the self-registration page, kept apart from the person registry until staff
    check the ID card and confirm: an anonymous claim must neither add persons nor give anyone travel facts.
    The ID number is stored encrypted like the registry's; confirmation turns the claim into a
    PassageTraveller and deletes it."""

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="pending_travellers")
    name = models.CharField(_("name"), max_length=64)
    id_number_ct = models.TextField(editable=False)
    id_number_index = models.CharField(max_length=40, editable=False)
    id_number_masked = models.CharField(_("national ID"), max_length=18, editable=False)
    phone_ct = models.TextField(blank=True, editable=False)
    travel_history = models.JSONField(_("places in the last 14 days"), default=list, blank=True)
    is_driver = models.BooleanField(_("driver"), default=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["passage", "id_number_index"],
                                               name="%(app_label)s_%(class)s_once_per_passage")]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"


class CompoundGroup(models.Model):
    """城市小区组团 or 村民组 under a community / village, put under closed management."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=CompoundKind.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    households = models.PositiveIntegerField(_("households"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("compound group")
        verbose_name_plural = _("compound groups")

    def __str__(self) -> str:
        return self.name


class ClosurePeriod(models.Model):
    compound = models.ForeignKey(CompoundGroup, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("closed from"))
    ends_on = models.DateField(_("closed until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "compound__region"

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                              name="%(app_label)s_%(class)s_ends_after_start"),
                       models.UniqueConstraint(fields=["compound"], condition=Q(ends_on__isnull=True),
                                               name="%(app_label)s_%(class)s_one_open_per_compound")]

    def __str__(self) -> str:
        return f"{self.compound} {self.starts_on}–{self.ends_on or ''}"


class MonitoringPost(models.Model):
    """监测岗 at a compound's gate."""

    compound = models.ForeignKey(CompoundGroup, on_delete=models.CASCADE, related_name="posts",
                                 verbose_name=_("compound group"))
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)  # the day metrics count an active post from

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["compound", "name"]
        verbose_name = _("monitoring post")
        verbose_name_plural = _("monitoring posts")

    def __str__(self) -> str:
        return f"{self.compound} {self.name}"


class PostDailyCount(models.Model):
    post = models.ForeignKey(MonitoringPost, on_delete=models.CASCADE, related_name="counts")
    day = models.DateField(_("day"))
    entries = models.PositiveIntegerField(_("people in"), default=0)
    exits = models.PositiveIntegerField(_("people out"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="%(app_label)s_%(class)s_once_a_day")]

    def __str__(self) -> str:
        return f"{self.post} {self.day} +{self.entries}/-{self.exits}"


class Household(models.Model):
    """A household in a grid, with its members from the person registry."""

    address = models.CharField(_("address"), max_length=255)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    members = models.ManyToManyField("core.Person", through="HouseholdMember", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["region", "address"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.address


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation to head"), max_length=16, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "person"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class ScreeningCampaign(models.Model):
    """摸排: a campaign over a region, e.g. all arrivals from Hubei since 10 January."""

    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A household or person a campaign must visit, assigned to a grid worker."""

    campaign = models.ForeignKey(ScreeningCampaign, on_delete=models.CASCADE, related_name="leads")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, null=True, blank=True, related_name="leads")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("grid worker"))
    due_on = models.DateField(_("visit by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.PENDING)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # One lead per campaign and person (or household): "<campaign id>:<person's ID blind index>" or
    # "<campaign id>:h<household id>". Imports upsert on it, so a re-imported list never duplicates.
    lead_key = models.CharField(max_length=100, unique=True, editable=False)
    visit = models.ForeignKey("ScreeningVisit", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads",
                              verbose_name=_("settled by visit"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [models.CheckConstraint(condition=Q(household__isnull=False) | Q(person__isnull=False),
                                              name="%(app_label)s_%(class)s_names_someone")]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"


class KeyCategory(models.Model):
    """Configurable key-person categories (the city used five: 五类人员)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    risk_level = models.CharField(_("risk status it implies"), max_length=8, default="yellow")
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("key-person category")
        verbose_name_plural = _("key-person categories")

    def __str__(self) -> str:
        return self.name


class ScreeningVisit(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    campaign = models.ForeignKey(ScreeningCampaign, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="visits")
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("visited at"), auto_now_add=True)
    members_present = models.ManyToManyField("core.Person", related_name="+", blank=True)
    travel_history = models.JSONField(_("places in the last 14 days"), default=list, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    key_category = models.ForeignKey(KeyCategory, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("key-person category"))
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("screening visit")
        verbose_name_plural = _("screening visits")

    def __str__(self) -> str:
        return f"{self.household} {self.visited_at:%Y-%m-%d}"


class KeyPersonEntry(models.Model):
    """A person placed in a key category from a date (until released)."""

    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    category = models.ForeignKey(KeyCategory, on_delete=models.PROTECT, related_name="entries",
                                 verbose_name=_("category"))
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-since"]
        verbose_name = _("key person")
        verbose_name_plural = _("key people")
        constraints = [models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                                              name="%(app_label)s_%(class)s_until_after_since")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.category}"


class NucleicTest(models.Model):
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    sample_id = models.CharField(_("sample number"), max_length=32, unique=True)
    sampled_at = models.DateTimeField(_("sampled at"))
    sample_site = models.CharField(_("sampling site"), max_length=128, blank=True)
    lab = models.CharField(_("laboratory"), max_length=128, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=TestResult.choices, default=TestResult.PENDING)
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-sampled_at"]
        verbose_name = _("nucleic-acid test")
        verbose_name_plural = _("nucleic-acid tests")
        indexes = [models.Index(fields=["person", "sampled_at"], name="prevention_test_person_time")]

    def __str__(self) -> str:
        return self.sample_id


class QuarantineSite(models.Model):
    """A designated quarantine hotel; its staff are assigned to its Organisation."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="quarantine_site")
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    rooms = models.PositiveIntegerField(_("rooms"))
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    for_hubei_travellers = models.BooleanField(_("designated for travellers from Hubei"), default=False)
    active = models.BooleanField(_("active"), default=True)
    # The day the site was designated: what the capacity metric counts from (a metric needs a day).
    opened_on = models.DateField(_("designated on"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"
    scope_org_field = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("quarantine site")
        verbose_name_plural = _("quarantine sites")

    def __str__(self) -> str:
        return self.name


class QuarantineStay(models.Model):
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    site = models.ForeignKey(QuarantineSite, on_delete=models.PROTECT, related_name="stays", verbose_name=_("site"))
    room = models.CharField(_("room"), max_length=16)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=16, choices=StayStatus.choices, default=StayStatus.ACTIVE)
    release_test = models.ForeignKey(NucleicTest, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("release test"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "site__region"
    scope_org_field = "site__organisation"

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("quarantine stay")
        verbose_name_plural = _("quarantine stays")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="%(app_label)s_%(class)s_ends_after_start"),
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"),
                                    name="%(app_label)s_%(class)s_one_active_stay"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.site} {self.room}"


class StayHealthCheck(models.Model):
    stay = models.ForeignKey(QuarantineStay, on_delete=models.CASCADE, related_name="checks")
    day = models.DateField(_("day"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["stay", "day"], name="%(app_label)s_%(class)s_once_a_day")]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.day} {self.temperature}"


class Venue(models.Model):
    """A public venue closed, disinfected and reopened during the epidemic."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=VenueState.choices, default=VenueState.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    disinfected_on = models.DateField(_("disinfected on"), null=True, blank=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name
