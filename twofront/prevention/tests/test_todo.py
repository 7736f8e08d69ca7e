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
