from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """National economic classification sections (GB/T 4754-2017)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")
    T = "T", _("International organisations")


class Scale(models.TextChoices):
    ABOVE_DESIGNATED = "above", _("Above designated size")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class SupplyKind(models.TextChoices):
    MASK = "mask", _("Masks")
    THERMOMETER = "thermometer", _("Thermometers")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    GLOVES = "gloves", _("Gloves")
    PROTECTIVE_SUIT = "suit", _("Protective suits")


class SupplyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ALLOCATED = "allocated", _("Allocated")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")


class AppealCategory(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    LABOUR = "labour", _("Labour")
    TRANSPORT = "transport", _("Transport")
    FUNDS = "funds", _("Funds")
    LEGAL = "legal", _("Legal")
    OTHER = "other", _("Other")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
