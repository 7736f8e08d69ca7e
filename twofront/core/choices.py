from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    ENTERPRISE = "enterprise", _("Enterprise")
    HOSPITAL = "hospital", _("Hospital")
    QUARANTINE_SITE = "quarantine_site", _("Quarantine site")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    BANK = "bank", _("Bank")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class AuditSource(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    TASK = "task", _("Background task")
    CLI = "cli", _("Command line")


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    FATIGUE = "fatigue", _("Fatigue")
    SORE_THROAT = "sore_throat", _("Sore throat")
    SHORT_BREATH = "short_breath", _("Shortness of breath")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    TASTE_SMELL = "taste_smell", _("Loss of taste or smell")
