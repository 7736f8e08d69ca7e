"""A self-registration waiting for confirmation is in the checkpoint staff's to-do list, not in others'."""

from twofront.core.todo import todos_for
from twofront.prevention.tests.test_checkpoints_kit import kit_fixture  # noqa: F401  (the `kit` fixture)


def counts(user) -> dict:
    return {item.key: item.count for item in todos_for(user) if item.key.startswith("prevention.")}


def test_pending_self_registrations_wait_for_their_checkpoints_staff(kit):
    assert counts(kit.user("staff_nanming")) == {"prevention.passages.pending": 1}  # the kit's pending car
    assert counts(kit.user("staff_yunyan")) == {}
    kit.self_register()
    assert counts(kit.user("staff_nanming")) == {"prevention.passages.pending": 2}
    page = kit.client("staff_nanming").get("/").content.decode()
    assert 'href="/prevention/checkpoints/desk/"' in page


def test_the_grid_worker_sees_the_households_to_visit_urgent_when_a_lead_is_late(personas):
    from twofront.prevention.tests.test_screening_kit import build_community

    build_community(personas)  # grid 1: two households with pending leads, one due yesterday
    items = {item.key: item for item in todos_for(personas["grid_nanming"])}
    assert (items["prevention.grid.visits"].count, items["prevention.grid.visits"].urgent) == (2, True)
    assert items["prevention.grid.visits"].url == "/prevention/grid/today/"
    assert counts(personas["norole"]) == {}


def test_quarantine_staff_see_todays_checks_and_releases_due_at_their_own_site(units, person_nanming):
    import datetime

    from django.utils import timezone

    from twofront.prevention.services import quarantine

    stay = quarantine.check_in(actor=units["hotel_staff_nanming"], site=units["site_nanming"], person=person_nanming,
                               room="301", starts_on=timezone.localdate() - datetime.timedelta(days=14))
    staff = units["hotel_staff_nanming"]
    assert counts(staff) == {"prevention.quarantine.releases": 1, "prevention.quarantine.checks": 1}
    assert counts(units["hotel_staff_yunyan"]) == {}
    quarantine.record_health_check(stay, actor=staff, temperature="36.5")
    assert counts(staff) == {"prevention.quarantine.releases": 1}  # checked today


def test_the_home_page_answers_every_kind_of_user(units, personas, admin_user):
    from twofront.core.testing import client_for

    users = [*personas.users.values(), admin_user,
             *(units[k] for k in units if k.startswith(("checkpoint_staff_", "hotel_staff_", "hospital_staff_")))]
    for user in users:
        response = client_for(user).get("/")
        assert response.status_code == 200, user
