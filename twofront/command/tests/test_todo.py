"""The home page's to-do list for supervision tasks: each side sees what waits for it, nobody else does."""

from twofront.command.choices import TaskStatus
from twofront.command.tests.test_supervision_kit import NANMING, kit_fixture, late  # noqa: F401  (the `kit` fixture)
from twofront.core.todo import todos_for


def counts(user) -> dict:
    return {item.key: (item.count, item.urgent) for item in todos_for(user)}


def test_the_unit_sees_its_task_the_issuer_the_work_to_accept_and_others_nothing(kit):
    task = kit.issue(NANMING)
    assert counts(kit["nanming"]) == {"command.tasks.mine": (1, False)}
    assert counts(kit["yunyan"]) == counts(kit["commander"]) == counts(kit["norole"]) == {}
    kit.drive(task, TaskStatus.SUBMITTED)
    assert counts(kit["nanming"]) == {}  # waiting for the city now
    assert counts(kit["commander"]) == {"command.tasks.to_accept": (1, False)}
    kit.drive(kit.issue(NANMING, title="农贸市场测温点"), TaskStatus.RETURNED)
    assert counts(kit["nanming"]) == {"command.tasks.mine": (1, False)}


def test_a_late_task_is_urgent_for_the_unit_and_overdue_for_every_level_that_sees_it(kit):
    late(kit.issue(NANMING), 2)
    assert counts(kit["nanming"]) == {"command.tasks.mine": (1, True), "command.tasks.overdue": (1, True)}
    assert counts(kit["commander"]) == {"command.tasks.overdue": (1, True)}
    assert counts(kit["yunyan"]) == {}
    assert [item.key for item in todos_for(kit["nanming"])][0].endswith(("mine", "overdue"))  # urgent first


def test_the_home_page_lists_the_items_with_their_pages(kit):
    kit.issue(NANMING)
    page = kit.client("nanming").get("/").content.decode()
    assert 'href="/command/tasks/"' in page and 'class="todo-count">1<' in page
    assert "todo-list" not in kit.client("yunyan").get("/").content.decode()
