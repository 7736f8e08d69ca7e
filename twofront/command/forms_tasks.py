"""Forms of the command centre's tasks area: work groups, consultations, supervision tasks, inspections."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from twofront.command.choices import MemberRole, Severity, TaskSource, TaskStatus
from twofront.command.services import supervision
from twofront.command.services.groups import staff_in
from twofront.core import scope
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.get_username()})" if obj.display_name else obj.get_username()


class AccountsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.get_username()})" if obj.display_name else obj.get_username()


def _rows(n: int, placeholder=None) -> forms.Textarea:
    attrs = {"rows": n}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


# Work groups -------------------------------------------------------------------------------------------

class WorkGroupForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Command post (region)"))
    name = forms.CharField(label=pgettext_lazy("work group", "Name"), max_length=64)
    leading = forms.BooleanField(label=_("This is the leading group"), required=False)
    remit = forms.CharField(label=_("Remit"), required=False, max_length=4000, widget=_rows(4))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "command.add_workgroup").filter(depth__lte=2)


class WorkGroupEditForm(WorkGroupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["region"]


class MemberForm(forms.Form):
    user = AccountChoiceField(label=_("Account"), queryset=User.objects.none(), required=False,
                              help_text=_("Optional: link the member's account."))
    name = forms.CharField(label=_("Name"), max_length=64, required=False,
                           help_text=_("Leave empty to use the account's name."))
    position = forms.CharField(label=_("Position"), max_length=64, required=False)
    department = forms.CharField(label=_("Seconded from (department)"), max_length=128, required=False)
    role = forms.ChoiceField(label=_("Role in group"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, user=None, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_in(group.region) if group is not None else User.objects.none()


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "command.view_workgroup").filter(depth__lte=2)


# Consultations -----------------------------------------------------------------------------------------

class ConsultationForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Command post (region)"))
    title = forms.CharField(label=_("Title"), max_length=200)
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME, initial=timezone.localtime)
    location = forms.CharField(label=pgettext_lazy("meeting", "Location"), max_length=128, required=False)
    attendees = AccountsField(label=_("Attendees (accounts)"), queryset=User.objects.none(), required=False,
                              widget=forms.SelectMultiple(attrs={"size": 6}))
    attendee_names = forms.CharField(label=_("Other attendees"), max_length=2000, required=False, widget=_rows(2),
                                     help_text=_("Names and units of attendees without an account."))
    summary = forms.CharField(label=_("Summary"), max_length=8000, required=False, widget=_rows(5))
    decisions = forms.CharField(label=pgettext_lazy("consultation", "Decisions"), max_length=20000, required=False, widget=_rows(5),
                                help_text=_("One decision per line; each can then be assigned as a task."))

    def __init__(self, *args, user, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope.regions_for(user, "command.add_consultation").filter(depth__lte=2)
        self.fields["region"].queryset = regions
        top = region or regions.order_by("depth", "path").first()
        self.fields["attendees"].queryset = staff_in(top) if top is not None else User.objects.none()
        if top is not None and not self.is_bound:
            self.fields["region"].initial = top.code

    def clean_decisions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()]


class ConsultationEditForm(ConsultationForm):
    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, region=consultation.region, **kwargs)
        del self.fields["region"], self.fields["decisions"]


class DecisionForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("consultation", "Decision"), max_length=2000, widget=_rows(2))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ConsultationFilterForm(GroupFilterForm):
    pass


# Supervision tasks -------------------------------------------------------------------------------------

class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("Requirements"), max_length=4000, required=False, widget=_rows(4))
    assignee_region = RegionChoiceField(queryset=Region.objects.none(), label=_("Assigned to (unit)"))
    assignee = AccountChoiceField(label=_("Responsible official (optional)"), queryset=User.objects.none(),
                                  required=False,
                                  help_text=_("Leave empty to assign the task to the unit's command post."))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, user, within: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope.regions_for(user, supervision.ISSUE).filter(depth__gte=1, depth__lte=3)
        if within is not None:
            regions = regions.filter(path__startswith=within.path)
        self.fields["assignee_region"].queryset = regions
        people = User.objects.filter(is_active=True, role_assignments__region__in=regions,
                                     role_assignments__region__depth__gte=1).distinct()
        self.fields["assignee"].queryset = people.order_by("display_name", "username")


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("Progress"), max_length=4000, widget=_rows(3))
    evidence = forms.FileField(label=_("Evidence (photo or document)"), required=False,
                               widget=forms.ClearableFileInput(attrs={
                                   "accept": "image/jpeg,image/png,image/webp,application/pdf,.docx,.xlsx"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class SubmitForm(ProgressForm):
    note = forms.CharField(label=_("What was done"), max_length=4000, widget=_rows(3))


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Comment (optional)"), max_length=4000, required=False, widget=_rows(2))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=4000, widget=_rows(2))


class ExtendForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=4000, widget=_rows(2))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=4000, widget=_rows(2))


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *TaskStatus.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All")), *TaskSource.choices])
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Assigned unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "command.view_supervisiontask").filter(depth__lte=2)


# Inspections -------------------------------------------------------------------------------------------

class InspectionForm(forms.Form):
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Inspected region"))
    title = forms.CharField(label=_("Title"), max_length=200)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE, initial=timezone.localdate)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=8000, required=False, widget=_rows(4))
    findings = forms.CharField(label=_("Findings"), max_length=20000, required=False, widget=_rows(4),
                               help_text=_("One finding per line; set severities and assign rectification "
                                           "tasks on the inspection's page."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, "command.add_inspection").filter(depth__gte=1,
                                                                                                  depth__lte=3)

    def clean_findings(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Finding"), max_length=2000, widget=_rows(2))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
