from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.choices import Symptom
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.choices import StayStatus
from twofront.prevention.forms_testing import DATE, DATETIME, id_number_field
from twofront.prevention.models import QuarantineSite
from twofront.prevention.services.quarantine import MAX_UNITS


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def sites_for(user, permission: str):
    """The sites where the user holds `permission` (e.g. may check guests in)."""
    condition = scope.scope_q(user, permission, QuarantineSite)
    sites = QuarantineSite.objects.all()
    return sites if condition is None else sites.none() if condition is False else sites.filter(condition)


class CheckInForm(forms.Form):
    site = SiteChoiceField(label=_("Site"), queryset=QuarantineSite.objects.none())
    id_number = id_number_field()
    room = forms.CharField(label=_("Room"), max_length=16)
    starts_on = forms.DateField(label=_("Start"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Planned end"), widget=DATE, required=False,
                              help_text=_("Leave empty for 14 days."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user, "prevention.add_quarantinestay").filter(active=True)
        if self.fields["site"].queryset.count() == 1:
            self.fields["site"].initial = self.fields["site"].queryset.get().pk


class HealthCheckForm(forms.Form):
    temperature = forms.DecimalField(label=_("Temperature (°C)"), max_digits=3, decimal_places=1, min_value=34,
                                     max_value=43, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal",
                                                                                    "placeholder": "36.5"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), choices=Symptom.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReleaseSampleForm(forms.Form):
    sample_id = forms.CharField(label=_("Sample number"), max_length=32)
    sampled_at = forms.DateTimeField(label=_("Sampled at"), widget=DATETIME, initial=timezone.localtime)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class TestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.sample_id} · {timezone.localtime(obj.sampled_at):%m-%d %H:%M} · {obj.get_result_display()}"


class StayReleaseForm(forms.Form):
    release_test = TestChoiceField(label=_("Release test"), queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, user=None, tests=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release_test"].queryset = tests
        first = tests.first() if tests is not None else None
        if first is not None:
            self.fields["release_test"].initial = first.pk


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=MAX_UNITS)
    capacity = forms.IntegerField(label=_("Capacity (persons)"), min_value=1, max_value=MAX_UNITS)
    for_hubei_travellers = forms.BooleanField(label=_("Designated for travellers from Hubei"), required=False)
    opened_on = forms.DateField(label=_("Designated on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "prevention.add_quarantinesite").filter(depth__gte=1)


class SiteEditForm(SiteForm):
    active = forms.BooleanField(label=_("Takes guests"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["region"]


class StayFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, initial=StayStatus.ACTIVE,
                               choices=[("", _("All")), *StayStatus.choices])
    due = forms.BooleanField(label=_("Release due"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = SiteChoiceField(label=_("Site"), required=False,
                                              queryset=QuarantineSite.objects.visible_to(user))
