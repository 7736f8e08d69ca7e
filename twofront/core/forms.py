import json

from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.models import Region


class RegionChoiceField(forms.ModelChoiceField):
    """Regions labelled with their path below the city ("南明区 / 花果园街道 / ...")."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
        self._names = None

    def label_from_instance(self, obj: Region) -> str:
        if self._names is None:
            self._names = dict(Region.objects.values_list("code", "name"))
        return " / ".join(self._names.get(c, c) for c in obj.ancestor_codes[1:]) or obj.name


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp = forms.CharField(label=_("Authenticator code (if enabled)"), required=False, max_length=10,
                          widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("National ID"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def __init__(self, *args, user, permission="core.add_person", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, permission).filter(depth__gte=2)


class PersonEditForm(PersonForm):
    """Editing never shows the stored numbers: leave them empty to keep them."""

    id_number = forms.CharField(label=_("National ID"), max_length=32, required=False,
                                help_text=_("Leave empty to keep the current number."),
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            help_text=_("Leave empty to keep the current number."),
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))


class PersonFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=64)
    id_number = forms.CharField(label=_("National ID (exact)"), required=False, max_length=32)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "core.view_person").filter(depth__lte=2)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=4, max_length=500)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class OtpForm(forms.Form):
    code = forms.CharField(label=_("Authenticator code"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


class ConfirmForm(forms.Form):
    """An empty form: the POST itself is the confirmation."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class RuleSetForm(forms.Form):
    """A new risk rule-set version, edited as its JSON (core.risk's rule format, explained on the page)."""

    rules = forms.CharField(label=_("Rules (JSON)"), widget=forms.Textarea(attrs={
        "rows": 24, "spellcheck": "false", "class": "code", "autocomplete": "off"}))
    notes = forms.CharField(label=_("What changed and why"), max_length=500)
    activate = forms.BooleanField(label=_("Apply at once (the current version stops applying)"), required=False,
                                  initial=True)

    def clean_rules(self):
        try:
            return json.loads(self.cleaned_data["rules"])
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON (line %(line)s, column %(column)s): %(error)s") % {
                "line": getattr(exc, "lineno", "?"), "column": getattr(exc, "colno", "?"),
                "error": getattr(exc, "msg", str(exc))}) from exc
