from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.choices import Symptom
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.medical.choices import CaseState, VisitOutcome
from twofront.medical.models import Hospital
from twofront.medical.services import INITIAL_STATES, MAX_UNITS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "max_value": MAX_UNITS}


class HospitalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def hospitals_for(user, permission: str):
    """The hospitals where the user holds `permission` (staff: their own)."""
    condition = scope.scope_q(user, permission, Hospital)
    hospitals = Hospital.objects.all()
    return hospitals if condition is None else hospitals.none() if condition is False else hospitals.filter(condition)


def hospital_field(user, permission: str, **kwargs) -> HospitalChoiceField:
    field = HospitalChoiceField(label=_("Hospital"), queryset=hospitals_for(user, permission), **kwargs)
    if field.queryset.count() == 1:
        field.initial = field.queryset.get().pk
    return field


def id_number_field() -> forms.CharField:
    return forms.CharField(label=_("National ID"), max_length=32, help_text=_("The number on the patient's ID card."),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class HospitalForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    designated = forms.BooleanField(label=_("Designated for treatment"), required=False)
    fever_clinic = forms.BooleanField(label=_("Has a fever clinic"), required=False)
    isolation_wards = forms.IntegerField(label=_("Isolation wards"), initial=0, **COUNT)
    beds = forms.IntegerField(label=_("Beds"), initial=0, **COUNT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "medical.add_hospital").filter(depth__gte=1)


class HospitalEditForm(HospitalForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["region"]


class VisitForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"hospital": hospital_field(user, "medical.add_feverclinicvisit"), **self.fields}

    id_number = id_number_field()
    temperature = forms.DecimalField(label=_("Temperature (°C)"), max_digits=3, decimal_places=1, min_value=34,
                                     max_value=43, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices)


class CaseForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Hospitals report their cases; the city's CDC may report one without a hospital.
        self.fields = {"hospital": hospital_field(user, "medical.add_case", required=False), **self.fields}

    id_number = id_number_field()
    state = forms.ChoiceField(label=_("State"), choices=[(s.value, s.label) for s in INITIAL_STATES])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        # No preselected state: "died" must never be one click away by default.
        self.fields["to_state"].choices = [("", "—"), *((s, CaseState(s).label) for s in states)]


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *CaseState.choices])
    open_only = forms.BooleanField(label=_("Open cases only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region = RegionChoiceField(queryset=Region.objects.none(), label=_("Residence"), required=False)
        region.queryset = scope.regions_for(user, "medical.view_case").filter(depth__lte=2)
        self.fields["region"] = region


class ReportForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"hospital": hospital_field(user, "medical.add_capacityreport"), **self.fields}

    day = forms.DateField(label=_("Day"), widget=DATE, initial=timezone.localdate)
    beds_total = forms.IntegerField(label=_("Beds"), **COUNT)
    beds_used = forms.IntegerField(label=_("Beds in use"), **COUNT)
    isolation_rooms_total = forms.IntegerField(label=_("Isolation rooms"), **COUNT)
    isolation_rooms_used = forms.IntegerField(label=_("Isolation rooms in use"), **COUNT)


class ReportEditForm(ReportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["hospital"], self.fields["day"]


class HospitalFilterForm(forms.Form):
    designated = forms.NullBooleanField(label=_("Designated"), required=False, widget=forms.Select(
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
