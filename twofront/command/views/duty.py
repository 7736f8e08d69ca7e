"""值班带班 pages: the roster calendar (week by post and day, or month), shift forms, handover, on duty now."""

import datetime
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.command import imports_duty
from twofront.command import selectors_duty as selectors
from twofront.command.forms_operations import HandoverForm, RosterImportForm, ShiftFilterForm, ShiftForm
from twofront.command.services import duty as services
from twofront.command.services.operations_checks import EARLIEST_DAY
from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import ServiceFormView, is_htmx, run_service
from twofront.transfer.readers import FileError

WEEK = 7


def _calendar_window(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """A week from the Monday of `day`, or the weeks (Monday to Sunday) that hold `day`'s month."""
    if view == "month":
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        start = first - datetime.timedelta(days=first.weekday())
        end = following - datetime.timedelta(days=1)
        end += datetime.timedelta(days=6 - end.weekday())
        return start, end
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=WEEK - 1)


def _shift_view(shift, user) -> dict:
    return {"shift": shift, "start": timezone.localtime(shift.starts_at), "end": timezone.localtime(shift.ends_at),
            "now": shift.starts_at <= timezone.now() < shift.ends_at}


@login_required
@require_GET
def duty_calendar(request):
    """Week: one row per post, one column per day, each cell its shifts. Month: a calendar of days."""
    selectors.require_view(request.user)
    form = ShiftFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "week"
    today = timezone.localdate()
    day = min(max(data.get("day") or today, EARLIEST_DAY), today + datetime.timedelta(days=366))
    first, last = _calendar_window(view, day)
    region = data.get("region")
    shifts = list(selectors.shifts(request.user, date_from=first, date_to=last, post_type=data.get("post_type"),
                                   region=region.code if region else None))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    by_day: dict[datetime.date, list] = {d: [] for d in days}
    posts: dict[tuple, dict] = {}
    for shift in shifts:
        item = _shift_view(shift, request.user)
        key = (shift.post_type, shift.post_id, shift.post_name, shift.region_id)
        post = posts.setdefault(key, {"name": shift.post_name, "type": shift.get_post_type_display(),
                                      "region": shift.region, "cells": {d: [] for d in days}})
        for covered in selectors.days_of(shift):
            if covered in by_day:
                by_day[covered].append(item)
                post["cells"][covered].append(item)
    step = datetime.timedelta(days=WEEK) if view == "week" else None
    if view == "month":
        month_first = day.replace(day=1)
        previous = (month_first - datetime.timedelta(days=1)).replace(day=1)
        following = (month_first + datetime.timedelta(days=32)).replace(day=1)
    else:
        previous, following = first - step, first + step
    # the form shows what is shown, whatever was asked
    form = ShiftFilterForm(initial={"view": view, "day": day, "post_type": data.get("post_type") or "",
                                    "region": region.code if region else ""}, user=request.user)
    query = request.GET.copy()
    query.pop("day", None)
    context = {
        "title": _("Duty roster"), "form": form, "view": view, "days": days, "today": today,
        "rows": [{"post": p, "cells": [(d, p["cells"][d]) for d in days]} for p in posts.values()],
        "weeks": [[(d, by_day[d], d.month == day.month) for d in days[i:i + WEEK]] for i in range(0, len(days), WEEK)],
        "previous": previous.isoformat(), "next": following.isoformat(), "query": query.urlencode(),
        "can_add": scope.has_permission_anywhere(request.user, services.PERMISSION),
        "first": first, "last": last,
    }
    return render(request, "command/duty_calendar.html", context)


class ShiftCreateView(ServiceFormView):
    form_class = ShiftForm
    title = _("Put someone on duty")
    success_message = _("Shift added to the roster.")
    template_name = "command/duty_shift_form.html"

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, services.PERMISSION):
            raise PermissionDenied

    def get_initial(self):
        regions = self.form_class(user=self.request.user).fields["region"].queryset
        top = regions.first()
        return {"region": top.code if top else None,
                "post_type": services.COMMAND_POSTS[0] if top and top.depth == 0 else services.COMMAND_POSTS[1]}

    def perform(self, form):
        d = form.cleaned_data
        return services.create_shift(actor=self.request.user, post_type=d["post_type"], region=d["region"],
                                     post_name=d["post_name"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                                     staff_name=d["staff_name"], user=d["username"], is_leader=d["is_leader"])

    def success_url(self, shift):
        return f"{reverse('command_duty_calendar')}?day={timezone.localtime(shift.starts_at).date().isoformat()}"


class ShiftUpdateView(ShiftCreateView):
    title = _("Change a shift")
    success_message = _("Shift changed.")

    def check_allowed(self):
        self.shift = selectors.shift_or_404(self.request.user, self.kwargs["pk"])
        scope.require(self.request.user, services.PERMISSION, self.shift)
        if not services.is_command_post(self.shift):
            raise PermissionDenied

    def get_initial(self):
        s = self.shift
        return {"post_type": s.post_type, "region": s.region.code, "post_name": s.post_name,
                "starts_at": timezone.localtime(s.starts_at), "ends_at": timezone.localtime(s.ends_at),
                "staff_name": s.staff_name, "username": s.user.username if s.user_id else "",
                "is_leader": s.is_leader}

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "title": self.title, "view": self,
                                                         "shift": self.shift}, status=status)

    def perform(self, form):
        d = form.cleaned_data
        return services.update_shift(self.shift, actor=self.request.user, post_type=d["post_type"],
                                     region=d["region"], post_name=d["post_name"], starts_at=d["starts_at"],
                                     ends_at=d["ends_at"], staff_name=d["staff_name"], user=d["username"],
                                     is_leader=d["is_leader"])


@login_required
@require_POST
def shift_remove(request, pk: int):
    shift = selectors.shift_or_404(request.user, pk)
    day = timezone.localtime(shift.starts_at).date().isoformat()
    try:
        services.remove_shift(shift, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shift removed."))
    return HttpResponseRedirect(f"{reverse('command_duty_calendar')}?day={day}")


@login_required
def roster_import(request):
    """Upload a roster workbook: every row a command-post shift, all or none."""
    if not scope.has_permission_anywhere(request.user, services.PERMISSION):
        raise PermissionDenied
    form = RosterImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()[:8]) as local:
                    for chunk in upload.chunks():
                        local.write(chunk)
                    local.flush()
                    result = imports_duty.import_roster(actor=request.user, path=local.name)
            except FileError as exc:
                form.add_error("file", str(exc))
            else:
                status = 422 if result["errors"] else 200
                if not result["errors"]:
                    messages.success(request, _("%(n)s shifts added to the roster.") % {"n": result["added"]})
                    return HttpResponseRedirect(reverse("command_duty_calendar"))
    return render(request, "command/duty_import.html", {"title": _("Import a duty roster"), "form": form,
                                                       "result": result, "columns": imports_duty.COLUMNS},
                  status=status)


@login_required
def shift_handover(request, pk: int):
    """交接班: the person on the shift (or the roster keeper) writes what the next shift must know."""
    shift = selectors.shift_or_404(request.user, pk)
    if not services.may_hand_over(shift, request.user):
        raise PermissionDenied
    form = HandoverForm(request.POST or None, initial={"note": shift.handover_note})
    status = 200
    if request.method == "POST":
        if run_service(form, lambda d: services.record_handover(shift, actor=request.user, note=d["note"])):
            messages.success(request, _("Handover note saved."))
            return HttpResponseRedirect(reverse("command_duty_now"))
        status = 422
    return render(request, "command/duty_handover.html", {"title": _("Handover"), "shift": shift, "form": form,
                                                         "start": timezone.localtime(shift.starts_at),
                                                         "end": timezone.localtime(shift.ends_at)}, status=status)


def on_duty_context(request) -> dict:
    """For the page and for the dashboard's "on duty now" panel (include command/duty_now_partial.html)."""
    now = timezone.now()
    posts = selectors.on_duty(request.user, at=now)
    mine = [s for p in posts for s in p.leaders + p.staff if s.user_id == request.user.pk]
    return {"posts": posts, "now": timezone.localtime(now), "my_shifts": mine}


@login_required
@require_GET
def duty_now(request):
    context = on_duty_context(request)
    template = "command/duty_now_partial.html" if is_htmx(request) else "command/duty_now.html"
    return render(request, template, {"title": _("On duty now"), **context})


@login_required
@require_GET
def duty_now_partial(request):
    """The "who is on duty now" fragment alone (the dashboard loads it with hx-get)."""
    return render(request, "command/duty_now_partial.html", on_duty_context(request))


urlpatterns = [
    path("duty/", duty_calendar, name="command_duty_calendar"),
    path("duty/new/", ShiftCreateView.as_view(), name="command_duty_shift_create"),
    path("duty/import/", roster_import, name="command_duty_import"),
    path("duty/now/", duty_now, name="command_duty_now"),
    path("duty/now/partial/", duty_now_partial, name="command_duty_now_partial"),
    path("duty/<int:pk>/edit/", ShiftUpdateView.as_view(), name="command_duty_shift_update"),
    path("duty/<int:pk>/remove/", shift_remove, name="command_duty_shift_remove"),
    path("duty/<int:pk>/handover/", shift_handover, name="command_duty_handover"),
]
