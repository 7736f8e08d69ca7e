"""The test kit itself: personas and enterprises are where the other suites expect them."""

from twofront.core import scope
from twofront.enterprise.models import Employee, Enterprise
from twofront.enterprise.testing import employee_identity


def test_personas_see_their_own_enterprise(enterprise_personas, enterprise_a, enterprise_b, enterprise_c):
    # given the kit, then HR sees only its enterprise, the commissioner only A, the district its district
    def visible(name):
        return set(Enterprise.objects.visible_to(enterprise_personas[name]).values_list("pk", flat=True))

    assert visible("hr_a") == {enterprise_a.pk}
    assert visible("hr_b") == {enterprise_b.pk}
    assert visible("commissioner_a") == {enterprise_a.pk}
    assert visible("nanming") == {enterprise_a.pk, enterprise_c.pk}
    assert visible("yunyan") == {enterprise_b.pk}
    assert visible("norole") == set()
    assert enterprise_a.region.code.startswith("520102") and enterprise_b.region.code.startswith("520103")
    assert scope.has_role(enterprise_personas["hr_a"], "enterprise_admin")


def test_make_employee_links_a_person(make_employee, enterprise_a):
    employee = make_employee(enterprise_a, 5)
    assert employee.person.phone_masked.endswith(employee_identity(5)["phone"][-4:])
    assert Employee.objects.visible_to(enterprise_a.organisation.role_assignments.first().user).count() == 1
