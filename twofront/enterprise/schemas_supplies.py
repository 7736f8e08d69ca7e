import datetime

from ninja import Field, Schema

from twofront.enterprise.choices import SupplyKind, SupplyStatus
from twofront.enterprise.services.supplies import MAX_QUANTITY, MAX_STOCK_DAYS

Id = Field(..., ge=1, le=2**63 - 1)
# Strings that reach a query unchanged: PostgreSQL refuses NUL characters (a 500), so refuse them with a 422.
CODE = r"^[0-9A-Za-z]+$"
NO_NUL = r"^[^\x00]*$"


class AllocationOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str = Field(..., alias="supplier.name")
    quantity: int
    allocated_at: datetime.datetime


class SupplyLineOut(Schema):
    kind: SupplyKind
    quantity: int
    stock_days: int
    allocated: int
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(line) -> list:
        return list(line.allocations.all())


class SupplyRequestOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region_code: str = Field(..., alias="enterprise.region.code")
    status: SupplyStatus
    note: str
    review_note: str
    submitted_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    received_at: datetime.datetime | None
    lines: list[SupplyLineOut]

    @staticmethod
    def resolve_lines(request) -> list:
        return list(request.lines.all())


class SupplyLineIn(Schema):
    kind: SupplyKind
    quantity: int = Field(..., ge=1, le=MAX_QUANTITY)
    stock_days: int = Field(0, ge=0, le=MAX_STOCK_DAYS, description="days the current stock still lasts")


class SupplyRequestCreateIn(Schema):
    lines: list[SupplyLineIn] = Field(..., min_length=1, max_length=len(SupplyKind))
    note: str = Field("", max_length=2000)


class SupplyReviewIn(Schema):
    note: str = Field("", max_length=2000, description="required when rejecting")


class AllocationIn(Schema):
    kind: SupplyKind
    supplier_id: int = Id
    quantity: int = Field(..., ge=1, le=MAX_QUANTITY)


class AllocateIn(Schema):
    allocations: list[AllocationIn] = Field(..., min_length=1, max_length=50)


class SupplyRequestFilter(Schema):
    status: SupplyStatus | None = None
    enterprise_id: int | None = Field(None, ge=1, le=2**63 - 1)
    open: bool = Field(False, description="only requests not yet received or rejected")


class StockOut(Schema):
    kind: SupplyKind
    quantity: int


class SupplierOut(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    stock: list[StockOut]

    @staticmethod
    def resolve_stock(supplier) -> list:
        return sorted(supplier.stock.all(), key=lambda s: s.kind)


class SupplierCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=128)
    region_code: str = Field(..., min_length=1, max_length=20, pattern=CODE)


class SupplierUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=128)
    region_code: str | None = Field(None, min_length=1, max_length=20, pattern=CODE)


class SupplierFilter(Schema):
    region: str | None = Field(None, max_length=20, pattern=CODE, description="division code; includes its subtree")
    name: str | None = Field(None, max_length=128, pattern=NO_NUL, description="name contains")


class StockAdjustIn(Schema):
    kind: SupplyKind
    change: int = Field(..., ge=-MAX_QUANTITY, le=MAX_QUANTITY, description="goods in (+) or out (-); not 0")
    reason: str = Field("", max_length=500)
