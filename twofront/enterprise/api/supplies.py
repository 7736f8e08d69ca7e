"""Supply requests (防疫物资需求申报) and suppliers. State changes are POST verbs on the request."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Status

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.core.models import Region
from twofront.enterprise import selectors_supplies as selectors
from twofront.enterprise.models import Enterprise, Supplier, SupplyRequest
from twofront.enterprise.schemas_supplies import (
    AllocateIn,
    StockAdjustIn,
    SupplierCreateIn,
    SupplierFilter,
    SupplierOut,
    SupplierUpdateIn,
    SupplyRequestCreateIn,
    SupplyRequestFilter,
    SupplyRequestOut,
    SupplyReviewIn,
)
from twofront.enterprise.services import supplies as services

router = Router(tags=["enterprise"])


def _require_view(user, model) -> None:
    if not scope.has_permission_anywhere(user, scope.permission_name(model, "view")):
        raise PermissionDenied


def _supply_request(request, request_id: int) -> SupplyRequest:
    return scope.get_visible_or_404(SupplyRequest.objects.select_related("enterprise__region"), request.user,
                                    pk=request_id)


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise field_error("region_code", "区划代码不存在 / unknown division code")
    return region


@router.get("/supply-requests", response={200: list[SupplyRequestOut], **ERRORS},
            operation_id="enterprise_supply_requests_list", summary="Supply requests I can see")
@paginate(LimitOffsetPagination)
def list_supply_requests(request, filters: Query[SupplyRequestFilter]):
    _require_view(request.user, SupplyRequest)
    return selectors.supply_requests(request.user, status=filters.status, enterprise_id=filters.enterprise_id,
                                     open_only=filters.open)


@router.post("/enterprises/{enterprise_id}/supply-requests", response={201: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_create",
             summary="Declare an enterprise's supply needs (send an Idempotency-Key to retry safely)")
def create_supply_request(request, enterprise_id: int, data: SupplyRequestCreateIn):
    enterprise = scope.get_visible_or_404(Enterprise, request.user, pk=enterprise_id)

    def run():
        return services.submit_supply_request(actor=request.user, enterprise=enterprise, note=data.note,
                                              lines=[line.dict() for line in data.lines])

    return idempotent(request, scope="enterprise.supply_requests.create", out=SupplyRequestOut, status=201,
                      payload={"enterprise_id": enterprise_id, **data.dict()}, run=run)


@router.get("/supply-requests/{request_id}", response={200: SupplyRequestOut, **ERRORS},
            operation_id="enterprise_supply_requests_get", summary="One supply request with lines and allocations")
def get_supply_request(request, request_id: int):
    return scope.get_visible_or_404(selectors.supply_requests(request.user), request.user, pk=request_id)


@router.post("/supply-requests/{request_id}/approve", response={200: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_approve", summary="Approve a submitted request")
def approve(request, request_id: int, data: SupplyReviewIn):
    return services.approve_supply_request(_supply_request(request, request_id), actor=request.user, note=data.note)


@router.post("/supply-requests/{request_id}/reject", response={200: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_reject", summary="Reject a submitted request, with a note")
def reject(request, request_id: int, data: SupplyReviewIn):
    return services.reject_supply_request(_supply_request(request, request_id), actor=request.user, note=data.note)


@router.post("/supply-requests/{request_id}/allocate", response={200: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_allocate",
             summary="Allocate items from suppliers' stock (409 when a supplier has too little)")
def allocate(request, request_id: int, data: AllocateIn):
    supply_request = _supply_request(request, request_id)
    found = Supplier.objects.in_bulk([a.supplier_id for a in data.allocations])
    items = [{"kind": a.kind, "supplier": found.get(a.supplier_id), "quantity": a.quantity} for a in data.allocations]
    return services.allocate_supplies(supply_request, actor=request.user, allocations=items)


@router.post("/supply-requests/{request_id}/deliver", response={200: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_deliver", summary="Mark the allocated supplies delivered")
def deliver(request, request_id: int):
    return services.deliver_supplies(_supply_request(request, request_id), actor=request.user)


@router.post("/supply-requests/{request_id}/receive", response={200: SupplyRequestOut, **WRITE_ERRORS},
             operation_id="enterprise_supply_requests_receive", summary="The enterprise confirms receipt")
def receive(request, request_id: int):
    return services.receive_supplies(_supply_request(request, request_id), actor=request.user)


@router.get("/suppliers", response={200: list[SupplierOut], **ERRORS}, operation_id="enterprise_suppliers_list",
            summary="Suppliers of prevention materials in my jurisdiction, with stock")
@paginate(LimitOffsetPagination)
def list_suppliers(request, filters: Query[SupplierFilter]):
    _require_view(request.user, Supplier)
    return selectors.suppliers(request.user, region=filters.region, name=filters.name)


@router.post("/suppliers", response={201: SupplierOut, **WRITE_ERRORS}, operation_id="enterprise_suppliers_create",
             summary="Register a supplier")
def create_supplier(request, data: SupplierCreateIn):
    return Status(201, services.create_supplier(actor=request.user, name=data.name, region=_region(data.region_code)))


@router.get("/suppliers/{supplier_id}", response={200: SupplierOut, **ERRORS}, operation_id="enterprise_suppliers_get",
            summary="One supplier with stock")
def get_supplier(request, supplier_id: int):
    return scope.get_visible_or_404(selectors.suppliers(request.user), request.user, pk=supplier_id)


@router.patch("/suppliers/{supplier_id}", response={200: SupplierOut, **WRITE_ERRORS},
              operation_id="enterprise_suppliers_update", summary="Rename or move a supplier")
def update_supplier(request, supplier_id: int, data: SupplierUpdateIn):
    supplier = scope.get_visible_or_404(Supplier, request.user, pk=supplier_id)
    region = _region(data.region_code) if data.region_code else None
    return services.update_supplier(supplier, actor=request.user, name=data.name, region=region)


@router.post("/suppliers/{supplier_id}/stock", response={200: SupplierOut, **WRITE_ERRORS},
             operation_id="enterprise_suppliers_adjust_stock",
             summary="Goods in (+) or out (-); stock never goes below zero (409)")
def adjust_stock(request, supplier_id: int, data: StockAdjustIn):
    supplier = scope.get_visible_or_404(Supplier, request.user, pk=supplier_id)
    services.adjust_stock(supplier, actor=request.user, kind=data.kind, change=data.change, reason=data.reason)
    return selectors.suppliers(request.user).get(pk=supplier.pk)
