"""Daily health check-ins (健康打卡): one per employee per day, a second submission updates it.

Two ways in: an employee on a phone, anonymous, proving identity with the national ID number and the last
four digits of the roster phone (`identify_employee`, rate-limited on failures per IP and per ID), or an
enterprise account / attendance system acting with its own permission (`record_checkin(actor=...)`,
`record_checkins_bulk`).
"""

import datetime
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twofront.core import audit
from twofront.core.db import Statement, hot_cursor
from twofront.core.errors import field_error
from twofront.core.idempotency import Claim
from twofront.core.models import Person
from twofront.core.scope import require
from twofront.core.services.people import id_number_index
from twofront.enterprise.models import CheckinFailure, Employee, Enterprise, HealthCheckin
from twofront.metrics.dirty import touch_many, touch_sql

SYMPTOMS = {
    "fever": gettext_lazy("Fever"),
    "cough": gettext_lazy("Cough"),
    "fatigue": gettext_lazy("Fatigue"),
    "sore_throat": gettext_lazy("Sore throat"),
    "short_breath": gettext_lazy("Shortness of breath"),
    "diarrhoea": gettext_lazy("Diarrhoea"),
    "taste_smell": gettext_lazy("Loss of taste or smell"),
}
FEVER_FROM = Decimal("37.3")
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
BULK_MAX_ROWS = 1000


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int):
        super().__init__("too many failed check-in attempts")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Proof:
    """Made only by identify_employee: this roster entry proved who they are. `today` is the snapshot
    (audit fields) of their check-in of the day as read with the proof, None when there is none yet."""

    employee: Employee
    today: dict | None = None


def _limits() -> tuple[int, int, int]:
    """(failures per IP, failures per ID, window in minutes), from settings."""
    return (int(getattr(settings, "TWOFRONT_CHECKIN_FAILURES_PER_IP", 20)),
            int(getattr(settings, "TWOFRONT_CHECKIN_FAILURES_PER_ID", 5)),
            int(getattr(settings, "TWOFRONT_CHECKIN_WINDOW_MINUTES", 15)))


def _mismatch() -> ValidationError:
    # The same answer whether the ID is unknown or the digits are wrong: nothing to learn by probing.
    return field_error("id_number", _("The ID number and the phone digits do not match this enterprise's roster."))


# The hot path's one read (SQLite and PostgreSQL alike): the roster entry through the enterprise's QR token and
# the ID's blind index, the recent failures per IP and per ID, and today's check-in (the "before" of its audit
# event). Every column is listed; the joins are all unique keys, so it returns at most one row.
_IDENTIFY = """
SELECT e.id, e.enterprise_id, e.person_id, e.phone_masked, n.region_id,
       p.name, p.id_number_masked, p.phone_masked, p.region_id,
       (SELECT COUNT(*) FROM enterprise_checkinfailure f WHERE f.ip = %s AND f.at >= %s),
       (SELECT COUNT(*) FROM enterprise_checkinfailure f WHERE f.id_number_index = %s AND f.at >= %s),
       c.id, c.temperature, c.symptoms, c.location, c.risk_contact, c.abnormal, c.source
FROM enterprise_enterprise n
JOIN enterprise_employee e ON e.enterprise_id = n.id
JOIN core_person p ON p.id = e.person_id
LEFT JOIN enterprise_healthcheckin c ON c.employee_id = e.id AND c.day = %s
WHERE n.checkin_token = %s AND p.id_number_index = %s AND e.active
"""


def _loaded(model, **values):
    """A model instance with only these fields loaded (the others deferred: read on access, never saved)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def identify_employee(token: str, *, id_number: str, phone_last4: str, ip: str | None) -> Proof:
    """Checks the proof against the active roster of the enterprise whose QR token this is (Http404 for an
    unknown token). Failures are counted (committed at once, outside any transaction of the caller's) and too
    many in the window raise TooManyAttempts (HTTP 429), whatever the digits."""
    per_ip, per_id, minutes = _limits()
    index = id_number_index(id_number or "")
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    row = None
    if index:
        ops, day = connection.ops, timezone.localdate()
        with hot_cursor() as cursor:
            cursor.execute(_IDENTIFY, [ip, ops.adapt_datetimefield_value(since), index,
                                       ops.adapt_datetimefield_value(since), ops.adapt_datefield_value(day), token,
                                       index])
            row = cursor.fetchone()
    if row is None:
        # Nobody with this ID on that roster (or no valid ID): the rare path, so the failures are counted apart.
        by = {"by_ip": Q(ip=ip) if ip else None, "by_id": Q(id_number_index=index) if index else None}
        wanted = {name: condition for name, condition in by.items() if condition is not None}
        counts = {"by_ip": 0, "by_id": 0}
        if wanted:
            counts.update(CheckinFailure.objects.filter(reduce(or_, wanted.values()), at__gte=since).aggregate(
                **{name: Count("pk", filter=condition) for name, condition in wanted.items()}))
        failures = (counts["by_ip"], counts["by_id"])
    else:
        failures = (row[9] if ip else 0, row[10])
    if failures[0] >= per_ip or failures[1] >= per_id:
        raise TooManyAttempts(retry_after=minutes * 60)
    if row is None and not Enterprise.objects.filter(checkin_token=token).exists():
        raise Http404
    digits = (phone_last4 or "").strip()
    on_roster = (row[3] or row[7] or "")[-4:] if row else ""
    if not (row and len(digits) == 4 and on_roster and hmac.compare_digest(digits, on_roster)):
        CheckinFailure.objects.create(id_number_index=index, ip=ip)
        raise _mismatch()
    (pk, enterprise_id, person_id, phone_masked, region_id, name, id_masked, person_phone, residence_id,
     _ip, _id, today_id, *today) = row
    employee = _loaded(Employee, id=pk, enterprise_id=enterprise_id, person_id=person_id, phone_masked=phone_masked,
                       active=True)
    employee.enterprise = _loaded(Enterprise, id=enterprise_id, region_id=region_id, checkin_token=token)
    employee.person = _loaded(Person, id=person_id, name=name, id_number_masked=id_masked, phone_masked=person_phone,
                              region_id=residence_id)
    return Proof(employee, _snapshot_row(pk, timezone.localdate(), today) if today_id is not None else None)


def _snapshot_row(employee_id: int, day: datetime.date, values: list) -> dict:
    """audit.snapshot() of a check-in from its raw columns (temperature, symptoms, ..., source)."""
    temperature, symptoms, location, risk_contact, abnormal, source = values
    if isinstance(symptoms, str):
        symptoms = json.loads(symptoms)
    return audit.scrub({"employee_id": employee_id, "day": day, "temperature": Decimal(str(temperature)),
                        "symptoms": symptoms, "location": location, "risk_contact": bool(risk_contact),
                        "abnormal": bool(abnormal), "source": source})


def clean_checkin(temperature, symptoms, location: str, risk_contact: bool) -> dict:
    errors: dict[str, list] = {}
    try:
        value = Decimal(str(temperature)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if not TEMPERATURE_RANGE[0] <= value <= TEMPERATURE_RANGE[1]:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["temperature"] = [_("Enter a body temperature between 34.0 and 43.0 °C.")]
        value = None
    symptoms = list(dict.fromkeys(symptoms or []))
    unknown = [s for s in symptoms if s not in SYMPTOMS]
    if unknown:
        errors["symptoms"] = [_("Unknown symptom: %(s)s.") % {"s": str(unknown[0])[:32]}]
    location = (location or "").strip()
    if len(location) > 100:
        errors["location"] = [_("Enter at most 100 characters.")]
    if errors:
        raise ValidationError(errors)
    symptoms = [s for s in SYMPTOMS if s in symptoms]  # a stable order, so equal answers compare equal
    abnormal = value >= FEVER_FROM or bool(symptoms) or bool(risk_contact)
    return {"temperature": value, "symptoms": symptoms, "location": location, "risk_contact": bool(risk_contact),
            "abnormal": abnormal}


def _values(fields: dict, source: str) -> dict:
    return {**fields, "source": source}


Respond = Callable[[HealthCheckin], tuple[int, object]]


def record_checkin(employee: Employee, *, actor=None, proof: Proof | None = None, source: str = "qr",
                   claim: Claim | None = None, respond: Respond | None = None,
                   temperature, symptoms=(), location: str = "", risk_contact: bool = False) -> HealthCheckin | None:
    """Today's check-in of `employee`, created or updated. Needs a Proof for this employee (the QR page)
    or an actor allowed to check in for the enterprise's employees.

    With an Idempotency-Key `claim`, its key row is written with the check-in and stores `respond(checkin)`
    (status, body), computed from the check-in as it will be stored; when the key is taken already nothing
    is written and the result is None (the caller replays the first response)."""
    if proof is None or proof.employee.pk != employee.pk:
        require(actor, "enterprise.add_healthcheckin", employee)
    fields = {**clean_checkin(temperature, symptoms, location, risk_contact), "source": source}
    before = proof.today if proof is not None and proof.employee.pk == employee.pk else _UNREAD
    write = _write_checkin_postgresql if connection.vendor == "postgresql" else _write_checkin
    return write(employee, actor=actor, fields=fields, before=before, claim=claim, respond=respond)


_UNREAD = object()  # the day's check-in has not been read yet: read it (locked) in the transaction


def _new_checkin(employee: Employee, fields: dict) -> HealthCheckin:
    now = timezone.now()
    return HealthCheckin(employee=employee, enterprise_id=employee.enterprise_id, day=timezone.localdate(),
                         region_id=employee.enterprise.region_id, residence_region_id=employee.person.region_id,
                         submitted_at=now, updated_at=now, **fields)


def _event(actor, checkin: HealthCheckin, before: dict | None) -> dict:
    action = "enterprise.checkin.updated" if before else "enterprise.checkin.recorded"
    return audit.values(actor, action, object_type=HealthCheckin._meta.label_lower, object_repr=str(checkin),
                        changes=audit.diff(before or {}, audit.snapshot(checkin)), region_id=checkin.region_id)


def _cells(checkin: HealthCheckin) -> list:
    return [(checkin.region_id, checkin.day), (checkin.residence_region_id, checkin.day)]


# savepoint=False: the hot path of a million mornings; inside the Idempotency-Key transaction a savepoint would
# only add two round trips. The policy and validation ran before, so nothing expected fails in here.
@transaction.atomic(savepoint=False)
def _write_checkin(employee: Employee, *, actor, fields: dict, before, claim: Claim | None,
                   respond: Respond | None) -> HealthCheckin | None:
    """The portable write (SQLite): key row, locked read, upsert, audit event, dirty cells: one transaction."""
    if claim is not None and not claim.take():
        return None
    checkin = _new_checkin(employee, fields)
    existing = HealthCheckin.objects.select_for_update().filter(employee=employee, day=checkin.day).first()
    before = audit.snapshot(existing) if existing else None
    # An upsert, not a plain insert: a concurrent first check-in of the same employee (without a shared
    # Idempotency-Key) becomes an update instead of an IntegrityError.
    HealthCheckin.objects.bulk_create([checkin], update_conflicts=True, unique_fields=["employee", "day"],
                                      update_fields=[*fields, "updated_at"])
    if existing is not None:
        checkin.pk, checkin.submitted_at = existing.pk, existing.submitted_at
    audit.insert({**_event(actor, checkin, before), "object_id": str(checkin.pk)})
    # In the transaction: a refresh of the rollups can never miss a committed check-in.
    touch_many(HealthCheckin, _cells(checkin))
    if claim is not None:
        claim.store(*respond(checkin))
    return checkin


# PostgreSQL: the Idempotency-Key row, the upsert and its audit event in one statement. The key row comes
# first (the check-in's SELECT reads it), so a request whose key is taken waits for the first one's commit
# and then writes nothing; the upsert returns the row's id and its first submission time (kept on update).
_UPSERT = """
INSERT INTO enterprise_healthcheckin (employee_id, enterprise_id, day, temperature, symptoms, location,
    risk_contact, abnormal, source, region_id, residence_region_id, submitted_at, updated_at)
SELECT %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s, %s {gate}
ON CONFLICT (employee_id, day) DO UPDATE SET temperature = EXCLUDED.temperature, symptoms = EXCLUDED.symptoms,
    location = EXCLUDED.location, risk_contact = EXCLUDED.risk_contact, abnormal = EXCLUDED.abnormal,
    source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
RETURNING id, submitted_at"""


def _write_checkin_postgresql(employee: Employee, *, actor, fields: dict, before, claim: Claim | None,
                              respond: Respond | None) -> HealthCheckin | None:
    if before is _UNREAD:  # an actor's check-in: the day's row, locked, for the audit event's "before"
        with transaction.atomic(savepoint=False):
            existing = (HealthCheckin.objects.select_for_update()
                        .filter(employee=employee, day=timezone.localdate()).first())
            return _write_statement(employee, actor=actor, fields=fields, claim=claim, respond=respond,
                                    before=audit.snapshot(existing) if existing else None)
    # The QR path read the day's row already: the whole write is the one statement below, committed on its
    # own (no BEGIN/COMMIT round trips).
    return _write_statement(employee, actor=actor, fields=fields, before=before, claim=claim, respond=respond)


def _write_statement(employee: Employee, *, actor, fields: dict, before, claim: Claim | None,
                     respond: Respond | None) -> HealthCheckin | None:
    """One statement: the key row, the upsert, its audit event and its dirty cells' marks."""
    checkin = _new_checkin(employee, fields)
    statement = Statement()
    if claim is not None:
        statement.add("claim", claim.insert_sql(*respond(checkin)))
    statement.add("checkin", (_UPSERT.format(gate="WHERE EXISTS (SELECT FROM claim)" if claim else ""), [
        checkin.employee_id, checkin.enterprise_id, checkin.day, checkin.temperature, json.dumps(checkin.symptoms),
        checkin.location, checkin.risk_contact, checkin.abnormal, checkin.source, checkin.region_id,
        checkin.residence_region_id, checkin.submitted_at, checkin.updated_at]))
    statement.add("event", audit.insert_sql(_event(actor, checkin, before), object_id="checkin.id::text",
                                            source="checkin"))
    statement.add("marked", touch_sql(HealthCheckin, _cells(checkin), after="checkin"))
    row = statement.run("SELECT id, submitted_at FROM checkin")
    if row is None:
        return None  # the key was taken: nothing written
    checkin.pk, checkin.submitted_at = row[0], row[1]
    return checkin


@dataclass
class RowResult:
    row: int
    status: str  # created / updated / error
    checkin_id: int | None = None
    abnormal: bool | None = None
    errors: list | None = None


@transaction.atomic
def record_checkins_bulk(enterprise: Enterprise, *, actor, rows: list[dict], source: str = "api") -> list[RowResult]:
    """Today's check-ins of many employees (an attendance system's upload): every valid row is applied,
    each row gets its own result, and the batch is one audit event."""
    require(actor, "enterprise.add_healthcheckin", enterprise)
    if len(rows) > BULK_MAX_ROWS:
        raise field_error("rows", _("Send at most %(n)s rows at once.") % {"n": BULK_MAX_ROWS})
    day = timezone.localdate()
    results, parsed, seen = [], {}, {}
    for number, row in enumerate(rows):
        index = id_number_index(row.get("id_number") or "")
        try:
            if not index:
                raise field_error("id_number", _("Enter a valid national ID number."))
            if index in seen:
                raise field_error("id_number", _("Duplicates row %(n)s.") % {"n": seen[index]})
            fields = clean_checkin(row.get("temperature"), row.get("symptoms"), row.get("location", ""),
                                   row.get("risk_contact", False))
        except ValidationError as exc:
            results.append(RowResult(number, "error", errors=[{"loc": [k], "msg": str(m)} for k, msgs
                                                              in exc.message_dict.items() for m in msgs]))
            continue
        seen[index] = number
        parsed[number] = (index, fields)
        results.append(RowResult(number, "created"))
    employees = {e.person.id_number_index: e for e in Employee.objects.select_related("person").filter(
        enterprise=enterprise, active=True, person__id_number_index__in=[i for i, _f in parsed.values()])}
    existing = set(HealthCheckin.objects.filter(enterprise=enterprise, day=day,
                                                employee__in=employees.values()).values_list("employee_id", flat=True))
    batch = []
    for result in results:
        if result.row not in parsed:
            continue
        index, fields = parsed[result.row]
        employee = employees.get(index)
        if employee is None:
            result.status, result.errors = "error", [{"loc": ["id_number"], "msg": _("Not on this enterprise's roster.")}]
            continue
        result.status, result.abnormal = ("updated" if employee.pk in existing else "created"), fields["abnormal"]
        batch.append(HealthCheckin(employee=employee, enterprise=enterprise, day=day, region_id=enterprise.region_id,
                                   residence_region_id=employee.person.region_id, **_values(fields, source)))
    HealthCheckin.objects.bulk_create(batch, batch_size=500, update_conflicts=True, unique_fields=["employee", "day"],
                                      update_fields=["temperature", "symptoms", "location", "risk_contact",
                                                     "abnormal", "source", "updated_at"])
    ids = dict(HealthCheckin.objects.filter(day=day, employee__in=[c.employee_id for c in batch])
               .values_list("employee_id", "pk"))
    by_row = {r.row: r for r in results}
    for checkin, result in zip(batch, [r for r in results if r.status in ("created", "updated")], strict=True):
        by_row[result.row].checkin_id = ids.get(checkin.employee_id)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("created", "updated", "error")}
    audit.record(actor, "enterprise.checkin.bulk_recorded", enterprise,
                 changes={"day": str(day), "rows": len(rows), **counts,
                          "abnormal": sum(1 for c in batch if c.abnormal)})
    touch_many(HealthCheckin, {(c.region_id, day) for c in batch} | {(c.residence_region_id, day) for c in batch})
    return results
