from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "twofront.medical"
    label = "medical"
    verbose_name = _("Medical treatment")

    def ready(self) -> None:
        from twofront.core.todo import register_todo
        from twofront.medical import facts, permissions  # noqa: F401  (risk facts, role grants and menu)
        from twofront.medical.todo import report_todos

        register_todo("medical.capacity", report_todos)
