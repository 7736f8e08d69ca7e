"""Checkpoints (卡口) and passages (逐车逐人检查登记): every change goes through these functions.

Staff register a vehicle with every person in it; a traveller may self-register by the checkpoint's QR
code, and staff confirm that claim after checking the ID cards. Persons are found in the registry by
the blind index of their full ID number (staff hold the card, so an exact lookup outside any region is
what the job needs) and added, when new, through core's people service (new_person / create_person) on
behalf of the checkpoint. On PostgreSQL a car's writes are one statement (_register_statement).
"""

import datetime
import decimal
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, pii, risk, scope
from twofront.core.choices import OrganisationKind
from twofront.core.db import (
    Statement,
    batched_writes,
    fetch,
    insert_instances,
    instances_sql,
    next_ids,
    recordset_sql,
)
from twofront.core.errors import Conflict, field_error
from twofront.core.idempotency import Claim
from twofront.core.identity import IdentityError, mask_national_id, parse_national_id, parse_plate
from twofront.core.models import AuditEvent, DutyShift, Organisation, Person, PostType, Region, User
from twofront.core.services import people
from twofront.metrics import dirty
from twofront.metrics.dirty import marks_sql, touch_many
from twofront.prevention.choices import CheckpointKind, Decision, PassageStatus, VehicleType
from twofront.prevention.facts_checkpoints import province_name
from twofront.prevention.models import Checkpoint, Passage, PassageTraveller, PendingTraveller

MAX_TRAVELLERS = 60  # a full coach
MAX_PLACES = 10
TEMPERATURE_RANGE = (decimal.Decimal("30.0"), decimal.Decimal("45.0"))
MAX_SHIFT = datetime.timedelta(hours=24)
# Per client address: at most this many self-registrations in this many seconds. Generous, because
# mobile carriers put many phones behind one address; a setting overrides it.
SELF_REGISTRATION_LIMIT = (30, 600)
SELF_REGISTERED = "prevention.passage.self_registered"


def _text(value, field: str, errors: dict, *, max_length: int, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if "\x00" in value:
        errors[field] = [_("Remove the control characters.")]
    elif required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("Use at most %(n)s characters.") % {"n": max_length}]
    return value


# --- checkpoints and their duty roster ------------------------------------------------------------


@transaction.atomic
def create_checkpoint(*, actor, name: str, kind: str, region: Region | None, location: str = "",
                      opened_on: datetime.date | None = None) -> Checkpoint:
    """A checkpoint and the Organisation its staff are assigned to; `opened_on` (default today) is the day
    it was set up, from 1 December 2019."""
    errors: dict = {}
    opened_on = opened_on or timezone.localdate()
    if not datetime.date(2019, 12, 1) <= opened_on <= timezone.localdate():
        errors["opened_on"] = [_("Choose a day from 2019-12-01 up to today.")]
    name = _text(name, "name", errors, max_length=128, required=True)
    location = _text(location, "location", errors, max_length=200)
    if kind not in CheckpointKind.values:
        errors["kind"] = [_("Choose a listed kind.")]
    if region is None or region.depth < 1:
        errors["region"] = [_("Choose a district or a region below it.")]
    else:
        scope.require(actor, "prevention.add_checkpoint", region=region)
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.create(name=name, kind=OrganisationKind.CHECKPOINT, region=region)
    checkpoint = Checkpoint.objects.create(organisation=organisation, name=name, kind=kind, region=region,
                                           location=location, opened_on=opened_on)
    audit.record(actor, "prevention.checkpoint.created", checkpoint,
                 changes=audit.diff({}, {"name": name, "kind": kind, "region": region.code, "location": location}))
    touch_many(Checkpoint, [(region.pk, checkpoint.opened_on)])
    return checkpoint


def _plausible(moment: datetime.datetime) -> bool:
    """A time a roster can hold (and date arithmetic and the database can take)."""
    return 2000 <= moment.year <= 2099


def checkpoint_staff(checkpoint: Checkpoint):
    return User.objects.filter(role_assignments__organisation=checkpoint.organisation_id).distinct()


@transaction.atomic
def add_checkpoint_shift(checkpoint: Checkpoint, *, actor, starts_at: datetime.datetime,
                         ends_at: datetime.datetime, user: User | None = None, staff_name: str = "",
                         is_leader: bool = False, handover_note: str = "") -> DutyShift:
    """A duty shift (值班带班) at the checkpoint, on core's one roster (post_type checkpoint)."""
    scope.require(actor, "prevention.change_checkpoint", checkpoint)
    errors: dict = {}
    staff_name = _text(staff_name, "staff_name", errors, max_length=64)
    handover_note = _text(handover_note, "handover_note", errors, max_length=2000)
    if not (starts_at and ends_at and _plausible(starts_at) and _plausible(ends_at)
            and starts_at < ends_at <= starts_at + MAX_SHIFT):
        errors["ends_at"] = [_("A shift ends after it starts, within 24 hours.")]
    if user is not None and not checkpoint_staff(checkpoint).filter(pk=user.pk).exists():
        errors["user"] = [_("Choose a staff member of this checkpoint.")]
    staff_name = staff_name or (user.display_name or user.get_username() if user else "")
    if not staff_name and "staff_name" not in errors:
        errors["staff_name"] = [_("Name the staff member.")]
    if errors:
        raise ValidationError(errors)
    shift = DutyShift.objects.create(post_type=PostType.CHECKPOINT, post_id=checkpoint.pk, post_name=checkpoint.name,
                                     region=checkpoint.region, starts_at=starts_at, ends_at=ends_at, user=user,
                                     staff_name=staff_name, is_leader=is_leader, handover_note=handover_note)
    audit.record(actor, "prevention.checkpoint.shift_added", shift, changes=audit.diff({}, {
        "checkpoint": checkpoint.pk, "starts_at": starts_at, "ends_at": ends_at, "staff_name": staff_name,
        "user": user.pk if user else None, "is_leader": is_leader}))
    return shift


# --- passages -------------------------------------------------------------------------------------


@dataclass
class TravellerRow:
    index: int
    id_number: str
    id_number_index: str
    name: str = ""
    phone: str = ""
    temperature: decimal.Decimal | None = None
    travel_history: list | None = None
    decision: str = Decision.PASS
    is_driver: bool = False


def _clean_passage(errors: dict, *, plate, vehicle_type, origin_province, origin_city, destination) -> dict:
    if vehicle_type not in VehicleType.values:
        errors["vehicle_type"] = [_("Choose a listed vehicle type.")]
    plate = _text(plate, "plate", errors, max_length=16)
    if plate:
        try:
            plate = parse_plate(plate)
        except IdentityError as exc:
            errors["plate"] = [str(exc)]
    elif vehicle_type != VehicleType.NONE and "plate" not in errors:
        errors["plate"] = [_("Enter the plate number.")]
    province = province_name(_text(origin_province, "origin_province", errors, max_length=32, required=True))
    if not province and "origin_province" not in errors:
        errors["origin_province"] = [_("Enter a province, autonomous region or municipality, e.g. 湖北.")]
    origin_city = _text(origin_city, "origin_city", errors, max_length=32)
    if destination is None or destination.depth < 1:
        errors["destination"] = [_("Choose the destination in the city.")]
    return {"plate": plate, "vehicle_type": vehicle_type, "origin_province": province, "origin_city": origin_city,
            "destination": destination}


def _temperature(value, field: str, errors: dict) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError):
        number = None
    if number is None or not TEMPERATURE_RANGE[0] <= number <= TEMPERATURE_RANGE[1]:
        errors[field] = [_("Enter a body temperature from 30.0 to 45.0 °C.")]
        return None
    return number


def _places(value, field: str, errors: dict) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").split(",")
    if not isinstance(value, list | tuple) or len(value) > MAX_PLACES * 2:
        errors[field] = [_("List at most %(n)s places.") % {"n": MAX_PLACES}]
        return []
    places = [p.strip() for p in value if isinstance(p, str) and p.strip()]
    if len(places) > MAX_PLACES or any(len(p) > 32 or "\x00" in p for p in places):
        errors[field] = [_("List at most %(n)s places of up to 32 characters.") % {"n": MAX_PLACES}]
    return places[:MAX_PLACES]


def _clean_travellers(rows, errors: dict, *, self_registered: bool = False) -> list[TravellerRow]:
    if not isinstance(rows, list | tuple) or not rows:
        errors["travellers"] = [_("Register at least one person.")]
        return []
    if len(rows) > MAX_TRAVELLERS:
        errors["travellers"] = [_("Register at most %(n)s persons at once.") % {"n": MAX_TRAVELLERS}]
        return []
    cleaned, seen = [], set()
    for i, row in enumerate(rows):
        where = f"travellers.{i}"
        try:
            number = parse_national_id(row.get("id_number") or "").number
        except IdentityError as exc:
            errors[f"{where}.id_number"] = [str(exc)]
            number = ""
        if number and number in seen:
            errors[f"{where}.id_number"] = [_("This person is already listed.")]
        seen.add(number)
        decision = row.get("decision") or Decision.PASS
        if decision not in Decision.values:
            errors[f"{where}.decision"] = [_("Choose a listed decision.")]
        cleaned.append(TravellerRow(
            index=i, id_number=number, id_number_index=pii.blind_index(number, people.ID_PURPOSE) if number else "",
            name=_text(row.get("name"), f"{where}.name", errors, max_length=64, required=self_registered),
            phone=_text(row.get("phone"), f"{where}.phone", errors, max_length=20),
            temperature=_temperature(row.get("temperature"), f"{where}.temperature", errors),
            travel_history=_places(row.get("travel_history") or [], f"{where}.travel_history", errors),
            decision=decision, is_driver=bool(row.get("is_driver"))))
    return cleaned


def _prefixed(exc: ValidationError, prefix: str) -> dict:
    return {f"{prefix}.{field}": messages for field, messages in exc.message_dict.items()}


def _registered(rows: list[TravellerRow], errors: dict) -> dict[str, Person]:
    """The registry persons of the rows by blind index; a row of someone new needs a name."""
    found = {p.id_number_index: p for p in fetch(
        Person, id_number_index=[r.id_number_index for r in rows if r.id_number_index])}
    for row in rows:
        if row.id_number_index and row.id_number_index not in found and not row.name:
            errors[f"travellers.{row.index}.name"] = [_("Not in the registry yet: enter the name.")]
    return found


def _find_or_add_persons(rows: list[TravellerRow], found: dict[str, Person], *, actor, checkpoint: Checkpoint,
                         region: Region) -> list[Person]:
    """Registry persons for the rows, in order: those found, else created in `region` (the destination)
    by the actor on behalf of the checkpoint. Raises one ValidationError for all rows."""
    errors: dict = {}
    for row in rows:
        if row.id_number_index in found:
            continue
        try:
            found[row.id_number_index] = people.create_person(
                actor=actor, name=row.name, id_number=row.id_number, phone=row.phone, region=region,
                on_behalf_of=checkpoint.organisation)
        except ValidationError as exc:
            # Registered by a concurrent passage a moment ago: use that record.
            person = Person.objects.filter(id_number_index=row.id_number_index).first()
            if person is None:
                errors.update(_prefixed(exc, f"travellers.{row.index}"))
            found[row.id_number_index] = person
    if errors:
        raise ValidationError(errors)
    return [found[r.id_number_index] for r in rows]


def _touch(passage: Passage) -> None:
    # Both counted models are cut by the checkpoint's region and the registration day.
    cells = [(passage.region_id, passage.registered_at)]
    touch_many(Passage, cells)
    touch_many(PassageTraveller, cells)


def _expect_open(checkpoint: Checkpoint) -> None:
    if not checkpoint.active:
        raise Conflict(_("This checkpoint is closed."))


def _statuses(persons: list[Person], new: set[int]) -> dict[int, risk.RiskStatus]:
    """The status the staff saw on screen. A person added by this passage has no records yet, so when
    everyone is new the rule set alone gives their status (one query instead of one per fact provider)."""
    if any(p.pk not in new for p in persons):
        return risk.statuses_for([p.pk for p in persons])
    version, rules = risk.active_rule_set()
    today = timezone.localdate()
    return {p.pk: risk.evaluate((), rules, today, version) for p in persons}


def _travellers(passage: Passage, rows: list[TravellerRow], persons: list[Person],
                new: set[int] = frozenset()) -> list[PassageTraveller]:
    statuses = _statuses(persons, new)
    travellers = [PassageTraveller(passage=passage, person=person, temperature=row.temperature,
                                   travel_history=row.travel_history, risk_level=statuses[person.pk].level,
                                   decision=row.decision, is_driver=row.is_driver)
                  for row, person in zip(rows, persons, strict=True)]
    passage.saved_travellers = travellers  # the response lists them without another query
    return travellers


def _save_travellers(passage: Passage, rows: list[TravellerRow], persons: list[Person],
                     new: set[int] = frozenset()) -> list[PassageTraveller]:
    travellers = _travellers(passage, rows, persons, new)
    insert_instances(travellers, later=True)  # no ids needed; person set on each: the response lists them
    return travellers


def _audit_travellers(travellers: list[PassageTraveller]) -> list[dict]:
    return [{"person": t.person_id, "decision": t.decision, "risk": t.risk_level} for t in travellers]


def _registered_event(actor, passage: Passage, travellers: list[PassageTraveller]) -> dict:
    return audit.event(actor, "prevention.passage.registered", passage, region=passage.checkpoint.region,
                       changes={"plate": passage.plate, "origin": f"{passage.origin_province}{passage.origin_city}",
                                "destination": passage.destination.code, "travellers": _audit_travellers(travellers)})


Respond = Callable[[Passage], tuple[int, object]]


def register_passage(checkpoint: Checkpoint, *, actor, plate: str, vehicle_type: str, origin_province: str,
                     origin_city: str = "", destination: Region | None, travellers: list[dict],
                     claim: Claim | None = None, respond: Respond | None = None) -> Passage | None:
    """A vehicle and every person in it, checked by staff: travellers are [{"id_number", "name" (needed
    when new), "phone", "temperature", "travel_history": [places], "decision", "is_driver"}].

    With an Idempotency-Key `claim`, its key row is written with the passage and stores `respond(passage)`
    (status, body); when the key is taken already nothing is written and the result is None (the caller
    replays the first response)."""
    scope.require(actor, "prevention.add_passage", checkpoint)
    _expect_open(checkpoint)
    errors: dict = {}
    fields = _clean_passage(errors, plate=plate, vehicle_type=vehicle_type, origin_province=origin_province,
                            origin_city=origin_city, destination=destination)
    rows = _clean_travellers(travellers, errors)
    found = _registered(rows, errors)
    if errors:
        raise ValidationError(errors)
    if connection.vendor == "postgresql":
        return _register_postgresql(checkpoint, actor=actor, fields=fields, rows=rows, found=found, claim=claim,
                                    respond=respond)
    # Portable: no savepoint of its own inside the caller's transaction (any error rolls the whole request
    # back); the travellers, the audit events and the dirty marks of the car are queued to the end.
    with transaction.atomic(savepoint=False), batched_writes(), audit.deferred(), dirty.deferred():
        if claim is not None and not claim.take():
            return None
        registered = {p.pk for p in found.values()}
        persons = _find_or_add_persons(rows, found, actor=actor, checkpoint=checkpoint, region=destination)
        passage = _new_passage(checkpoint, actor, fields)
        insert_instances([passage])
        saved = _save_travellers(passage, rows, persons, new={p.pk for p in persons} - registered)
        audit.insert(_registered_event(actor, passage, saved))
        _touch(passage)
        if claim is not None:
            claim.store(*respond(passage))
    return passage


def _new_passage(checkpoint: Checkpoint, actor, fields: dict) -> Passage:
    return Passage(checkpoint=checkpoint, region=checkpoint.region, registered_by=actor,
                   status=PassageStatus.CONFIRMED, confirmed_at=timezone.now(), **fields)


def _register_postgresql(checkpoint: Checkpoint, *, actor, fields: dict, rows: list[TravellerRow],
                         found: dict[str, Person], claim: Claim | None, respond: Respond | None) -> Passage | None:
    """The checkpoint's hot path on PostgreSQL: after the reads, the whole car is one statement. Outside a
    transaction (the API) it commits on its own: no BEGIN or COMMIT round trips."""
    for attempt in range(2):
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():  # a savepoint to retry in
                return _register_statement(checkpoint, actor=actor, fields=fields, rows=rows, found=found,
                                           claim=claim, respond=respond)
        except IntegrityError:
            if attempt:
                raise
            # A concurrent registration added one of the new people a moment ago (their national ID is unique):
            # nothing of this car was written; they are in the registry now.
            found = _registered(rows, {})
    raise AssertionError("unreachable")


def _register_statement(checkpoint: Checkpoint, *, actor, fields: dict, rows: list[TravellerRow],
                        found: dict[str, Person], claim: Claim | None, respond: Respond | None) -> Passage | None:
    """The key row, the new persons, the passage, its travellers, every audit event and the dirty marks: one
    statement, each write gated on the key row (a key already taken writes nothing). Ids come first from the
    sequences, so the response stored with the key is known before anything is written."""
    destination, errors, new = fields["destination"], {}, {}
    for row in rows:
        if row.id_number_index not in found:
            try:
                new[row.id_number_index] = people.new_person(
                    actor=actor, name=row.name, id_number=row.id_number, phone=row.phone, region=destination,
                    on_behalf_of=checkpoint.organisation)
            except ValidationError as exc:
                errors.update(_prefixed(exc, f"travellers.{row.index}"))
    if errors:
        raise ValidationError(errors)
    ids = next_ids({Passage: 1, Person: len(new)})
    for person, pk in zip(new.values(), ids.get(Person, ()), strict=True):
        person.pk = pk
    passage = _new_passage(checkpoint, actor, fields)
    passage.pk = ids[Passage][0]
    persons = [found.get(r.id_number_index) or new[r.id_number_index] for r in rows]
    saved = _travellers(passage, rows, persons, new={p.pk for p in new.values()})
    gate = "claim" if claim is not None else None
    # Each part is built before the key row's: pre_save gives the passage its registered_at, which the response
    # stored with the key shows, and a part may only refer to the parts before it.
    writes = [("persons", instances_sql(list(new.values()), gate=gate))] if new else []  # sets created_at
    writes += [("passage", instances_sql([passage], gate=gate)), ("travellers", instances_sql(saved, gate=gate))]
    events = [people.created_event(actor, p) for p in new.values()] + [_registered_event(actor, passage, saved)]
    day = passage.registered_at
    writes += [("events", recordset_sql(AuditEvent, events, gate=gate)),
               ("marks", marks_sql({Person: [(p.region_id, p.created_at) for p in new.values()],
                                    Passage: [(passage.region_id, day)], PassageTraveller: [(passage.region_id, day)]},
                                   after=gate))]
    statement = Statement()
    if claim is not None:
        statement.add("claim", claim.insert_sql(*respond(passage)))
    for name, part in writes:
        statement.add(name, part)
    taken = statement.run("SELECT EXISTS (SELECT FROM claim)" if claim is not None else "SELECT true")[0]
    return passage if taken else None


@transaction.atomic
def lookup_traveller(checkpoint: Checkpoint, *, actor, id_number: str) -> tuple[Person | None, risk.RiskStatus | None]:
    """The registry person holding this ID number (exact match) and their risk status, for the staff
    screen. Each hit is audited: it shows a name to someone outside the person's region."""
    scope.require(actor, "prevention.add_passage", checkpoint)
    try:
        number = parse_national_id(id_number or "").number
    except IdentityError as exc:
        raise field_error("id_number", str(exc))
    person = Person.objects.filter(id_number_index=pii.blind_index(number, people.ID_PURPOSE)).first()
    if person is None:
        return None, None
    audit.record(actor, "prevention.passage.person_looked_up", person, changes={"checkpoint": checkpoint.pk})
    return person, risk.status_for(person)


# --- self-registration and confirmation -----------------------------------------------------------


def self_registration_allowed(ip: str | None) -> bool:
    """Rate limit for the anonymous page, counted from the audit trail so every server process agrees."""
    limit, seconds = getattr(settings, "TWOFRONT_SELF_REGISTRATION_LIMIT", SELF_REGISTRATION_LIMIT)
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    return AuditEvent.objects.filter(action=SELF_REGISTERED, at__gte=since, ip=ip).count() < limit


@transaction.atomic
def self_register(checkpoint: Checkpoint, *, plate: str, vehicle_type: str, origin_province: str,
                  origin_city: str = "", destination: Region | None, travellers: list[dict]) -> Passage:
    """A traveller's own registration (no account): a pending passage with the travellers as claims,
    [{"name", "id_number", "phone", "travel_history", "is_driver"}], for staff to check and confirm."""
    _expect_open(checkpoint)
    errors: dict = {}
    fields = _clean_passage(errors, plate=plate, vehicle_type=vehicle_type, origin_province=origin_province,
                            origin_city=origin_city, destination=destination)
    rows = _clean_travellers(travellers, errors, self_registered=True)
    phones = {}
    for row in rows:
        try:
            phones[row.index] = people.phone_fields(row.phone)["phone_ct"]
        except ValidationError as exc:
            errors.update(_prefixed(exc, f"travellers.{row.index}"))
    if errors:
        raise ValidationError(errors)
    passage = Passage.objects.create(checkpoint=checkpoint, region=checkpoint.region,
                                     status=PassageStatus.PENDING, **fields)
    PendingTraveller.objects.bulk_create([
        PendingTraveller(passage=passage, name=row.name, id_number_ct=pii.encrypt(row.id_number),
                         id_number_index=row.id_number_index,
                         id_number_masked=mask_national_id(row.id_number), phone_ct=phones[row.index],
                         travel_history=row.travel_history, is_driver=row.is_driver)
        for row in rows])
    audit.record(None, SELF_REGISTERED, passage, region=checkpoint.region,
                 changes={"plate": passage.plate, "travellers": len(rows), "checkpoint": checkpoint.pk})
    return passage


@transaction.atomic
def confirm_passage(passage: Passage, *, actor, decisions: dict[int, dict]) -> Passage:
    """Staff checked a self-registered car: `decisions` maps each pending traveller's id to {"decision",
    "temperature"}. Claims become registry persons and passage travellers; the claims are deleted."""
    scope.require(actor, "prevention.confirm_passage", passage)
    passage = (Passage.objects.select_for_update().select_related("checkpoint__organisation", "checkpoint__region",
                                                                  "destination", "region")
               .get(pk=passage.pk))  # one confirmation wins when two staff press at once
    if passage.status != PassageStatus.PENDING:
        raise Conflict(_("This passage is already confirmed."))
    _expect_open(passage.checkpoint)
    claims = list(passage.pending_travellers.all())
    errors: dict = {}
    unknown = set(decisions) - {c.pk for c in claims}
    if unknown:
        errors["travellers"] = [_("Decide for the travellers of this passage only.")]
    travellers = []
    for i, claim in enumerate(claims):
        decided = decisions.get(claim.pk) or {}
        if not decided.get("decision"):
            errors[f"travellers.{i}.decision"] = [_("Choose a decision for %(name)s.") % {"name": claim.name}]
        travellers.append({"id_number": pii.decrypt(claim.id_number_ct), "name": claim.name,
                           "phone": pii.decrypt(claim.phone_ct), "travel_history": claim.travel_history,
                           "is_driver": claim.is_driver, **decided})
    rows = _clean_travellers(travellers, errors)
    found = _registered(rows, errors)
    if errors:
        raise ValidationError(errors)
    registered = {p.pk for p in found.values()}
    persons = _find_or_add_persons(rows, found, actor=actor, checkpoint=passage.checkpoint,
                                   region=passage.destination)
    passage.status, passage.confirmed_at, passage.registered_by = PassageStatus.CONFIRMED, timezone.now(), actor
    passage.save(update_fields=["status", "confirmed_at", "registered_by"])
    saved = _save_travellers(passage, rows, persons, new={p.pk for p in persons} - registered)
    PendingTraveller.objects.filter(passage=passage).delete()
    audit.record(actor, "prevention.passage.confirmed", passage, region=passage.checkpoint.region,
                 changes={"status": [PassageStatus.PENDING, PassageStatus.CONFIRMED],
                          "travellers": _audit_travellers(saved)})
    _touch(passage)
    return passage
