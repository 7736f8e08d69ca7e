"""Checkpoint figures from records: passages, persons checked, referrals and turned back, per checkpoint region
and day, kept fresh by the services' dirty cells (a pending self-registration counts once confirmed)."""

from django.utils import timezone

from twofront.metrics import selectors
from twofront.metrics import services as metrics
from twofront.metrics.models import DirtyCell
from twofront.prevention.services.checkpoints import confirm_passage
from twofront.prevention.tests.test_checkpoints_kit import (
    YUNYAN_GRID,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    traveller,
)

KEYS = ["prevention.passages", "prevention.passage_persons", "prevention.passage_referrals",
        "prevention.passage_turned_back"]


def figures(user, region_code: str) -> dict:
    today = timezone.localdate()
    result = selectors.values(user, KEYS, region_code=region_code, date_from=today, date_to=today)
    return {item.metric.key.split(".")[1]: selectors.number(item.metric, item.value) for item in result.values}


def test_passages_persons_referrals_and_turned_back_per_day(kit):
    kit.register(travellers=[traveller(1, decision="handover"), traveller(2, decision="quarantine"),
                             traveller(3, decision="turn_back")])
    kit.register(kit.yunyan, actor="staff_yunyan", destination_code=YUNYAN_GRID, travellers=[traveller(4)])
    assert DirtyCell.objects.filter(source="prevention.passagetraveller").exists()
    metrics.refresh_dirty()

    commander = kit.user("commander")
    # the kit's confirmed passage (1 person) and the car above (3) in Nanming; the pending one is not counted
    assert figures(commander, "520102") == {"passages": 2, "passage_persons": 4, "passage_referrals": 2,
                                            "passage_turned_back": 1}
    assert figures(commander, "520100") == {"passages": 3, "passage_persons": 5, "passage_referrals": 2,
                                            "passage_turned_back": 1}


def test_a_confirmed_self_registration_is_counted(kit):
    metrics.refresh_dirty()
    before = figures(kit.user("nanming"), "520102")
    decisions = {c.pk: {"decision": "handover"} for c in kit.pending.pending_travellers.all()}
    confirm_passage(kit.pending, actor=kit.user("staff_nanming"), decisions=decisions)
    metrics.refresh_dirty()
    after = figures(kit.user("nanming"), "520102")
    assert after["passages"] == before["passages"] + 1
    assert after["passage_persons"] == before["passage_persons"] + 2
    assert after["passage_referrals"] == before["passage_referrals"] + 2
