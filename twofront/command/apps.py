from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "twofront.command"
    label = "command"
    verbose_name = _("Command centre")

    def ready(self) -> None:
        # Grants and menu entries, one module per area so each area's owner edits only its own.
        from twofront.command import permissions_dashboard, permissions_operations, permissions_tasks  # noqa: F401
        from twofront.command.todo import supervision_todos
        from twofront.core.todo import register_todo

        register_todo("command.supervision", supervision_todos)
