from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "twofront.transfer"
    label = "transfer"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from twofront.core.navigation import NavItem, register
        from twofront.transfer.spec import all_specs

        autodiscover_modules("imports")  # every installed app's ImportSpecs (core/imports.py, ...)
        permissions = tuple(sorted({spec.permission for spec in all_specs()}))
        register(NavItem("imports", _("Imports"), "transfer:job_list", permissions, order=800, icon="⇪"))
