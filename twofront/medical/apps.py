from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "twofront.medical"
    label = "medical"
    verbose_name = _("Medical treatment")

    def ready(self) -> None:
        from twofront.medical import facts, permissions  # noqa: F401  (risk facts, role grants and menu)
