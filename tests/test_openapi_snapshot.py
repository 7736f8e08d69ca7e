"""The OpenAPI document is part of the contract with banks, hospitals and the hotline: any change to it
shows up here as a diff to review and commit.

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_openapi_snapshot.py   # accept the change
"""

import difflib
import json
import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def summary(old: dict, new: dict) -> str:
    old_ops = {f"{m.upper()} {p}" for p, item in old.get("paths", {}).items() for m in item}
    new_ops = {f"{m.upper()} {p}" for p, item in new.get("paths", {}).items() for m in item}
    lines = [f"+ {op}" for op in sorted(new_ops - old_ops)] + [f"- {op}" for op in sorted(old_ops - new_ops)]
    return "\n".join(lines) or "(same operations; see the diff)"


def test_openapi_schema_matches_the_committed_snapshot():
    from twofront.api import api

    current = render(api.get_openapi_schema())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
        pytest.skip(f"UPDATE_SNAPSHOTS=1: rewrote {SNAPSHOT.relative_to(Path.cwd()) if SNAPSHOT.is_relative_to(Path.cwd()) else SNAPSHOT}")
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}; create it with UPDATE_SNAPSHOTS=1"

    committed = SNAPSHOT.read_text(encoding="utf-8")
    if current != committed:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), current.splitlines(True),
                                                 "snapshot", "api.get_openapi_schema()", n=2))[:200])
        pytest.fail("The OpenAPI schema changed. If that is intended, review and commit the new snapshot "
                    "(UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_openapi_snapshot.py).\n"
                    f"Operations:\n{summary(json.loads(committed), json.loads(current))}\n\n{diff}",
                    pytrace=False)
