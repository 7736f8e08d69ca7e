"""The one way to write an audit event. Services call `record()` inside their transaction."""

import datetime
import decimal
import re
from contextvars import ContextVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from twofront.core import context, scope
from twofront.core.db import insert_instances
from twofront.core.models import AuditEvent, Region

# Never let a raw ID or mobile number into the audit trail, whatever a caller passes.
_PII_PATTERN = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")
_SECRET_SUFFIXES = ("_ct", "_index")


def scrub(value):
    if isinstance(value, str):
        return _PII_PATTERN.sub("[redacted]", value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not k.endswith(_SECRET_SUFFIXES)}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return value


def snapshot(obj: Model, fields: list[str] | None = None) -> dict:
    names = fields or getattr(obj, "audit_fields", None) or [f.attname for f in obj._meta.concrete_fields]
    return {name: scrub(getattr(obj, name)) for name in names}


def diff(before: dict, after: dict) -> dict:
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _region_of(obj, region):
    if region is not None:
        return region
    if obj is None:
        return None
    if isinstance(obj, Region):
        return obj
    fields = getattr(type(obj), "scope_region_field", None) or ()
    # A model scoped by several regions (issuer and assignee) is filed under the first one.
    for field in (fields,) if isinstance(fields, str) else fields:
        target = obj
        for name in field.split("__"):
            target = getattr(target, name, None)
        if isinstance(target, Region):
            return target
    return None


def values(actor, action: str, *, object_type: str = "", object_id: str = "", object_repr: str = "",
           changes: dict | None = None, reason: str = "", region_id: int | None = None) -> dict:
    """The column values of one event (actor, roles, request context, everything scrubbed)."""
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {"at": timezone.now(), "actor_id": user.pk if user else None,
            "actor_username": user.get_username() if user else "",
            "actor_roles": scope.roles_of(user) if user else [], "region_id": region_id, "action": action,
            "object_type": object_type, "object_id": object_id, "object_repr": scrub(object_repr)[:200],
            "changes": scrub(changes or {}), "reason": scrub(reason), "request_id": ctx.request_id,
            "source": ctx.source, "ip": ctx.ip}


def event(actor, action: str, obj: Model | None = None, *, changes: dict | None = None, reason: str = "",
          region: Region | None = None, object_repr: str | None = None) -> dict:
    """The column values of the event record() writes (for a service that writes it in its own statement)."""
    region = _region_of(obj, region)
    return values(actor, action, object_type=obj._meta.label_lower if obj is not None else "",
                  object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
                  object_repr=object_repr if object_repr is not None else str(obj) if obj is not None else "",
                  changes=changes, reason=reason, region_id=region.pk if region is not None else None)


def record(actor, action: str, obj: Model | None = None, *, changes: dict | None = None, reason: str = "",
           region: Region | None = None, object_repr: str | None = None) -> AuditEvent:
    return insert(event(actor, action, obj, changes=changes, reason=reason, region=region, object_repr=object_repr))


_deferred: ContextVar[list | None] = ContextVar("audit_deferred", default=None)


def deferred():
    """Events recorded in the block are written together, in one INSERT, when it ends without an error (for a
    service that records several). Use it inside the writing transaction; nested blocks join the outermost.
    The INSERT joins an open core.db.batched_writes() block; the events get no id."""
    return context.gathering(_deferred, list, lambda events: insert_instances(events, later=True))


def insert(event: dict) -> AuditEvent:
    """Writes an event made by values() (for a service that builds the event before its object has an id)."""
    pending = _deferred.get()
    if pending is not None:
        pending.append(AuditEvent(**event))
        return pending[-1]
    return AuditEvent.objects.create(**event)


def insert_sql(event: dict, *, object_id: str, source: str) -> tuple[str, list]:
    """One event as `INSERT ... SELECT` for a PostgreSQL statement whose earlier part (a data-modifying CTE
    named `source`) writes the object: `object_id` is the SQL of its id there (e.g. "checkin.id::text"),
    and the event is written only when that part returns a row. `event` comes from values()."""
    columns = list(event)
    select = ", ".join(object_id if c == "object_id" else "%s" for c in columns)
    params = [AuditEvent._meta.get_field(c).get_db_prep_save(event[c], connection)
              for c in columns if c != "object_id"]
    # Column names are the model's own, `object_id` and `source` are the caller's SQL, values are parameters.
    return f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(columns)}) SELECT {select} FROM {source}", params  # noqa: S608
