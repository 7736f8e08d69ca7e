"""Jurisdiction: which records a user may see and act on. Not visible -> 404; visible, not allowed -> 403."""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from twofront.core.roles import PERSONAL_ROLES, role_grants

_CACHE_ATTR = "_twofront_assignments"


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def assignments(user) -> list:
    """The user's role assignments with their region and organisation, loaded once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from twofront.core.db import fetch
        from twofront.core.models import RoleAssignment

        # Every request of a signed-in user reads these: one prepared statement (the ORM's compiling cost more).
        cached = fetch(RoleAssignment, related=("region", "organisation"), user_id=user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> list[str]:
    return sorted({a.role for a in assignments(user)})


def has_role(user, *roles: str) -> bool:
    return any(a.role in roles for a in assignments(user))


def granting(user, permission: str) -> list:
    return [a for a in assignments(user) if role_grants(a.role, permission)]


def _region_fields(model) -> tuple[str, ...]:
    """A model may be reachable by several regions (e.g. a check-in: the enterprise's and the
    employee's residence); "" means the model is the Region itself."""
    field = getattr(model, "scope_region_field", None)
    if field is None:
        return ()
    return (field,) if isinstance(field, str) else tuple(field)


def _region_lookup(region_field: str) -> str:
    return f"{region_field}__path__startswith" if region_field else "path__startswith"


def scope_q(user, permission: str, model) -> Q | None | bool:
    """None: no restriction; False: nothing; otherwise a Q over `model` for the user's jurisdiction."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    region_fields = _region_fields(model)
    org_field = getattr(model, "scope_org_field", None)
    user_field = getattr(model, "scope_user_field", None)
    parts = []
    for a in granting(user, permission):
        if a.role in PERSONAL_ROLES and user_field:
            # e.g. a commissioner sees the enterprises assigned to them, not the whole district
            parts.append(Q(pk__in=model.objects.filter(**{user_field: user.pk}).values("pk")))
        elif a.region_id and region_fields:
            if a.region.depth == 0:
                return None  # the whole city
            parts.extend(Q(**{_region_lookup(f): a.region.path}) for f in region_fields)
        elif a.organisation_id and org_field:
            parts.append(Q(**{org_field: a.organisation_id}))
    if not parts:
        return False
    return reduce(or_, parts)


def _resolve(obj, dotted: str):
    for name in dotted.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def covers(user, permission: str, obj: Model | None = None, *, region=None, organisation=None) -> bool:
    """Does some assignment of the user grant `permission` over obj (or over a region / organisation)?"""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    regions = [region] if region is not None else []
    organisation_id = organisation.pk if organisation is not None else None
    user_field = None
    if obj is not None:
        model = type(obj)
        regions = [obj if not f else _resolve(obj, f) for f in _region_fields(model)]
        org_field = getattr(model, "scope_org_field", None)
        organisation_id = _resolve(obj, org_field) if org_field else None
        if isinstance(organisation_id, Model):
            organisation_id = organisation_id.pk
        user_field = getattr(model, "scope_user_field", None)
    for a in granting(user, permission):
        if a.role in PERSONAL_ROLES and user_field:
            if type(obj).objects.filter(pk=obj.pk, **{user_field: user.pk}).exists():
                return True
        elif a.region_id and any(r is not None and r.path.startswith(a.region.path) for r in regions) or a.organisation_id and organisation_id is not None and a.organisation_id == organisation_id:
            return True
    return False


def require(user, permission: str, obj: Model | None = None, *, region=None, organisation=None) -> None:
    if not covers(user, permission, obj, region=region, organisation=organisation):
        raise PermissionDenied(permission)


def has_permission_anywhere(user, permission: str) -> bool:
    return bool(getattr(user, "is_superuser", False) or granting(user, permission))


def require_view(user, model) -> None:
    """A list answers 403 to a user who may see no record of the kind anywhere (an empty list is for the others);
    its rows are then the visible ones."""
    if not has_permission_anywhere(user, permission_name(model, "view")):
        raise PermissionDenied


def in_region(qs: QuerySet, code: str | None, field: str = "region") -> QuerySet:
    """Narrows a list to a region's subtree by division code (an unknown code: nothing); no code: unchanged."""
    if not code:
        return qs
    from twofront.core.models import Region

    target = Region.objects.filter(code=code).only("path").first()
    return qs.filter(**{f"{field}__path__startswith": target.path}) if target else qs.none()


def get_visible_or_404(model_or_qs, user, action: str = "view", **lookup):
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs.objects.all()
    try:
        return qs.visible_to(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_visible_by_pk_or_404(model, user, pk, *, related: tuple[str, ...] = ()):
    """get_visible_or_404(model, user, pk=pk) for hot paths: one prepared statement (core.db.fetch, with the
    `related` foreign keys), then the same jurisdiction rule checked on the object (covers) instead of in SQL."""
    from twofront.core.db import fetch

    try:
        found = fetch(model, related=related, limit=1, pk=pk)
    except (ValueError, TypeError, OverflowError):  # not an id, or beyond SQLite's integers: no such record
        raise Http404 from None
    if not found or not covers(user, permission_name(model, "view"), found[0]):
        raise Http404
    return found[0]


def get_actionable_or_403(model_or_qs, user, action: str, **lookup):
    """Fetch a visible object (404 otherwise), then require the action on it (403 otherwise)."""
    obj = get_visible_or_404(model_or_qs, user, "view", **lookup)
    require(user, permission_name(type(obj), action), obj)
    return obj


def regions_for(user, permission: str) -> QuerySet:
    """The regions in which the user may do `permission` (e.g. the choices of a create form)."""
    from twofront.core.models import Region

    if getattr(user, "is_superuser", False) and user.is_active:
        return Region.objects.all()
    paths = [a.region.path for a in granting(user, permission) if a.region_id]
    if not paths:
        return Region.objects.none()
    return Region.objects.filter(reduce(or_, [Q(path__startswith=p) for p in paths]))
