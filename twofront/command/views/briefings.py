"""The daily briefings page: the briefings of my jurisdiction, "generate now", and audited downloads."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from twofront.command.models import Briefing
from twofront.command.services import briefings as service
from twofront.core import scope
from twofront.core.models import Region

CONTENT_TYPES = {"xlsx": service.XLSX_TYPE, "pdf": "application/pdf"}


class GenerateForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.none(), label=gettext_lazy("Region"), to_field_name="code")
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope.regions_for(user, "command.add_briefing").filter(depth__lte=1).order_by("depth", "code")
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = None
        self.initial.setdefault("region", regions.first())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not datetime.date(1970, 1, 1) <= day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day between 1970-01-01 and today."))
        return day


@login_required
@require_http_methods(["GET", "POST"])
def briefing_list(request):
    user = request.user
    if not scope.has_permission_anywhere(user, "command.view_briefing"):
        raise PermissionDenied
    can_generate = scope.has_permission_anywhere(user, "command.add_briefing")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = GenerateForm(request.POST or None, user=user, initial={"day": yesterday}) if can_generate else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            briefing = service.generate_briefing(region=form.cleaned_data["region"], day=form.cleaned_data["day"],
                                                 actor=user)
            messages.success(request, _("Briefing generated: %(briefing)s") % {"briefing": briefing})
            return HttpResponseRedirect(reverse("command_briefings"))
        status = 422
    rows = Briefing.objects.visible_to(user).select_related("region", "generated_by").order_by("-day", "region__code")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "command/briefings_list.html", {
        "title": _("Daily briefings"), "page": page, "form": form, "hour": service_hour()}, status=status)


def service_hour() -> int:
    from twofront.command import briefing_schedule

    return briefing_schedule.hour()


@login_required
@require_GET
def briefing_download(request, pk: int, kind: str):
    if kind not in CONTENT_TYPES:
        raise Http404
    briefing = scope.get_visible_or_404(Briefing, request.user, pk=pk)
    stored = getattr(briefing, kind)
    if not stored:
        raise Http404
    service.record_download(briefing, actor=request.user, kind=kind)
    return FileResponse(stored.open("rb"), as_attachment=True, content_type=CONTENT_TYPES[kind],
                        filename=f"{briefing.region.name}-{briefing.day:%Y%m%d}-{_('briefing')}.{kind}")


urlpatterns = [
    path("briefings/", briefing_list, name="command_briefings"),
    path("briefings/<int:pk>/<str:kind>/", briefing_download, name="command_briefing_download"),
]
