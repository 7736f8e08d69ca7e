from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.prevention.choices import TestResult
from twofront.prevention.models import KeyCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LEVELS = [("yellow", _("Yellow")), ("red", _("Red"))]


def id_number_field(**kwargs) -> forms.CharField:
    return forms.CharField(label=_("National ID"), max_length=32, help_text=_("The number on the ID card."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}), **kwargs)


def region_filter(user, permission: str) -> RegionChoiceField:
    field = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)
    field.queryset = scope.regions_for(user, permission).filter(depth__lte=2)
    return field


class CategoryForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=_("Fixed once created: risk rules refer to it."))
    name = forms.CharField(label=_("Name"), max_length=64)
    name_en = forms.CharField(label=_("English name"), max_length=64, required=False)
    risk_level = forms.ChoiceField(label=_("Risk status it implies"), choices=LEVELS, initial="yellow",
                                   help_text=_("For reference; the published risk rules decide the status."))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CategoryEditForm(CategoryForm):
    active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class KeyPersonForm(forms.Form):
    id_number = id_number_field()
    category = forms.ModelChoiceField(label=_("Category"), queryset=KeyCategory.objects.filter(active=True),
                                      to_field_name="code")
    since = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)
    source = forms.CharField(label=_("Found by"), max_length=64, required=False,
                             help_text=_("e.g. community screening, contact tracing, checkpoint"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class KeyPersonFilterForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=KeyCategory.objects.all(), to_field_name="code",
                                      required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, initial="open",
                               choices=[("", _("All")), ("open", _("In the category")), ("released", _("Released"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_filter(user, "prevention.view_keypersonentry")


class ReleaseForm(forms.Form):
    until = forms.DateField(label=_("Last day in the category"), widget=DATE, initial=timezone.localdate)


class SampleForm(forms.Form):
    id_number = id_number_field()
    sample_id = forms.CharField(label=_("Sample number"), max_length=32)
    sampled_at = forms.DateTimeField(label=_("Sampled at"), widget=DATETIME, initial=timezone.localtime)
    sample_site = forms.CharField(label=_("Sampling site"), max_length=128, required=False)
    lab = forms.CharField(label=_("Laboratory"), max_length=128, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect,
                               choices=[(TestResult.NEGATIVE, TestResult.NEGATIVE.label),
                                        (TestResult.POSITIVE, TestResult.POSITIVE.label)])
    result_at = forms.DateTimeField(label=_("Result at"), widget=DATETIME, initial=timezone.localtime)


class TestFilterForm(forms.Form):
    sample_id = forms.CharField(label=_("Sample number"), max_length=32, required=False)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=[("", _("All")), *TestResult.choices])
    sampled_from = forms.DateField(label=_("Sampled from"), required=False, widget=DATE)
    sampled_to = forms.DateField(label=_("Sampled until"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_filter(user, "prevention.view_nucleictest")


class CoverageFilterForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_filter(user, "prevention.view_keypersonentry")
