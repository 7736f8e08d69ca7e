from django import forms
from django.utils.translation import gettext_lazy as _


class OverviewForm(forms.Form):
    region = forms.RegexField(regex=r"^[0-9A-Za-z]+$", max_length=20, required=False, widget=forms.HiddenInput)
    metric = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
