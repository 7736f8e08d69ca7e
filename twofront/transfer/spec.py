"""What an app declares to make a dataset importable: columns, parsers, natural key and the row builder.

An app puts its specs in `<app>/imports.py` and calls `register()`; the engine finds them by dataset name.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model


class RowError(ValueError):
    """A cell or row is invalid; carries the message in Chinese and English like core.identity.IdentityError."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


def text(value: str) -> str:
    return value.strip()


def truncate(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        return value.strip()[:limit]

    return parse


def mask_text(value: str) -> str:
    """Free text in the error workbook: enough to find the cell again, not enough to copy it."""
    value = value.strip()
    return value if len(value) <= 4 else value[:4] + "…"


@dataclass(frozen=True)
class Col:
    name: str  # key of the parsed value handed to `build`
    zh: str  # header in Chinese
    en: str  # header in English
    parse: Callable[[str], Any] = text  # raises ValueError (RowError / IdentityError) on bad input
    required: bool = True
    mask: Callable[[str], str] = mask_text  # how a bad value is shown in the error workbook
    hint_zh: str = ""
    hint_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class ImportSpec:
    dataset: str  # URL and CLI name, e.g. "persons"
    label: str  # translatable (gettext_lazy)
    model: type[Model]
    columns: tuple[Col, ...]
    # The unique column upserts conflict on, how to get its value from a parsed row (it must equal
    # build(row)[natural_key]), and the in-file identity of a row (cheaper than a keyed hash).
    natural_key: str
    db_key: Callable[[dict], str]
    row_key: Callable[[dict], Hashable]
    key_column: str  # the column holding that key, named in "duplicate" errors
    # Parsed row (plus "region_id") -> stored column values; the app's write service in row form.
    build: Callable[[dict], dict]
    permission: str  # needed over the region of every row, e.g. "core.import_person"
    audit_action: str  # one event per job, e.g. "core.person.imported"
    region_column: str = "region_code"  # the column naming each row's Region by division code
    # Columns kept when a row updates an existing record (the rest is overwritten).
    keep_on_update: tuple[str, ...] = field(default=())


_REGISTRY: dict[str, ImportSpec] = {}


def register(*specs: ImportSpec) -> None:
    for spec in specs:
        _REGISTRY[spec.dataset] = spec


def get_spec(dataset: str) -> ImportSpec | None:
    return _REGISTRY.get(dataset)


def all_specs() -> list[ImportSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.dataset)
