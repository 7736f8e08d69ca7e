"""The dashboard page (指挥大屏): a shell whose script fetches GET /api/v1/command/dashboard and draws it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from twofront.command.services import dashboard as service
from twofront.metrics import selectors


@login_required
@require_GET
def dashboard_page(request):
    """403 without `core.view_metric`, 404 for a region outside the jurisdiction; the figures come by fetch."""
    code = request.GET.get("region") or None
    region = selectors.visible_region(request.user, code)
    date_from, date_to = service.default_period(None, None)
    strings = {
        "asOf": _("as of %(day)s"), "during": _("%(from)s to %(to)s"), "yoy": _("YoY"),
        "updated": _("Updated %(time)s"), "paused": _("Auto-refresh paused while the page is hidden"),
        "failed": _("Could not load the figures; retrying."), "noData": _("No figures for this region yet."),
    }
    return render(request, "command/dashboard_page.html", {
        "region": region, "date_from": request.GET.get("from") or date_from.isoformat(),
        "date_to": request.GET.get("to") or date_to.isoformat(), "strings": strings,
        "refresh_seconds": service.REFRESH_SECONDS, "title": _("Command dashboard"),
    })


urlpatterns = [path("dashboard/", dashboard_page, name="command_dashboard")]
