"""Shared data and patterns for the suites in tests/ (fixtures live in the conftest files)."""

import re
from pathlib import Path

from twofront.core.testing import sample_identity

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

# A full national ID (17 digits and a check character) standing alone, not inside a longer token.
FULL_NATIONAL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MASKED_NATIONAL_ID = re.compile(r"\d{4}\*{10}[\dX]{4}")
MASKED_MOBILE = re.compile(r"1\d{2}\*{4}\d{4}")


def identity(i: int, seed: int = 31) -> dict:
    """A valid synthetic identity (name, id_number, phone, address) for `make_person(code, **identity(i))`.

    Seed 31 keeps these apart from the root conftest's own make_person identities (seed 11).
    """
    data = sample_identity(i, seed=seed)
    return {key: data[key] for key in ("name", "id_number", "phone", "address")}
