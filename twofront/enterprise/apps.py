from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "twofront.enterprise"
    label = "enterprise"
    verbose_name = _("Enterprise service and employee health platform")

    def ready(self) -> None:
        from twofront.enterprise import permissions  # noqa: F401  (grants roles their permissions)
