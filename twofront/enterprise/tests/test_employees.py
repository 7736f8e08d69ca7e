"""The roster: employees are registry persons found by blind index, registered when absent, masked everywhere."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twofront.core.models import AuditEvent, Person
from twofront.core.services import people
from twofront.enterprise.models import Employee
from twofront.enterprise.services.employees import add_employee, update_employee
from twofront.enterprise.testing import YUNYAN_GRID, employee_identity


def test_unknown_person_is_registered_in_the_enterprise_region(enterprise_personas):
    identity = employee_identity(3)
    employee = add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number=identity["id_number"],
                            name=identity["name"], phone=identity["phone"], out_of_town=True, origin_region_code="420106")
    person = employee.person
    assert person.region == enterprise_personas.a.region and person.name == identity["name"]
    assert person.id_number_index == people.id_number_index(identity["id_number"])
    assert identity["id_number"] not in person.id_number_ct and person.id_number_masked.count("*") == 10
    assert employee.phone_masked == person.phone_masked and "****" in employee.phone_masked
    event = AuditEvent.objects.get(action="enterprise.employee.added")
    assert event.changes["person_registered"] == [None, True]
    assert identity["id_number"] not in json.dumps(event.changes, ensure_ascii=False)
    assert identity["phone"] not in json.dumps(event.changes, ensure_ascii=False)


def test_known_person_is_linked_not_duplicated(enterprise_personas, make_person):
    person = make_person(YUNYAN_GRID, seed=31)  # same identity as employee_identity(0)
    identity = employee_identity(0)
    employee = add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number=identity["id_number"],
                            name=identity["name"])
    assert employee.person == person and Person.objects.count() == 1
    assert person.region.code == YUNYAN_GRID  # the registry's residence is kept


def test_name_must_match_the_registry_and_duplicates_are_refused(enterprise_personas, make_person):
    make_person(YUNYAN_GRID, seed=31)
    identity = employee_identity(0)
    with pytest.raises(ValidationError) as caught:
        add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number=identity["id_number"],
                     name="张冒名")
    assert "name" in caught.value.message_dict
    add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number=identity["id_number"])
    with pytest.raises(ValidationError):
        add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number=identity["id_number"])
    assert Employee.objects.count() == 1


def test_bad_input_changes_nothing(enterprise_personas):
    with pytest.raises(ValidationError) as caught:
        add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"], id_number="520102199001011230",
                     name="李四", phone="123", origin_region_code="42")
    assert set(caught.value.message_dict) == {"id_number", "phone", "origin_region_code"}
    assert not Employee.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="enterprise.").exists()


def test_other_enterprise_and_commissioner_cannot_add(enterprise_personas):
    identity = employee_identity(4)
    for persona in ("hr_b", "commissioner_a", "yunyan"):
        with pytest.raises(PermissionDenied):
            add_employee(enterprise_personas.a, actor=enterprise_personas[persona], id_number=identity["id_number"],
                         name=identity["name"])
    assert not Person.objects.exists()


def test_off_the_roster_and_back(enterprise_personas, make_employee):
    employee = make_employee(enterprise_personas.a, 5)
    update_employee(employee, actor=enterprise_personas["hr_a"], active=False, phone="13700001111")
    employee.refresh_from_db()
    assert not employee.active and employee.phone_masked == "137****1111"
    again = add_employee(enterprise_personas.a, actor=enterprise_personas["hr_a"],
                         id_number=employee_identity(5)["id_number"])
    assert again.pk == employee.pk and again.active


def test_roster_api_and_pages_never_show_full_numbers(enterprise_personas, make_employee, client_as):
    make_employee(enterprise_personas.a, 6)
    identity = employee_identity(6)
    client = client_as(enterprise_personas["hr_a"])
    api = client.get("/api/v1/enterprise/employees").content.decode()
    page = client.get("/enterprise/employees/").content.decode()
    for text in (api, page):
        assert identity["id_number"] not in text and identity["phone"] not in text
        assert identity["id_number"][:4] + "*" * 10 in text
    found = client.get(f"/api/v1/enterprise/employees?id_number={identity['id_number']}").json()
    assert found["count"] == 1


def test_page_adds_an_employee_in_a_given_residence(enterprise_personas, client_as):
    identity = employee_identity(8)
    response = client_as(enterprise_personas["hr_a"]).post("/enterprise/employees/new/", {
        "enterprise": enterprise_personas.a.pk, "id_number": identity["id_number"], "name": identity["name"],
        "phone": identity["phone"], "residence_code": YUNYAN_GRID, "out_of_town": "on",
        "planned_return_date": "2020-02-20"})
    assert response.status_code == 302
    employee = Employee.objects.get()
    assert employee.person.region.code == YUNYAN_GRID and employee.out_of_town
    bad = client_as(enterprise_personas["hr_a"]).post("/enterprise/employees/new/", {
        "enterprise": enterprise_personas.a.pk, "id_number": employee_identity(9)["id_number"], "name": "王五",
        "residence_code": "999"})
    assert bad.status_code == 422 and Employee.objects.count() == 1
    # HR cannot pick another enterprise in the form
    other = client_as(enterprise_personas["hr_a"]).post("/enterprise/employees/new/", {
        "enterprise": enterprise_personas.b.pk, "id_number": employee_identity(10)["id_number"], "name": "赵六"})
    assert other.status_code == 422 and Employee.objects.count() == 1
