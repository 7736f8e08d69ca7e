"""The menu: apps register entries; each user sees those their roles allow."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twofront.core import scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    permissions: tuple[str, ...] = ()  # any of these, anywhere in the user's jurisdiction
    order: int = 100
    icon: str = "•"
    roles: tuple[str, ...] = field(default=())

    def allowed(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if self.roles and scope.has_role(user, *self.roles):
            return True
        if not self.permissions:
            return not self.roles
        return any(scope.has_permission_anywhere(user, p) for p in self.permissions)


_REGISTRY: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _REGISTRY[item.key] = item


# Menu sections by URL prefix, so every app's entries land under its front without knowing the others.
SECTIONS = [
    ("/command/", _("Command centre")),
    ("/prevention/", _("Prevention and control")),
    ("/medical/", _("Prevention and control")),
    ("/enterprise/", _("Work resumption")),
    ("/persons/", _("Basic data")),
    ("/metrics/", _("Basic data")),
    ("/transfer/", _("Basic data")),
]
SECTION_ORDER = [_("Command centre"), _("Prevention and control"), _("Work resumption"), _("Basic data"),
                 _("System")]


def _section(url: str):
    if url == "/":
        return ""
    return next((label for prefix, label in SECTIONS if url.startswith(prefix)), _("System"))


def items_for(user) -> list[dict]:
    return [{"key": i.key, "label": i.label, "url": reverse(i.url_name), "icon": i.icon}
            for i in sorted(_REGISTRY.values(), key=lambda i: i.order) if i.allowed(user)]


def sections_for(user) -> list[tuple[str, list[dict]]]:
    """The menu grouped into the two fronts, the command centre, basic data and system."""
    grouped: dict[str, list[dict]] = {}
    for item in items_for(user):
        grouped.setdefault(str(_section(item["url"])), []).append(item)
    order = [""] + [str(label) for label in SECTION_ORDER]
    return [(label, grouped[label]) for label in order if label in grouped]


register(
    NavItem("home", _("Home"), "home", order=0, icon="⌂"),
    NavItem("persons", _("Persons"), "person_list", ("core.view_person",), order=10, icon="👤"),
    NavItem("risk_rules", _("Risk rules"), "risk_rules", ("core.change_riskruleset",), order=880, icon="⚖"),
    NavItem("audit", _("Audit trail"), "audit_list", ("core.view_auditevent",), order=900, icon="🔍"),
    NavItem("tokens", _("API tokens"), "token_list", order=950, icon="🔑"),
)
