from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.choices import RegionLevel
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.choices import VenueKind, VenueState
from twofront.prevention.forms_compounds import DATE, today


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.add_venue").filter(
            level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID])


class VenueFilterForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *VenueKind.choices], required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", "—"), *VenueState.choices], required=False)
    q = forms.CharField(label=_("Name"), required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.view_venue").filter(depth__lte=3)


class VenueDateForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE, initial=today)
