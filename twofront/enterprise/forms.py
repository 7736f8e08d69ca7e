"""Page forms of the enterprise platform. They only parse input: every rule lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.enterprise import selectors
from twofront.enterprise.choices import DeclarationStatus, Industry, Scale
from twofront.enterprise.services.checkins import SYMPTOMS

DATE = {"type": "date"}
YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


def yes_no(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=32,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    name = forms.CharField(label=_("Name"), max_length=128)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices)
    key_project = forms.BooleanField(label=_("Key project"), required=False)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=64, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))

    def __init__(self, *args, user, permission="enterprise.add_enterprise", editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope.regions_for(user, permission).filter(depth__gte=1, depth__lte=3)
        self.fields["region"].queryset = regions
        if editing:
            self.fields["contact_phone"].help_text = _("Leave empty to keep the current number.")
            if not regions.exists():  # enterprise accounts cannot move their enterprise
                del self.fields["region"]


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=128)
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[("", _("All")), *Industry.choices])
    scale = forms.ChoiceField(label=_("Scale"), required=False, choices=[("", _("All")), *Scale.choices])
    resumed = forms.ChoiceField(label=_("Resumed"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ResumeForm(forms.Form):
    resumed_on = forms.DateField(label=_("Resumed on"), widget=forms.DateInput(attrs=DATE))


class DeclarationForm(forms.Form):
    enterprise = EnterpriseChoiceField(queryset=None, label=_("Enterprise"))
    planned_date = forms.DateField(label=_("Planned resumption date"), widget=forms.DateInput(attrs=DATE))
    expected_headcount = forms.IntegerField(label=_("Expected headcount"), min_value=1, max_value=1_000_000)
    local_employees = forms.IntegerField(label=_("Local employees"), min_value=0, initial=0)
    out_of_town_employees = forms.IntegerField(label=_("Out-of-town employees"), min_value=0, initial=0)
    mask_stock_days = forms.IntegerField(label=_("Mask stock (days)"), min_value=0, max_value=365, initial=0)
    disinfection = forms.BooleanField(label=_("Regular disinfection"), required=False)
    temperature_checks = forms.BooleanField(label=_("Temperature checks at entry"), required=False)
    isolation_room = forms.BooleanField(label=_("Temporary isolation room"), required=False)
    canteen_arrangement = forms.CharField(label=_("Canteen arrangement"), max_length=200, required=False)
    responsible_person = forms.CharField(label=_("Person responsible for prevention"), max_length=64,
                                         required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = selectors.enterprises_for(user, "enterprise.add_resumptiondeclaration")


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment (PDF, JPEG, PNG, DOCX, XLSX)"))


class DeclarationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *DeclarationStatus.choices])
    overdue = forms.ChoiceField(label=_("Review overdue"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReviewFilterForm(forms.Form):
    overdue = forms.ChoiceField(label=_("Review overdue"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class _RosterFields(forms.Form):
    out_of_town = forms.BooleanField(label=_("Out-of-town"), required=False)
    origin_region_code = forms.CharField(label=_("Origin (division code)"), max_length=6, required=False,
                                         widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    planned_return_date = forms.DateField(label=_("Planned return date"), required=False,
                                          widget=forms.DateInput(attrs=DATE))
    actual_return_date = forms.DateField(label=_("Actual return date"), required=False,
                                         widget=forms.DateInput(attrs=DATE))
    quarantine_needed = forms.BooleanField(label=_("Quarantine needed"), required=False)


class EmployeeForm(_RosterFields):
    enterprise = EnterpriseChoiceField(queryset=None, label=_("Enterprise"))
    id_number = forms.CharField(label=_("National ID"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("Name"), max_length=64, required=False,
                           help_text=_("Needed when the person is not registered yet."))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            help_text=_("Its last four digits prove the employee's identity at check-in."),
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    residence_code = forms.CharField(label=_("Residence (division code)"), max_length=20, required=False,
                                     help_text=_("Leave empty if unknown: the enterprise's region is used."))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    field_order = ["enterprise", "id_number", "name", "phone", "residence_code", "address"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for(user, "enterprise.add_employee")


class RosterImportForm(forms.Form):
    enterprise = EnterpriseChoiceField(queryset=None, label=_("Enterprise"))
    file = forms.FileField(label=_("Roster file (CSV or Excel)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = selectors.enterprises_for(user, "enterprise.import_employee")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xls")):
            raise forms.ValidationError(_("Upload a CSV or Excel (.xlsx) file."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class EmployeeEditForm(_RosterFields):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            help_text=_("Leave empty to keep the current number."),
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    active = forms.BooleanField(label=_("On the roster"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class EmployeeFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=64)
    id_number = forms.CharField(label=_("National ID (exact)"), required=False, max_length=32)
    out_of_town = forms.ChoiceField(label=_("Out-of-town"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CheckinForm(forms.Form):
    """The phone form: big inputs, the numeric keyboard for the numbers."""

    id_number = forms.CharField(label=_("National ID number"), max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                              "spellcheck": "false"}))
    phone_last4 = forms.RegexField(label=_("Last 4 digits of your phone number"), regex=r"^\d{4}$", max_length=4,
                                   error_messages={"invalid": _("Enter 4 digits.")},
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*",
                                                                 "autocomplete": "off"}))
    temperature = forms.DecimalField(label=_("Body temperature (°C)"), min_value=34, max_value=43, decimal_places=1,
                                     max_digits=3, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                                 "placeholder": "36.5"}))
    symptoms = forms.MultipleChoiceField(label=_("Symptoms today"), required=False, choices=list(SYMPTOMS.items()),
                                         widget=forms.CheckboxSelectMultiple)
    location = forms.CharField(label=_("Where are you today?"), max_length=100, required=False)
    risk_contact = forms.BooleanField(label=_("Contact with a confirmed or suspected case"), required=False)


class AbnormalFilterForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class StatsForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), required=False,
                           choices=[("region", _("Region")), ("industry", _("Industry")), ("scale", _("Scale"))])
    parent = forms.CharField(label=_("Region (division code)"), required=False, max_length=20)
