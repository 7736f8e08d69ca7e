"""The home page's to-do list (待办): apps register providers that count what waits for the signed-in user's own
action, within their jurisdiction, each with the page where it is done. Core knows no app: a provider is a
function of the user, registered in its app's ready()."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # past a deadline: shown first and marked
    order: int = 100


Provider = Callable[[object], Iterable[Todo]]
_PROVIDERS: dict[str, Provider] = {}


def register_todo(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def todos_for(user) -> list[Todo]:
    """What waits for `user`, urgent first; only items with something to do."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [item for provider in _PROVIDERS.values() for item in provider(user) if item.count > 0]
    return sorted(items, key=lambda item: (not item.urgent, item.order, item.key))
