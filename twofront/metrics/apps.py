from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "twofront.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from twofront.core.navigation import NavItem, register
        from twofront.metrics import registry

        registry.discover()
        register(NavItem("metrics", _("Metrics"), "metrics_overview", ("core.view_metric",), order=20, icon="📊"))
