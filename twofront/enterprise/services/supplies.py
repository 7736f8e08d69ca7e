"""Epidemic-supplies demand declarations (防疫物资需求申报) and supplier stock.

A request goes submitted -> approved | rejected; approved -> allocated (from supplier stock, possibly in
several rounds) -> delivered -> received (the enterprise confirms). Pages, API, imports and commands
call these functions; none of them repeats the rules.
"""

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, errors, scope
from twofront.core.errors import Conflict, field_error
from twofront.core.models import Region
from twofront.enterprise.choices import SupplyKind, SupplyStatus
from twofront.enterprise.models import (
    Allocation,
    Enterprise,
    Supplier,
    SupplierStock,
    SupplyRequest,
    SupplyRequestLine,
)
from twofront.metrics.dirty import touch_many

# Free text here may span lines; other control characters are refused.
clean_text = partial(errors.clean_text, multiline=True, max_length=2000)

OPEN_STATUSES = (SupplyStatus.SUBMITTED, SupplyStatus.APPROVED, SupplyStatus.ALLOCATED, SupplyStatus.DELIVERED)
MAX_QUANTITY = 10_000_000
MAX_STOCK_DAYS = 365


def _touch(request: SupplyRequest) -> None:
    # "open" is counted on the day submitted, "fulfilled" on the day received: mark both cells.
    touch_many(SupplyRequest, [(request.enterprise.region_id, day) for day in (request.submitted_at,
                                                                                request.received_at) if day])


def _locked(request: SupplyRequest) -> SupplyRequest:
    """The request re-read under a row lock, so two reviewers (or allocators) cannot both act on one state."""
    return SupplyRequest.objects.select_for_update().select_related("enterprise").get(pk=request.pk)


def _expect(request: SupplyRequest, *statuses: str) -> None:
    if request.status not in statuses:
        raise Conflict(_("The request is %(status)s; this step is not possible now.")
                       % {"status": request.get_status_display()})


def _clean_lines(lines: Iterable[dict]) -> list[dict]:
    cleaned, errors = [], {}
    for index, line in enumerate(lines):
        kind, quantity, days = line.get("kind"), line.get("quantity"), line.get("stock_days") or 0
        if kind not in SupplyKind.values:
            errors[f"lines.{index}.kind"] = [_("Choose a listed item.")]
        elif any(c["kind"] == kind for c in cleaned):
            errors[f"lines.{index}.kind"] = [_("Each item may appear once.")]
        if not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
            errors[f"lines.{index}.quantity"] = [_("Enter a quantity from 1 to %(n)s.") % {"n": MAX_QUANTITY}]
        if not isinstance(days, int) or not 0 <= days <= MAX_STOCK_DAYS:
            errors[f"lines.{index}.stock_days"] = [_("Enter 0 to %(n)s days.") % {"n": MAX_STOCK_DAYS}]
        cleaned.append({"kind": kind, "quantity": quantity, "stock_days": days})
    if not cleaned and not errors:
        errors["lines"] = [_("Ask for at least one item.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_supply_request(*, actor, enterprise: Enterprise, lines: Iterable[dict], note: str = "") -> SupplyRequest:
    """The enterprise declares what it needs: [{"kind", "quantity", "stock_days"}], one line per item."""
    scope.require(actor, "enterprise.add_supplyrequest", enterprise)
    cleaned = _clean_lines(lines)
    note = clean_text(note, "note")
    request = SupplyRequest.objects.create(enterprise=enterprise, note=note)
    SupplyRequestLine.objects.bulk_create([SupplyRequestLine(request=request, **line) for line in cleaned])
    audit.record(actor, "enterprise.supply_request.submitted", request, changes={"lines": cleaned, "note": note})
    _touch(request)
    return request


@transaction.atomic
def approve_supply_request(request: SupplyRequest, *, actor, note: str = "") -> SupplyRequest:
    return _review(request, actor=actor, status=SupplyStatus.APPROVED, note=clean_text(note, "note"))


@transaction.atomic
def reject_supply_request(request: SupplyRequest, *, actor, note: str) -> SupplyRequest:
    return _review(request, actor=actor, status=SupplyStatus.REJECTED, note=clean_text(note, "note", required=True))


def _review(request: SupplyRequest, *, actor, status: str, note: str) -> SupplyRequest:
    scope.require(actor, "enterprise.review_supplyrequest", request)
    request = _locked(request)
    _expect(request, SupplyStatus.SUBMITTED)
    request.status, request.review_note = status, note
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    audit.record(actor, f"enterprise.supply_request.{status}", request,
                 changes={"status": [SupplyStatus.SUBMITTED, status]}, reason=note)
    _touch(request)
    return request


@transaction.atomic
def allocate_supplies(request: SupplyRequest, *, actor, allocations: Iterable[dict]) -> SupplyRequest:
    """Allocates [{"kind", "supplier", "quantity"}] from suppliers' stock to an approved request.

    Stock rows are locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already
    serialise writers) in a fixed order and decremented only while enough is left, so concurrent
    allocations never oversell and never deadlock. A line never gets more than it asked for."""
    scope.require(actor, "enterprise.allocate_supplyrequest", request)
    request = _locked(request)
    _expect(request, SupplyStatus.APPROVED, SupplyStatus.ALLOCATED)
    lines = {line.kind: line for line in request.lines.select_for_update().order_by("pk")}
    items, errors = [], {}
    for index, item in enumerate(allocations):
        line, supplier, quantity = lines.get(item.get("kind")), item.get("supplier"), item.get("quantity")
        if line is None:
            errors[f"allocations.{index}.kind"] = [_("The request does not ask for this item.")]
        if supplier is None or not scope.covers(actor, "enterprise.view_supplier", supplier):
            errors[f"allocations.{index}.supplier"] = [_("Choose a supplier of your jurisdiction.")]
        if not isinstance(quantity, int) or quantity <= 0:
            errors[f"allocations.{index}.quantity"] = [_("Enter a positive quantity.")]
        items.append((line, supplier, quantity))
    if not items and not errors:
        errors["allocations"] = [_("Allocate at least one item.")]
    if errors:
        raise ValidationError(errors)
    for line in lines.values():
        wanted = sum(q for item_line, _s, q in items if item_line is line)
        if line.allocated + wanted > line.quantity:
            raise field_error("allocations", _("%(item)s: only %(n)s still needed.")
                              % {"item": line.get_kind_display(), "n": line.quantity - line.allocated})
    changes = []
    for line, supplier, quantity in sorted(items, key=lambda i: (i[1].pk, i[0].kind)):
        stock = (SupplierStock.objects.select_for_update().filter(supplier=supplier, kind=line.kind).first())
        # The conditional UPDATE is the last word: it decrements only while enough is left.
        taken = stock is not None and SupplierStock.objects.filter(pk=stock.pk, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity)
        if not taken:
            raise Conflict(_("%(supplier)s has only %(n)s %(item)s in stock.")
                           % {"supplier": supplier, "n": stock.quantity if stock else 0, "item": line.get_kind_display()})
        Allocation.objects.create(line=line, supplier=supplier, quantity=quantity, allocated_by=actor)
        line.allocated += quantity
        changes.append({"kind": line.kind, "supplier_id": supplier.pk, "quantity": quantity})
    SupplyRequestLine.objects.bulk_update(lines.values(), ["allocated"])
    before = request.status
    request.status = SupplyStatus.ALLOCATED
    request.save(update_fields=["status"])
    audit.record(actor, "enterprise.supply_request.allocated", request,
                 changes={"status": [before, request.status], "allocations": changes})
    _touch(request)
    return request


@transaction.atomic
def deliver_supplies(request: SupplyRequest, *, actor) -> SupplyRequest:
    scope.require(actor, "enterprise.allocate_supplyrequest", request)
    request = _locked(request)
    _expect(request, SupplyStatus.ALLOCATED)
    request.status, request.delivered_at = SupplyStatus.DELIVERED, timezone.now()
    request.save(update_fields=["status", "delivered_at"])
    audit.record(actor, "enterprise.supply_request.delivered", request,
                 changes={"status": [SupplyStatus.ALLOCATED, SupplyStatus.DELIVERED]})
    _touch(request)
    return request


@transaction.atomic
def receive_supplies(request: SupplyRequest, *, actor) -> SupplyRequest:
    """The enterprise confirms receipt: the request is fulfilled."""
    scope.require(actor, "enterprise.receive_supplyrequest", request)
    request = _locked(request)
    _expect(request, SupplyStatus.DELIVERED)
    request.status, request.received_at = SupplyStatus.RECEIVED, timezone.now()
    request.save(update_fields=["status", "received_at"])
    audit.record(actor, "enterprise.supply_request.received", request,
                 changes={"status": [SupplyStatus.DELIVERED, SupplyStatus.RECEIVED]})
    _touch(request)
    return request


@transaction.atomic
def create_supplier(*, actor, name: str, region: Region) -> Supplier:
    scope.require(actor, "enterprise.add_supplier", region=region)
    supplier = Supplier.objects.create(name=clean_text(name, "name", required=True, max_length=128), region=region)
    audit.record(actor, "enterprise.supplier.created", supplier, changes={"name": supplier.name,
                                                                          "region": region.code})
    return supplier


@transaction.atomic
def update_supplier(supplier: Supplier, *, actor, name: str | None = None, region: Region | None = None) -> Supplier:
    scope.require(actor, "enterprise.change_supplier", supplier)
    if region is not None and region != supplier.region:
        scope.require(actor, "enterprise.change_supplier", region=region)
    before = audit.snapshot(supplier, ["name", "region_id"])
    if name is not None:
        supplier.name = clean_text(name, "name", required=True, max_length=128)
    if region is not None:
        supplier.region = region
    changes = audit.diff(before, audit.snapshot(supplier, ["name", "region_id"]))
    if changes:
        supplier.save(update_fields=["name", "region"])
        audit.record(actor, "enterprise.supplier.updated", supplier, changes=changes)
    return supplier


@transaction.atomic
def adjust_stock(supplier: Supplier, *, actor, kind: str, change: int, reason: str = "") -> SupplierStock:
    """Goods in (positive change) or written off / counted short (negative); stock never goes below zero."""
    scope.require(actor, "enterprise.change_supplier", supplier)
    if kind not in SupplyKind.values:
        raise field_error("kind", _("Choose a listed item."))
    if not isinstance(change, int) or change == 0 or abs(change) > MAX_QUANTITY:
        raise field_error("change", _("Enter a non-zero change of at most %(n)s.") % {"n": MAX_QUANTITY})
    reason = clean_text(reason, "reason", max_length=500)
    SupplierStock.objects.get_or_create(supplier=supplier, kind=kind)
    stock = SupplierStock.objects.select_for_update().get(supplier=supplier, kind=kind)
    if stock.quantity + change < 0:
        raise Conflict(_("Only %(n)s in stock.") % {"n": stock.quantity})
    before = stock.quantity
    stock.quantity += change
    stock.save(update_fields=["quantity"])
    audit.record(actor, "enterprise.supplier.stock_adjusted", supplier,
                 changes={kind: [before, stock.quantity]}, reason=reason)
    return stock
