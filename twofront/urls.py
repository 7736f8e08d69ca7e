from django.urls import include, path

from twofront.api import api
from twofront.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("transfer/", include("twofront.transfer.urls")),
    path("metrics/", include("twofront.metrics.urls")),
    path("enterprise/", include("twofront.enterprise.urls")),
    path("prevention/", include("twofront.prevention.urls")),
    path("medical/", include("twofront.medical.urls")),
    path("command/", include("twofront.command.urls")),
    path("", include("twofront.core.urls")),
]
