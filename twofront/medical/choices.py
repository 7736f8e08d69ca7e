from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")
    RECOVERED = "recovered", _("Recovered")
    EXCLUDED = "excluded", _("Excluded")
    DIED = "died", _("Died")


# Which state may follow which.
CASE_TRANSITIONS = {
    CaseState.SUSPECTED: {CaseState.CONFIRMED, CaseState.ASYMPTOMATIC, CaseState.EXCLUDED},
    CaseState.ASYMPTOMATIC: {CaseState.CONFIRMED, CaseState.RECOVERED},
    CaseState.CONFIRMED: {CaseState.RECOVERED, CaseState.DIED},
    CaseState.RECOVERED: set(),
    CaseState.EXCLUDED: set(),
    CaseState.DIED: set(),
}


class VisitOutcome(models.TextChoices):
    SENT_HOME = "home", _("Sent home with advice")
    OBSERVATION = "observation", _("Kept under observation")
    ADMITTED = "admitted", _("Admitted to isolation ward")
    REFERRED = "referred", _("Referred to a designated hospital")
