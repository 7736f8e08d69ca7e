"""The checkpoint test kit: two checkpoints (Nanming, Yunyan) with their staff, a confirmed passage and a
pending self-registration at Nanming. Other modules import the `kit` fixture from here."""

from dataclasses import dataclass, field

import pytest

from twofront.core.models import User
from twofront.core.testing import Personas, client_for, sample_identity
from twofront.prevention.models import Checkpoint, Passage
from twofront.prevention.services import checkpoints as services
from twofront.prevention.testing import build_units

NANMING_GRID, YUNYAN_GRID = "520102001001001", "520103001001001"
SEED = 53  # apart from the root conftest's make_person (11) and the browser suite (31)


def identity(i: int) -> dict:
    data = sample_identity(i, seed=SEED)
    return {key: data[key] for key in ("name", "id_number", "phone")}


def traveller(i: int, **extra) -> dict:
    return {**identity(i), "temperature": 36.6, **extra}


def passage_body(*travellers: dict, **extra) -> dict:
    return {"plate": "贵A12345", "vehicle_type": "car", "origin_province": "重庆", "origin_city": "渝中",
            "destination_code": NANMING_GRID, "travellers": list(travellers), **extra}


@dataclass
class CheckpointKit:
    personas: Personas
    units: dict
    passage: Passage | None = None
    pending: Passage | None = None
    users: dict = field(default_factory=dict)

    @property
    def nanming(self) -> Checkpoint:
        return self.units["checkpoint_nanming"]

    @property
    def yunyan(self) -> Checkpoint:
        return self.units["checkpoint_yunyan"]

    def user(self, name: str | None) -> User | None:
        return None if name is None else self.users[name]

    def client(self, name: str | None):
        return client_for(self.user(name))

    def register(self, checkpoint: Checkpoint | None = None, *, actor: str = "staff_nanming", **body):
        data = passage_body(*(body.pop("travellers", None) or [traveller(0)]), **body)
        destination = self.personas.region(data.pop("destination_code"))
        return services.register_passage(checkpoint or self.nanming, actor=self.user(actor), destination=destination,
                                         **data)

    def self_register(self, checkpoint: Checkpoint | None = None, **body):
        data = passage_body(*(body.pop("travellers", None) or [identity(5)]), **body)
        destination = self.personas.region(data.pop("destination_code"))
        return services.self_register(checkpoint or self.nanming, destination=destination, **data)


def build_kit(personas: Personas) -> CheckpointKit:
    kit = CheckpointKit(personas=personas, units=build_units(personas.regions))
    kit.users = {**personas.users, "staff_nanming": kit.units["checkpoint_staff_nanming"],
                 "staff_yunyan": kit.units["checkpoint_staff_yunyan"]}
    kit.passage = kit.register(travellers=[traveller(0)])
    kit.pending = kit.self_register(travellers=[identity(5), identity(6)])
    return kit


@pytest.fixture(name="kit")
def kit_fixture(personas) -> CheckpointKit:
    return build_kit(personas)


def test_the_kit_has_a_confirmed_and_a_pending_passage_at_nanming(kit):
    assert kit.passage.status == "confirmed" and kit.passage.travellers.count() == 1
    assert kit.pending.status == "pending" and kit.pending.pending_travellers.count() == 2
    assert {kit.passage.checkpoint, kit.pending.checkpoint} == {kit.nanming}
