from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "twofront.prevention"
    label = "prevention"
    verbose_name = _("Prevention and control")

    def ready(self) -> None:
        import twofront.prevention.facts_checkpoints  # noqa: F401  (passages' travel facts for the risk engine)
        import twofront.prevention.permissions_checkpoints  # noqa: F401  (grants and menu: checkpoints, passages)
        import twofront.prevention.permissions_community  # noqa: F401  (grants and menu: compounds, screening, venues)
        from twofront.core.todo import register_todo
        from twofront.prevention import facts_health, permissions_health  # noqa: F401  (risk facts, role grants)
        from twofront.prevention.todo import checkpoint_todos

        register_todo("prevention.checkpoints", checkpoint_todos)
