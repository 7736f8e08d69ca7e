from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.transfer.choices import ImportPolicy


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_(
        "CSV (UTF-8 or GB18030) or Excel workbook, with the header row of the template (Chinese or English)."))
    policy = forms.ChoiceField(label=_("If some rows are invalid"), choices=ImportPolicy.choices,
                               initial=ImportPolicy.REJECT, widget=forms.RadioSelect)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
