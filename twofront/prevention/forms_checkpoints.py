"""Page forms for checkpoints and passages. They only shape the input: the services validate it, and
their field errors ("travellers.1.id_number") land back on these fields (views.checkpoints.apply_service_errors)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.choices import CheckpointKind, Decision, PassageStatus, VehicleType
from twofront.prevention.facts_checkpoints import PROVINCES
from twofront.prevention.models import Checkpoint

# Browsers' date and time inputs take ISO values only, whatever the language's display format.
_DAY = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
_NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


def destinations():
    """Districts and streets / towns of the city: where a traveller is going."""
    return Region.objects.filter(depth__in=[1, 2])


class CheckpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckpointKind.choices)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.add_checkpoint").filter(depth__in=[1, 2])


class CheckpointFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *CheckpointKind.choices])
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.view_checkpoint").filter(depth__lte=2)


class ShiftForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=_DAY)
    starts = forms.TimeField(label=_("Starts at"), widget=_TIME)
    ends = forms.TimeField(label=_("Ends at"), help_text=_("Earlier than the start: the next day."),
                           widget=_TIME)
    user = forms.ModelChoiceField(label=_("Staff account"), queryset=None, required=False)
    staff_name = forms.CharField(label=_("Name"), max_length=64, required=False,
                                 help_text=_("For staff without an account, or to override the account's name."))
    is_leader = forms.BooleanField(label=_("Shift leader (带班)"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class PassageForm(forms.Form):
    """The vehicle: plate first (autofocus), so staff start typing as the car stops."""

    plate = forms.CharField(label=_("Plate"), max_length=16, required=False,
                            widget=forms.TextInput(attrs={**_NO_AUTOFILL, "autofocus": True, "placeholder": "贵A12345",
                                                          "enterkeyhint": "next"}))
    vehicle_type = forms.ChoiceField(label=_("Vehicle type"), choices=VehicleType.choices, initial=VehicleType.CAR,
                                     required=False)  # the service says what is wrong, for every field at once
    origin_province = forms.CharField(label=_("From (province)"), max_length=32, required=False,
                                      widget=forms.TextInput(attrs={"list": "provinces", "autocomplete": "off",
                                                                    "placeholder": "湖北", "enterkeyhint": "next"}))
    origin_city = forms.CharField(label=_("From (city)"), max_length=32, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}))
    destination = RegionChoiceField(queryset=Region.objects.none(), label=_("Destination in the city"),
                                    required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=128)

    provinces = list(PROVINCES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = destinations()
        key = self.data.get("idempotency_key") if self.is_bound else ""
        # One key per form shown: a retried post (bad network) sends the same key and gets the first result.
        self.idempotency_key = key if key and len(key) <= 128 and key.isprintable() else uuid.uuid4().hex
        self.initial.setdefault("idempotency_key", self.idempotency_key)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"plate": data["plate"], "vehicle_type": data["vehicle_type"], "origin_province": data["origin_province"],
                "origin_city": data["origin_city"], "destination": data["destination"]}


class TravellerForm(forms.Form):
    id_number = forms.CharField(label=_("National ID"), max_length=32, required=False,
                                widget=forms.TextInput(attrs={**_NO_AUTOFILL, "inputmode": "text", "class": "id-number",
                                                              "enterkeyhint": "next"}))
    name = forms.CharField(label=_("Name"), max_length=64, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}))
    # Asked in this order at the window: where from, then the temperature gun, then the decision.
    travel_history = forms.CharField(label=_("Places in the last 14 days"), max_length=400, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "湖北武汉, 重庆",
                                                                   "enterkeyhint": "next"}))
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=8, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                                "placeholder": "36.5", "enterkeyhint": "next"}))
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, initial=Decision.PASS)
    is_driver = forms.BooleanField(label=_("Driver"), required=False)

    def __init__(self, *args, lookup_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if lookup_url:  # htmx: show the registry's name and risk badge as soon as the ID is typed
            self.fields["id_number"].widget.attrs.update({
                "hx-post": lookup_url, "hx-trigger": "input changed delay:300ms", "hx-target": "next .lookup",
                "hx-swap": "innerHTML", "hx-sync": "this:replace", "hx-params": self.add_prefix("id_number")})

    def service_row(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in self.fields}


class SelfTravellerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "enterkeyhint": "next"}))
    id_number = forms.CharField(label=_("National ID"), max_length=32, required=False,
                                widget=forms.TextInput(attrs={**_NO_AUTOFILL, "class": "id-number",
                                                              "enterkeyhint": "next"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                                          "enterkeyhint": "next"}))
    travel_history = forms.CharField(label=_("Places in the last 14 days"), max_length=400, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "湖北武汉, 重庆",
                                                                   "enterkeyhint": "next"}))
    is_driver = forms.BooleanField(label=_("Driver"), required=False)

    def service_row(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in self.fields}


TravellerFormSet = forms.formset_factory(TravellerForm, extra=0, min_num=1, max_num=60, absolute_max=60)
SelfTravellerFormSet = forms.formset_factory(SelfTravellerForm, extra=0, min_num=1, max_num=60, absolute_max=60)


class PassageFilterForm(forms.Form):
    plate = forms.CharField(label=_("Plate"), required=False, max_length=16)
    checkpoint = forms.ModelChoiceField(label=_("Checkpoint"), queryset=Checkpoint.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *PassageStatus.choices])
    decision = forms.ChoiceField(label=_("Decision"), required=False, choices=[("", "—"), *Decision.choices])
    since = forms.DateField(label=_("From"), required=False, widget=_DAY)
    until = forms.DateField(label=_("Until"), required=False, widget=_DAY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = Checkpoint.objects.visible_to(user)
