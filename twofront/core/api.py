"""Core endpoints: tokens, who am I, regions, the person registry, the audit trail."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Status

from twofront.core import risk, scope, selectors
from twofront.core.apikit import (
    ERRORS,
    WRITE_ERRORS,
    LimitOffsetPagination,
    ProblemOut,
    idempotent,
    paginate,
    problem,
)
from twofront.core.middleware import client_ip
from twofront.core.models import ApiToken, Person, Region, RiskRuleSet
from twofront.core.schemas import (
    ApiTokenOut,
    AuditEventOut,
    AuditFilter,
    MeOut,
    PersonCreateIn,
    PersonFilter,
    PersonOut,
    PersonUpdateIn,
    RegionFilter,
    RegionOut,
    RevealIn,
    RevealOut,
    RiskOut,
    RiskOverrideIn,
    RiskOverrideOut,
    RuleSetIn,
    RuleSetOut,
    TokenIn,
    TokenOut,
)
from twofront.core.services import accounts, people
from twofront.core.services import risk as risk_services

router = Router(tags=["core"])


def region_or_422(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        from twofront.core.errors import field_error

        raise field_error(field, "区划代码不存在 / unknown division code")
    return region


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ProblemOut, 422: ProblemOut, 429: ProblemOut},
             operation_id="core_auth_token", summary="Exchange username, password (and TOTP code) for a bearer token")
def create_token(request, data: TokenIn):
    try:
        user = accounts.sign_in(request, username=data.username, password=data.password, otp=data.otp,
                                ip=client_ip(request))
    except accounts.LoginError as exc:
        status = 429 if exc.code == "locked" else 401
        return problem(status, str(exc.message), type_=f"login_{exc.code}")
    raw, token = accounts.issue_token(actor=user, name=data.name)
    return {"token": raw, "expires_at": token.expires_at}


@router.get("/auth/tokens", response={200: list[ApiTokenOut], **ERRORS}, operation_id="core_tokens_list",
            summary="My API tokens")
@paginate(LimitOffsetPagination)
def list_tokens(request):
    return ApiToken.objects.filter(user=request.user)


@router.post("/auth/tokens/{token_id}/revoke", response={200: ApiTokenOut, **ERRORS},
             operation_id="core_tokens_revoke", summary="Revoke one of my API tokens")
def revoke_token(request, token_id: int):
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    return accounts.revoke_token(token, actor=request.user)


@router.get("/me", response={200: MeOut, **ERRORS}, operation_id="core_me", summary="The signed-in user and roles")
def me(request):
    user = request.user
    return {"username": user.get_username(), "display_name": user.display_name, "is_superuser": user.is_superuser,
            "roles": scope.assignments(user)}


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, operation_id="core_regions_list",
            summary="Regions in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_regions(request, filters: Query[RegionFilter]):
    return selectors.regions(request.user, parent=filters.parent, level=filters.level, q=filters.q)


@router.get("/persons", response={200: list[PersonOut], **ERRORS}, operation_id="core_persons_list",
            summary="Persons in my jurisdiction (ID and phone masked)")
@paginate(LimitOffsetPagination)
def list_persons(request, filters: Query[PersonFilter]):
    return selectors.persons(request.user, region=filters.region, name=filters.name, id_number=filters.id_number)


@router.post("/persons", response={201: PersonOut, **WRITE_ERRORS}, operation_id="core_persons_create",
             summary="Register a person (send an Idempotency-Key to retry safely)")
def create_person(request, data: PersonCreateIn):
    def run():
        return people.create_person(actor=request.user, name=data.name, id_number=data.id_number, phone=data.phone,
                                    region=region_or_422(data.region_code), address=data.address)

    return idempotent(request, scope="core.persons.create", payload=data.dict(), run=run, out=PersonOut, status=201)


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS}, operation_id="core_persons_get",
            summary="One person (masked)")
def get_person(request, person_id: int):
    return scope.get_visible_or_404(Person.objects.select_related("region"), request.user, pk=person_id)


@router.patch("/persons/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, operation_id="core_persons_update",
              summary="Change a person's details")
def update_person(request, person_id: int, data: PersonUpdateIn):
    person = scope.get_visible_or_404(Person.objects.select_related("region"), request.user, pk=person_id)
    changes = data.dict(exclude_unset=True)
    if "region_code" in changes:
        changes["region"] = region_or_422(changes.pop("region_code"))
    return people.update_person(person, actor=request.user, **{k: v for k, v in changes.items() if v is not None})


@router.delete("/persons/{person_id}", response={204: None, **WRITE_ERRORS}, operation_id="core_persons_delete",
               summary="Delete a person")
def delete_person(request, person_id: int):
    person = scope.get_visible_or_404(Person, request.user, pk=person_id)
    people.delete_person(person, actor=request.user)
    return Status(204, None)


@router.post("/persons/{person_id}/reveal", response={200: RevealOut, **ERRORS}, operation_id="core_persons_reveal",
             summary="Show the full ID / phone number, with a reason (audited)")
def reveal_person(request, person_id: int, data: RevealIn):
    person = scope.get_visible_or_404(Person, request.user, pk=person_id)
    return people.reveal_person(person, actor=request.user, reason=data.reason, fields=tuple(data.fields))


@router.get("/audit", response={200: list[AuditEventOut], **ERRORS}, operation_id="core_audit_list",
            summary="The audit trail (auditors)")
@paginate(LimitOffsetPagination)
def list_audit(request, filters: Query[AuditFilter]):
    if not scope.has_permission_anywhere(request.user, "core.view_auditevent"):
        raise PermissionDenied
    return selectors.audit_events(request.user, **filters.dict())


@router.get("/persons/{person_id}/risk", response={200: RiskOut, **ERRORS}, operation_id="core_persons_risk",
            summary="A person's risk status with reasons and when it changes")
def person_risk(request, person_id: int):
    person = scope.get_visible_or_404(Person, request.user, pk=person_id)
    return risk.status_for(person)


@router.post("/persons/{person_id}/risk/override", response={201: RiskOverrideOut, **ERRORS},
             operation_id="core_persons_risk_override", summary="Override a person's risk status until a date")
def override_person_risk(request, person_id: int, data: RiskOverrideIn):
    person = scope.get_visible_or_404(Person, request.user, pk=person_id)
    return Status(201, risk_services.override_risk(person, actor=request.user, level=data.level, reason=data.reason,
                                                   until=data.until))


@router.get("/risk/rulesets", response={200: list[RuleSetOut], **ERRORS}, operation_id="core_risk_rulesets",
            summary="Risk rule-set versions")
@paginate(LimitOffsetPagination)
def list_rule_sets(request):
    if not scope.has_permission_anywhere(request.user, "core.view_person"):
        raise PermissionDenied
    return RiskRuleSet.objects.all()


@router.post("/risk/rulesets", response={201: RuleSetOut, **ERRORS}, operation_id="core_risk_rulesets_publish",
             summary="Publish a new rule-set version (city command centre)")
def publish_rule_set(request, data: RuleSetIn):
    return Status(201, risk_services.publish_rule_set(actor=request.user, rules=data.rules, notes=data.notes,
                                                      activate=data.activate))
