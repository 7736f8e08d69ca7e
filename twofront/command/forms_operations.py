"""Page forms of the operations area: duty shifts, handovers, daily reports, incidents."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.command.choices import IncidentLevel, IncidentStatus
from twofront.command.services import duty as duty_services
from twofront.command.services import incidents as incident_services
from twofront.core import scope
from twofront.core.models import PostType, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = {"rows": 4}


def _regions(user, permission: str, *depths: int):
    return scope.regions_for(user, permission).filter(depth__in=depths).order_by("path")


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ShiftFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("View"), choices=[("week", _("Week")), ("month", _("Month"))], required=False)
    day = forms.DateField(label=_("From"), widget=DATE, required=False)
    post_type = forms.ChoiceField(label=_("Post type"), choices=[("", _("All posts"))] + list(PostType.choices),
                                  required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False, to_field_name="code",
                                    empty_label=_("My whole jurisdiction"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user, "core.view_dutyshift", 0, 1, 2)


class ShiftForm(forms.Form):
    post_type = forms.ChoiceField(label=_("Post"), choices=[(p.value, p.label) for p in duty_services.COMMAND_POSTS])
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    post_name = forms.CharField(label=_("Post name"), max_length=128, required=False,
                                help_text=_("Default: the region's command post."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    staff_name = forms.CharField(label=_("Name"), max_length=64, required=False,
                                 help_text=_("Default: the account's name."))
    username = forms.CharField(label=_("Account (user name)"), max_length=150, required=False)
    is_leader = forms.BooleanField(label=_("Shift leader (带班)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user, duty_services.PERMISSION, 0, 1, 2)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        account = User.objects.filter(username=name, is_active=True).first()
        if account is None:
            raise forms.ValidationError(_("No account with this user name."))
        return account


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Roster file (CSV or Excel)"))


class HandoverForm(forms.Form):
    note = forms.CharField(label=_("Handover note"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA),
                           help_text=_("What the next shift must know: open matters, instructions, incidents."))


class ReportForm(forms.Form):
    narrative = forms.CharField(label=_("Narrative"), max_length=5000, required=False,
                                widget=forms.Textarea(attrs={"rows": 8}),
                                help_text=_("The day's work, problems met and what the district needs from the city."))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What to correct"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class OverviewForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE, required=False)


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(IncidentStatus.choices),
                               required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All"))] + list(IncidentLevel.choices), required=False)
    q = forms.CharField(label=_("Title"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=IncidentLevel.choices, initial=IncidentLevel.IV)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, to_field_name="code")
    place = forms.CharField(label=_("Place"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=DATETIME, initial=_now)
    description = forms.CharField(label=_("What happened"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user, incident_services.ADD, 0, 1, 2, 3)


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Step taken"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    at = forms.DateTimeField(label=_("Time"), widget=DATETIME, required=False, help_text=_("Default: now."))


class AssignForm(forms.Form):
    users = forms.ModelMultipleChoiceField(label=_("People assigned"), queryset=User.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        # officials of the incident's region and of the regions above it (those whose jurisdiction covers it)
        candidates = User.objects.filter(is_active=True, role_assignments__region__code__in=incident.region
                                         .ancestor_codes).distinct().order_by("username")[:500]
        allowed = [u.pk for u in incident_services.assignable(incident, candidates)]
        self.fields["users"].queryset = User.objects.filter(pk__in=allowed).order_by("username")


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("New level"), choices=IncidentLevel.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("Closing summary"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))
