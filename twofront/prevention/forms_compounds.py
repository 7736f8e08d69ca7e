from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.choices import RegionLevel
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.choices import CompoundKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric", "min": 0, "pattern": "[0-9]*"}


def today() -> str:
    return timezone.localdate().isoformat()


class CompoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=CompoundKind.choices)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Community / village or grid"))
    households = forms.IntegerField(label=_("Households"), min_value=0, max_value=1_000_000, initial=0,
                                    widget=forms.NumberInput(attrs=NUMBER))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.add_compoundgroup").filter(
            level__in=[RegionLevel.COMMUNITY, RegionLevel.GRID])


class CompoundFilterForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *CompoundKind.choices], required=False)
    closed = forms.TypedChoiceField(label=_("Closed management"), required=False, empty_value=None,
                                    coerce=lambda v: v == "yes",
                                    choices=[("", "—"), ("yes", _("Closed")), ("no", _("Open"))])
    q = forms.CharField(label=_("Name"), required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.view_compoundgroup").filter(depth__lte=3)


class ClosureStartForm(forms.Form):
    starts_on = forms.DateField(label=_("Closed from"), widget=DATE, initial=today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ClosureEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Closed until"), widget=DATE, initial=today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PostForm(forms.Form):
    name = forms.CharField(label=_("Post name"), max_length=128, help_text=_("e.g. the east gate"))


class CountForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE, initial=today)
    entries = forms.IntegerField(label=_("People in"), min_value=0, max_value=1_000_000,
                                 widget=forms.NumberInput(attrs=NUMBER))
    exits = forms.IntegerField(label=_("People out"), min_value=0, max_value=1_000_000,
                               widget=forms.NumberInput(attrs=NUMBER))


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                     format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                 format="%Y-%m-%dT%H:%M"))
    staff_name = forms.CharField(label=_("Name"), max_length=64, required=False,
                                 help_text=_("Leave empty to use the account's name."))
    username = forms.CharField(label=_("Staff account (user name)"), max_length=150, required=False)
    is_leader = forms.BooleanField(label=_("Shift leader"), required=False)
    handover_note = forms.CharField(label=_("Handover note"), required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 2}))
