"""Today's capacity report in the hospital staff's to-do list until it is filed, urgent after the reporting hour."""

from twofront.core.todo import todos_for
from twofront.medical import services
from twofront.medical.tests.test_reports import FIGURES


def report_item(user):
    return next(((item.count, item.urgent) for item in todos_for(user) if item.key == "medical.capacity.today"), None)


def test_the_report_waits_for_its_own_hospitals_staff_until_filed(units, personas, settings):
    settings.TWOFRONT_CAPACITY_REPORT_HOUR = 0  # past the hour all day: urgent
    staff = units["hospital_staff_nanming"]
    assert report_item(staff) == (1, True)
    assert report_item(units["hospital_staff_yunyan"]) == (1, True)  # its own hospital's
    assert report_item(personas["nanming"]) is None  # officials watch the late list instead
    services.submit_capacity_report(actor=staff, hospital=units["hospital_nanming"], **FIGURES)
    assert report_item(staff) is None
    assert report_item(units["hospital_staff_yunyan"]) == (1, True)
