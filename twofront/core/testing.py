"""The test kit: a small region tree, personas and helpers shared by every app's tests."""

from dataclasses import dataclass

from django.test import Client

from twofront.core.choices import RegionLevel
from twofront.core.models import Region, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.synthetic import generate_persons

PASSWORD = "persona-password-1"

# code, name, level, parent code
TREE = [
    ("520100", "贵阳市", RegionLevel.CITY, None),
    ("520102", "南明区", RegionLevel.DISTRICT, "520100"),
    ("520102001", "新华路街道", RegionLevel.STREET, "520102"),
    ("520102001001", "新华路社区", RegionLevel.COMMUNITY, "520102001"),
    ("520102001001001", "新华路社区第1网格", RegionLevel.GRID, "520102001001"),
    ("520102001001002", "新华路社区第2网格", RegionLevel.GRID, "520102001001"),
    ("520103", "云岩区", RegionLevel.DISTRICT, "520100"),
    ("520103001", "黔东街道", RegionLevel.STREET, "520103"),
    ("520103001001", "黔东社区", RegionLevel.COMMUNITY, "520103001"),
    ("520103001001001", "黔东社区第1网格", RegionLevel.GRID, "520103001001"),
]

# persona -> (role, region code); None role = signed in but holds no role
PERSONAS = {
    "commander": (Role.CITY_COMMANDER, "520100"),
    "nanming": (Role.DISTRICT_OFFICER, "520102"),
    "yunyan": (Role.DISTRICT_OFFICER, "520103"),
    "grid_nanming": (Role.GRID_WORKER, "520102001001001"),
    "auditor": (Role.AUDITOR, "520100"),
    "nanming_auditor": (Role.AUDITOR, "520102"),
    "norole": (None, None),
}


def build_tree() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent in TREE:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))
    return regions


def build_personas(regions: dict[str, Region]) -> dict[str, User]:
    users = {}
    for username, (role, code) in PERSONAS.items():
        user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
        if role:
            RoleAssignment.objects.create(user=user, role=role, region=regions[code])
        users[username] = user
    return users


@dataclass
class Personas:
    regions: dict[str, Region]
    users: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.users[name]

    def region(self, code: str) -> Region:
        return self.regions[code]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def sample_identity(index: int = 0, seed: int = 7) -> dict:
    """A valid synthetic (name, id_number, phone) for tests."""
    return list(generate_persons(index + 1, ["520102001001001"], seed=seed))[index]


def at_once(count: int, call) -> list:
    """Runs `call()` in `count` threads released together (a barrier), each on its own database connection, and
    returns their results (for tests of concurrent requests; needs a transactional database fixture)."""
    import threading

    from django.db import connection

    results, barrier = [], threading.Barrier(count)

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
