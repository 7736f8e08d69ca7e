"""The API schema under fuzz, a persona's bearer token, and records for the generated ids to find.

schemathesis builds one test per operation at collection time, so the schema is read at collection,
from the app itself (GET /api/v1/openapi.json through Django's test client); each test then checks
that the live server serves exactly that document before it fuzzes the live server.

(`schemathesis.pytest.from_fixture`, the lazy loader, would load it from the live server directly,
but schemathesis 4.32.5 reads `request.node._nodeid`, which pytest 9.2 no longer has.)
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
import requests

from tests.kit import ARTIFACTS, identity

PERSON_REGIONS = ["520102001001001", "520102001001002", "520103001001001"]  # two in Nanming, one in Yunyan


@dataclass
class FuzzTarget:
    """What the running test fuzzes; the schema hooks read it while generating cases."""

    base_url: str = ""
    token: str = ""
    token_id: int | None = None
    person_ids: list[int] = field(default_factory=list)

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}


CURRENT = FuzzTarget()
# operation -> status code -> how many answers (filled by an after_call hook of the schema)
STATUS_CODES: defaultdict[str, Counter] = defaultdict(Counter)
RUN_SETTINGS: dict = {}


def pytest_sessionfinish(session):
    """test-artifacts/fuzz-status-codes.json: which answers each operation gave (did fuzzing get past 404?)."""
    if STATUS_CODES:
        ARTIFACTS.mkdir(exist_ok=True)
        report = {"settings": RUN_SETTINGS,
                  "operations": {op: dict(sorted(codes.items())) for op, codes in sorted(STATUS_CODES.items())}}
        (ARTIFACTS / "fuzz-status-codes.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def load_schema_document() -> dict:
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.fixture
def fuzz_target(live_server, personas_tx, make_person, bearer_token):
    """Three persons (two in the officer's district, one outside) and the Nanming officer's token."""
    from twofront.core.models import ApiToken

    CURRENT.base_url = live_server.url
    CURRENT.person_ids = [make_person(code, **identity(40 + i)).pk for i, code in enumerate(PERSON_REGIONS)]
    CURRENT.token = bearer_token(personas_tx["nanming"], name="fuzz")
    CURRENT.token_id = ApiToken.objects.get(user=personas_tx["nanming"], name="fuzz").pk
    yield CURRENT
    CURRENT.__init__()


@pytest.fixture
def live_schema_document(live_server):
    response = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=10)
    response.raise_for_status()
    return response.json()
