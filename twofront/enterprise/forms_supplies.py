from django import forms
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.forms import RegionChoiceField
from twofront.core.models import Region
from twofront.enterprise.choices import SupplyKind, SupplyStatus
from twofront.enterprise.models import Enterprise, Supplier, SupplierStock
from twofront.enterprise.selectors_commissioners import enterprises_for
from twofront.enterprise.services.supplies import MAX_QUANTITY, MAX_STOCK_DAYS

# Number inputs size themselves by their max; one width keeps the item rows aligned on a phone.
NUMBER = {"inputmode": "numeric", "style": "min-width: 7rem"}


class SupplyRequestForm(forms.Form):
    """One quantity and days-of-stock pair per item; items left empty are not asked for."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for(user, "enterprise.add_supplyrequest")
        if self.fields["enterprise"].queryset.count() == 1:
            self.fields["enterprise"].initial = self.fields["enterprise"].queryset.first()
        for kind, label in SupplyKind.choices:
            self.fields[f"quantity_{kind}"] = forms.IntegerField(
                label=label, required=False, min_value=1, max_value=MAX_QUANTITY, widget=forms.NumberInput(attrs=NUMBER))
            self.fields[f"stock_days_{kind}"] = forms.IntegerField(
                label=_("Days of stock left"), required=False, min_value=0, max_value=MAX_STOCK_DAYS,
                widget=forms.NumberInput(attrs=NUMBER))

    def item_rows(self):
        return [(label, self[f"quantity_{kind}"], self[f"stock_days_{kind}"]) for kind, label in SupplyKind.choices]

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": kind, "quantity": data[f"quantity_{kind}"], "stock_days": data[f"stock_days_{kind}"] or 0}
                for kind in SupplyKind.values if data.get(f"quantity_{kind}")]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Ask for at least one item."))
        return cleaned


OPEN = "open"


class SupplyRequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", "—"), (OPEN, _("Open (not yet received)")), *SupplyStatus.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AllocateForm(forms.Form):
    """A supplier and a quantity for each line still short; the supplier list shows what each has."""

    def __init__(self, *args, request, user, **kwargs):
        super().__init__(*args, **kwargs)
        suppliers = list(Supplier.objects.visible_to(user).order_by("name"))
        stock = {(s.supplier_id, s.kind): s.quantity
                 for s in SupplierStock.objects.filter(supplier__in=suppliers)}
        self.rows = []
        for line in request.lines.all():
            line.remaining = line.quantity - line.allocated
            if not line.remaining:
                continue
            choices = [("", "—")] + [(s.pk, f"{s.name} ({stock.get((s.pk, line.kind), 0)})") for s in suppliers]
            self.fields[f"supplier_{line.kind}"] = forms.TypedChoiceField(
                label=_("Supplier"), choices=choices, coerce=int, required=False, empty_value=None)
            self.fields[f"quantity_{line.kind}"] = forms.IntegerField(
                label=_("Quantity"), required=False, min_value=1, max_value=line.remaining,
                initial=line.remaining, widget=forms.NumberInput(attrs=NUMBER))
            self.rows.append((line, self[f"supplier_{line.kind}"], self[f"quantity_{line.kind}"]))
        self.suppliers = {s.pk: s for s in suppliers}

    def allocations(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": line.kind, "supplier": self.suppliers.get(data[f"supplier_{line.kind}"]),
                 "quantity": data[f"quantity_{line.kind}"]}
                for line, _s, _q in self.rows if data.get(f"supplier_{line.kind}") and data.get(f"quantity_{line.kind}")]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.allocations():
            raise forms.ValidationError(_("Choose a supplier and a quantity for at least one item."))
        return cleaned


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("Region"))

    def __init__(self, *args, user, permission="enterprise.add_supplier", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions_for(user, permission).filter(depth__lte=3)


class SupplierFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=128)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class StockAdjustForm(forms.Form):
    kind = forms.ChoiceField(label=_("Item"), choices=SupplyKind.choices)
    change = forms.IntegerField(label=_("Change (+ in, − out)"), min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
