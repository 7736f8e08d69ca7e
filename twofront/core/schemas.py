import datetime

from ninja import Field, FilterSchema, Schema


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    otp: str | None = Field(None, max_length=10)
    name: str = Field("api", max_length=64)


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class RoleOut(Schema):
    role: str
    region_code: str | None = Field(None, alias="region.code")
    organisation_id: int | None


class MeOut(Schema):
    username: str
    display_name: str
    is_superuser: bool
    roles: list[RoleOut]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent.code")
    depth: int


class RegionFilter(FilterSchema):
    parent: str | None = Field(None, max_length=20, description="children of this division code")
    level: str | None = Field(None, max_length=16)
    q: str | None = Field(None, max_length=64, description="name contains")


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    birth_date: datetime.date
    sex: str
    native_region_code: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    address: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PersonCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field(..., min_length=1, max_length=32, description="national ID (GB 11643), stored encrypted")
    phone: str = Field("", max_length=20, description="mainland mobile, stored encrypted")
    region_code: str = Field(..., min_length=1, max_length=20)
    address: str = Field("", max_length=255)


class PersonUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=64)
    id_number: str | None = Field(None, min_length=1, max_length=32)
    phone: str | None = Field(None, max_length=20)
    region_code: str | None = Field(None, min_length=1, max_length=20)
    address: str | None = Field(None, max_length=255)


class PersonFilter(Schema):
    region: str | None = Field(None, max_length=20, description="division code; includes its subtree")
    name: str | None = Field(None, max_length=64, description="name contains")
    id_number: str | None = Field(None, max_length=32, description="exact national ID (blind-index lookup)")


class RevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
    fields: list[str] = Field(default_factory=lambda: ["id_number", "phone"], max_length=2)


class RevealOut(Schema):
    id_number: str | None = None
    phone: str | None = None


class AuditEventOut(Schema):
    id: int
    at: datetime.datetime
    actor_username: str
    actor_roles: list[str]
    region_code: str | None = Field(None, alias="region.code")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    reason: str
    request_id: str
    source: str
    ip: str | None


class AuditFilter(Schema):
    action: str | None = Field(None, max_length=100)
    actor: str | None = Field(None, max_length=150)
    object_type: str | None = Field(None, max_length=100)
    object_id: str | None = Field(None, max_length=64)
    region: str | None = Field(None, max_length=20)
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


class RiskReasonOut(Schema):
    rule: str
    level: str
    text: str
    since: datetime.date
    until: datetime.date | None


class RiskOut(Schema):
    level: str
    reasons: list[RiskReasonOut]
    changes_on: datetime.date | None
    rule_version: int
    overridden: bool
    override_reason: str


class RiskOverrideIn(Schema):
    level: str = Field(..., pattern="^(green|yellow|red)$")
    reason: str = Field(..., min_length=1, max_length=500)
    until: datetime.date


class RiskOverrideOut(Schema):
    id: int
    level: str
    reason: str
    until: datetime.date
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None


class RuleSetOut(Schema):
    version: int
    active: bool
    notes: str
    rules: list[dict]
    created_at: datetime.datetime


class RuleSetIn(Schema):
    rules: list[dict] = Field(..., max_length=200)
    notes: str = Field("", max_length=500)
    activate: bool = True
