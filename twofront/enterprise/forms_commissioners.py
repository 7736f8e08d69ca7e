from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.models import Organisation, User
from twofront.enterprise.choices import AppealCategory, AppealStatus
from twofront.enterprise.selectors_commissioners import assignable_commissioners, departments, enterprises_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _enterprise_field(user, permission: str) -> forms.ModelChoiceField:
    queryset = enterprises_for(user, permission).order_by("name")
    field = forms.ModelChoiceField(queryset=queryset, label=_("Enterprise"))
    if queryset.count() == 1:
        field.initial = queryset.first().pk
    return field


class CommissionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name or obj.username} ({obj.username})"


class AssignForm(forms.Form):
    commissioner = CommissionerChoiceField(queryset=User.objects.none(), label=_("Commissioner"))
    since = forms.DateField(label=_("Since"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"enterprise": _enterprise_field(user, "enterprise.add_commissionerassignment"), **self.fields}
        self.fields["commissioner"].queryset = assignable_commissioners(user)
        self.fields["since"].initial = timezone.localdate()


class AssignmentFilterForm(forms.Form):
    commissioner = forms.CharField(label=_("Commissioner (username)"), required=False, max_length=150)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"enterprise": _enterprise_field(user, "enterprise.add_visit"), **self.fields}
        self.fields["visited_on"].initial = timezone.localdate()


class AppealForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=AppealCategory.choices)
    description = forms.CharField(label=_("What is the problem?"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(label=_("Answer needed by"), required=False, widget=DATE,
                               help_text=_("Leave empty for the standard deadline."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"enterprise": _enterprise_field(user, "enterprise.add_appeal"), **self.fields}


OVERDUE = "overdue"


class AppealFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", "—"), (OVERDUE, _("Overdue")), *AppealStatus.choices])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", "—"), *AppealCategory.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class EscalateForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Department"))
    note = forms.CharField(label=_("Note to the department"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()


class CloseForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(n, "★" * n) for n in range(5, 0, -1)])
