"""Person registry services: validation, scope, audit, and refused calls changing nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from twofront.core import pii
from twofront.core.models import AuditEvent, Person
from twofront.core.services import people
from twofront.core.testing import sample_identity


def test_create_person_stores_only_ciphertext_index_and_mask(personas):
    identity = sample_identity(0)
    person = people.create_person(actor=personas["nanming"], name=identity["name"], id_number=identity["id_number"],
                                  phone=identity["phone"], region=personas.region("520102001001001"))
    assert person.id_number_masked == identity["id_number"][:4] + "*" * 10 + identity["id_number"][-4:]
    assert person.phone_masked == identity["phone"][:3] + "****" + identity["phone"][-4:]
    assert pii.decrypt(person.id_number_ct) == identity["id_number"]
    # derived from the ID number
    assert person.birth_date.strftime("%Y%m%d") == identity["id_number"][6:14]
    assert person.native_region_code == identity["id_number"][:6]
    # no column of the row holds the plaintext
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert identity["id_number"] not in row and identity["phone"] not in row


@pytest.mark.parametrize(("field", "value"), [("id_number", "11010519491231002Y"), ("id_number", "123"),
                                              ("phone", "12012345678"), ("name", "  ")])
def test_create_person_rejects_bad_input_with_field_errors(personas, field, value):
    identity = sample_identity(1)
    data = {"name": identity["name"], "id_number": identity["id_number"], "phone": identity["phone"]} | {field: value}
    with pytest.raises(ValidationError) as exc:
        people.create_person(actor=personas["nanming"], region=personas.region("520102001001"), **data)
    assert field in exc.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="core.person.created").exists()


def test_duplicate_national_id_is_refused_even_across_districts(personas, person_nanming):
    number = pii.decrypt(person_nanming.id_number_ct)
    with pytest.raises(ValidationError) as exc:
        people.create_person(actor=personas["commander"], name="重复", id_number=number.lower(),
                             region=personas.region("520103001001"))
    assert "id_number" in exc.value.message_dict
    assert Person.objects.count() == 1


def test_other_district_officer_cannot_create_in_my_district(personas):
    identity = sample_identity(2)
    with pytest.raises(PermissionDenied):
        people.create_person(actor=personas["yunyan"], name=identity["name"], id_number=identity["id_number"],
                             region=personas.region("520102001001"))
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_update_is_audited_with_masked_diff_only(personas, person_nanming):
    new = sample_identity(3)
    people.update_person(person_nanming, actor=personas["nanming"], phone=new["phone"], address="新地址1号")
    event = AuditEvent.objects.get(action="core.person.updated")
    assert event.actor == personas["nanming"]
    assert set(event.changes) == {"phone_masked", "address"}
    assert new["phone"] not in str(event.changes)
    assert event.changes["phone_masked"][1] == new["phone"][:3] + "****" + new["phone"][-4:]


def test_refused_update_changes_nothing(personas, person_nanming):
    before = Person.objects.values().get(pk=person_nanming.pk)
    with pytest.raises(PermissionDenied):
        people.update_person(person_nanming, actor=personas["yunyan"], name="改名")
    with pytest.raises(PermissionDenied):  # moving a person out of my jurisdiction
        people.update_person(person_nanming, actor=personas["nanming"], region=personas.region("520103001001"))
    with pytest.raises(ValidationError):
        people.update_person(Person.objects.get(pk=person_nanming.pk), actor=personas["nanming"], id_number="1")
    assert Person.objects.values().get(pk=person_nanming.pk) == before
    assert not AuditEvent.objects.filter(action="core.person.updated").exists()


def test_grid_worker_may_edit_but_not_delete_or_reveal(personas, person_nanming):
    people.update_person(person_nanming, actor=personas["grid_nanming"], address="网格员更新")
    with pytest.raises(PermissionDenied):
        people.delete_person(person_nanming, actor=personas["grid_nanming"])
    with pytest.raises(PermissionDenied):
        people.reveal_person(person_nanming, actor=personas["grid_nanming"], reason="核实身份")
    assert Person.objects.filter(pk=person_nanming.pk).exists()
    assert not AuditEvent.objects.filter(action="core.person.revealed").exists()


def test_reveal_needs_reason_and_is_audited(personas, person_nanming):
    with pytest.raises(ValidationError):
        people.reveal_person(person_nanming, actor=personas["nanming"], reason=" ")
    assert not AuditEvent.objects.filter(action="core.person.revealed").exists()
    revealed = people.reveal_person(person_nanming, actor=personas["nanming"], reason="流调核实身份")
    assert revealed["id_number"] == pii.decrypt(person_nanming.id_number_ct)
    event = AuditEvent.objects.get(action="core.person.revealed")
    assert event.reason == "流调核实身份" and event.changes == {"fields": ["id_number", "phone"]}
    assert event.region == person_nanming.region


def test_delete_is_audited(personas, person_nanming):
    pk = person_nanming.pk
    people.delete_person(person_nanming, actor=personas["nanming"])
    assert not Person.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="core.person.deleted")
    assert event.object_id == str(pk) and "id_number_masked" in event.changes


def test_deferred_audit_events_are_written_together_at_the_end_or_not_at_all(personas):
    from django.test.utils import CaptureQueriesContext

    from twofront.core import audit

    actor = personas["nanming"]
    with CaptureQueriesContext(connection) as queries, audit.deferred():
        first = audit.record(actor, "test.one", changes={"phone": "13800000000"})
        with audit.deferred():  # a nested block joins the outer one
            audit.record(actor, "test.two")
        assert first.pk is None and not AuditEvent.objects.filter(action__startswith="test.").exists()
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "core_auditevent"')]
    assert len(inserts) == 1  # one INSERT of both events, at the end
    events = AuditEvent.objects.filter(action__startswith="test.").order_by("pk")
    assert [e.action for e in events] == ["test.one", "test.two"]
    assert events[0].changes == {"phone": "[redacted]"} and events[0].actor_username == actor.username
    with pytest.raises(RuntimeError), audit.deferred():
        audit.record(actor, "test.three")
        raise RuntimeError("the write failed")
    assert not AuditEvent.objects.filter(action="test.three").exists()


def test_a_taken_number_inside_a_transaction_leaves_it_usable(personas, person_nanming):
    # no lookup first: the unique index refuses it, and the caller's transaction carries on
    from django.db import transaction

    number = pii.decrypt(person_nanming.id_number_ct)
    with transaction.atomic():
        with pytest.raises(ValidationError) as refused:
            people.create_person(actor=personas["nanming"], name="重复", id_number=number,
                                 region=person_nanming.region)
        assert "id_number" in refused.value.message_dict
        assert Person.objects.filter(pk=person_nanming.pk).exists()
    assert not AuditEvent.objects.filter(action="core.person.created", object_repr__contains="重复").exists()


def test_visible_to_limits_each_persona_to_their_jurisdiction(personas, make_person):
    in_grid = make_person("520102001001001")
    other_grid = make_person("520102001001002")
    yunyan = make_person("520103001001001")
    def visible(name):
        return set(Person.objects.visible_to(personas[name]).values_list("pk", flat=True))
    assert visible("commander") == {in_grid.pk, other_grid.pk, yunyan.pk}
    assert visible("nanming") == {in_grid.pk, other_grid.pk}
    assert visible("yunyan") == {yunyan.pk}
    assert visible("grid_nanming") == {in_grid.pk}
    assert visible("auditor") == set()
    assert visible("norole") == set()


def test_find_by_id_number_uses_blind_index_within_scope(personas, person_nanming):
    number = pii.decrypt(person_nanming.id_number_ct)
    assert list(people.find_by_id_number(Person.objects.visible_to(personas["nanming"]), number)) == [person_nanming]
    assert not people.find_by_id_number(Person.objects.visible_to(personas["yunyan"]), number).exists()
    assert not people.find_by_id_number(Person.objects.all(), "not-an-id").exists()
