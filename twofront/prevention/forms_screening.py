from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.choices import RegionLevel, Symptom
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.forms_compounds import DATE, today
from twofront.prevention.models import KeyCategory

PLACE_SEPARATORS = ",，、;；\n"


class HouseholdForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=255)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Grid"))

    def __init__(self, *args, user, permission: str = "prevention.add_household", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, permission).filter(level=RegionLevel.GRID)


class MoveForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Move to grid"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.change_household").filter(
            level=RegionLevel.GRID)


class HouseholdFilterForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)
    q = forms.CharField(label=_("Address"), required=False, max_length=64)
    pending = forms.TypedChoiceField(label=_("Leads to visit"), required=False, empty_value=None,
                                     coerce=lambda v: v == "yes",
                                     choices=[("", "—"), ("yes", _("Some")), ("no", _("None"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.view_household")


class MemberForm(forms.Form):
    id_number = forms.CharField(label=_("National ID of a registered person"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    relation = forms.CharField(label=_("Relation to the head"), max_length=16, required=False)


class VisitForm(forms.Form):
    campaign = forms.TypedChoiceField(label=_("Campaign"), coerce=int, required=False, empty_value=None)
    members_present = forms.TypedMultipleChoiceField(label=_("Members present"), coerce=int, required=False,
                                                     widget=forms.CheckboxSelectMultiple)
    travel_history = forms.CharField(label=_("Places in the last 14 days"), required=False, max_length=600,
                                     help_text=_("Separate places with commas."))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    key_category = forms.ModelChoiceField(label=_("Key-person category"), queryset=KeyCategory.objects.none(),
                                          required=False, empty_label=_("None"), to_field_name="code")
    follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, members=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].choices = [(m.person_id, f"{m.person.name} {m.person.id_number_masked}")
                                                  for m in members]
        self.fields["campaign"].choices = [(c.pk, c.name) for c in campaigns]
        if len(self.fields["campaign"].choices) < 2:  # nothing to choose: the first-due lead's campaign
            self.fields["campaign"].widget = forms.HiddenInput()
        self.fields["key_category"].queryset = KeyCategory.objects.filter(active=True)

    def clean_travel_history(self) -> list[str]:
        text = self.cleaned_data["travel_history"]
        for separator in PLACE_SEPARATORS:
            text = text.replace(separator, ",")
        return [place.strip() for place in text.split(",") if place.strip()]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128, help_text=_("e.g. arrivals from Hubei since 10 January"))
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, initial=today)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.add_screeningcampaign").filter(
            depth__lte=3)


class NotFoundForm(forms.Form):
    note = forms.CharField(label=_("Why nobody could be visited"), max_length=200)


class RatesForm(forms.Form):
    region = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    day = forms.DateField(label=_("As of"), widget=DATE, required=False)
