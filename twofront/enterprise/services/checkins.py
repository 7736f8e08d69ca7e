"""Daily health check-ins (健康打卡): one per employee per day, a second submission updates it.

Two ways in: an employee on a phone, anonymous, proving identity with the national ID number and the last
four digits of the roster phone (`identify_employee`, rate-limited on failures per IP and per ID), or an
enterprise account / attendance system acting with its own permission (`record_checkin(actor=...)`,
`record_checkins_bulk`).
"""

import datetime
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twofront.core import audit
from twofront.core.errors import field_error
from twofront.core.scope import require
from twofront.core.services.people import id_number_index
from twofront.enterprise.models import CheckinFailure, Employee, Enterprise, HealthCheckin
from twofront.metrics.dirty import touch_many

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
    """Made only by identify_employee: this roster entry proved who they are."""

    employee: Employee


def _limits() -> tuple[int, int, int]:
    """(failures per IP, failures per ID, window in minutes), from settings."""
    return (int(getattr(settings, "TWOFRONT_CHECKIN_FAILURES_PER_IP", 20)),
            int(getattr(settings, "TWOFRONT_CHECKIN_FAILURES_PER_ID", 5)),
            int(getattr(settings, "TWOFRONT_CHECKIN_WINDOW_MINUTES", 15)))


def _mismatch() -> ValidationError:
    # The same answer whether the ID is unknown or the digits are wrong: nothing to learn by probing.
    return field_error("id_number", _("The ID number and the phone digits do not match this enterprise's roster."))


def identify_employee(token: str, *, id_number: str, phone_last4: str, ip: str | None) -> Proof:
    """Checks the proof against the active roster of the enterprise whose QR token this is (Http404 for an
    unknown token). Failures are counted (committed at once, outside any transaction of the caller's) and too
    many in the window raise TooManyAttempts (HTTP 429), whatever the digits."""
    per_ip, per_id, minutes = _limits()
    index = id_number_index(id_number or "")
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    by = {"by_ip": Q(ip=ip) if ip else None, "by_id": Q(id_number_index=index) if index else None}
    wanted = {name: condition for name, condition in by.items() if condition is not None}
    counts = {"by_ip": 0, "by_id": 0}
    if wanted:  # one indexed query over the few recent failures
        counts.update(CheckinFailure.objects.filter(reduce(or_, wanted.values()), at__gte=since).aggregate(
            **{name: Count("pk", filter=condition) for name, condition in wanted.items()}))
    if counts["by_ip"] >= per_ip or counts["by_id"] >= per_id:
        raise TooManyAttempts(retry_after=minutes * 60)
    # One query on the hot path: the roster entry through the enterprise's token (the token alone is looked up
    # only when that finds nobody, to tell an unknown code from a wrong answer).
    employee = (Employee.objects.select_related("person", "enterprise__region")
                .filter(enterprise__checkin_token=token, active=True, person__id_number_index=index).first()
                if index else None)
    if employee is None and not Enterprise.objects.filter(checkin_token=token).exists():
        raise Http404
    digits = (phone_last4 or "").strip()
    on_roster = (employee.phone_masked or employee.person.phone_masked)[-4:] if employee else ""
    if not (employee and len(digits) == 4 and on_roster and hmac.compare_digest(digits, on_roster)):
        CheckinFailure.objects.create(id_number_index=index, ip=ip)
        raise _mismatch()
    return Proof(employee)


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


def record_checkin(employee: Employee, *, actor=None, proof: Proof | None = None, source: str = "qr",
                   temperature, symptoms=(), location: str = "", risk_contact: bool = False) -> HealthCheckin:
    """Today's check-in of `employee`, created or updated. Needs a Proof for this employee (the QR page)
    or an actor allowed to check in for the enterprise's employees."""
    if proof is None or proof.employee.pk != employee.pk:
        require(actor, "enterprise.add_healthcheckin", employee)
    fields = {**clean_checkin(temperature, symptoms, location, risk_contact), "source": source}
    return _write_checkin(employee, actor=actor, fields=fields)


# savepoint=False: the hot path of a million mornings; inside the Idempotency-Key transaction a savepoint would
# only add two round trips. The policy and validation ran before, so nothing expected fails in here.
@transaction.atomic(savepoint=False)
def _write_checkin(employee: Employee, *, actor, fields: dict) -> HealthCheckin:
    day = timezone.localdate()
    checkin = HealthCheckin.objects.select_for_update().filter(employee=employee, day=day).first()
    before = audit.snapshot(checkin) if checkin else {}
    if checkin is None:
        # An upsert, not a plain insert: a concurrent first check-in of the same employee (without a shared
        # Idempotency-Key) becomes an update instead of an IntegrityError.
        checkin = HealthCheckin(employee=employee, enterprise_id=employee.enterprise_id, day=day,
                                region_id=employee.enterprise.region_id,
                                residence_region_id=employee.person.region_id, **fields)
        HealthCheckin.objects.bulk_create([checkin], update_conflicts=True, unique_fields=["employee", "day"],
                                          update_fields=[*fields, "updated_at"])
    else:
        for key, value in fields.items():
            setattr(checkin, key, value)
        checkin.save(update_fields=[*fields, "updated_at"])
    action = "enterprise.checkin.updated" if before else "enterprise.checkin.recorded"
    audit.record(actor, action, checkin, region=employee.enterprise.region,
                 changes=audit.diff(before, audit.snapshot(checkin)))
    # After commit, when the row is visible: every check-in of an enterprise shares its (region, day) cell,
    # and touching it inside the transaction would hold that row lock until commit and serialise them all.
    cells = [(checkin.region_id, day), (checkin.residence_region_id, day)]
    transaction.on_commit(lambda: touch_many(HealthCheckin, cells))
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
