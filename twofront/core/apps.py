from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "twofront.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from twofront.core import navigation  # noqa: F401  (registers the core menu)
