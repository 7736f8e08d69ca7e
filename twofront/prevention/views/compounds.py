"""Pages for closed management: compound groups, closures, monitoring posts (phone-first), rosters, counts."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.generic import Column, ScopedListView, ServiceFormView, run_service
from twofront.prevention import selectors_compounds as selectors
from twofront.prevention.forms_compounds import (
    ClosureEndForm,
    ClosureStartForm,
    CompoundFilterForm,
    CompoundForm,
    CountForm,
    PostForm,
    ShiftForm,
)
from twofront.prevention.models import CompoundGroup, MonitoringPost, PostDailyCount
from twofront.prevention.services import compounds as services
from twofront.prevention.services.community import EARLIEST_DAY, user_by_username

ROSTER_DAYS = 7


class CompoundListView(ScopedListView):
    model = CompoundGroup
    title = _("Compound groups under closed management")
    columns = [Column("name", _("Name"), link=True), Column("kind", _("Kind")), Column("region.name", _("Region")),
               Column("households", _("Households")), Column("closed_since", _("Closed since"))]
    filter_form_class = CompoundFilterForm
    detail_url_name = "compound_detail"
    create_url_name = "compound_create"
    create_permission = "prevention.add_compoundgroup"

    def base_queryset(self):
        return selectors.compounds(self.request.user)

    def filter_queryset(self, qs, data):
        region = data.get("region")
        return selectors.compounds(self.request.user, region=region.code if region else None, kind=data.get("kind"),
                                   closed=data.get("closed"), q=data.get("q"))


class CompoundCreateView(ServiceFormView):
    form_class = CompoundForm
    title = _("Register a compound group")
    success_message = _("Compound group registered.")

    def check_allowed(self):
        if not scope.has_permission_anywhere(self.request.user, "prevention.add_compoundgroup"):
            raise PermissionDenied

    def perform(self, form):
        data = form.cleaned_data
        return services.create_compound(actor=self.request.user, name=data["name"], kind=data["kind"],
                                        region=data["region"], households=data["households"])

    def success_url(self, compound):
        return reverse("compound_detail", args=[compound.pk])


def _compound_page(request, compound, status=200, **forms):
    user = request.user
    context = {
        "object": compound, "title": compound.name,
        "closures": compound.closures.all()[:20],
        "posts": compound.posts.all(),
        "can_close": scope.covers(user, "prevention.change_compoundgroup", compound),
        "can_add_post": scope.covers(user, "prevention.add_monitoringpost", compound),
        "start_form": forms.get("start_form") or ClosureStartForm(),
        "end_form": forms.get("end_form") or ClosureEndForm(),
        "post_form": forms.get("post_form") or PostForm(),
    }
    return render(request, "prevention/compound_detail.html", context, status=status)


@login_required
@require_GET
def compound_detail(request, pk: int):
    return _compound_page(request, selectors.compound_or_404(request.user, pk))


@login_required
@require_POST
def compound_closure(request, pk: int, action: str):
    compound = selectors.compound_or_404(request.user, pk)
    if action == "start":
        form = ClosureStartForm(request.POST)
        done = run_service(form, lambda d: services.start_closure(compound, actor=request.user,
                                                                  starts_on=d["starts_on"], note=d["note"]))
        message, name = _("Closed management started."), "start_form"
    else:
        form = ClosureEndForm(request.POST)
        done = run_service(form, lambda d: services.end_closure(compound, actor=request.user, ends_on=d["ends_on"],
                                                                note=d["note"]))
        message, name = _("Closed management ended."), "end_form"
    if done:
        messages.success(request, message)
        return HttpResponseRedirect(reverse("compound_detail", args=[pk]))
    return _compound_page(request, selectors.compound_or_404(request.user, pk), status=422, **{name: form})


@login_required
@require_POST
def compound_post_create(request, pk: int):
    compound = selectors.compound_or_404(request.user, pk)
    form = PostForm(request.POST)
    if run_service(form, lambda d: services.create_post(compound, actor=request.user, name=d["name"])):
        messages.success(request, _("Monitoring post set up."))
        return HttpResponseRedirect(reverse("compound_detail", args=[pk]))
    return _compound_page(request, compound, status=422, post_form=form)


def _today_count(field: str) -> Subquery:
    return Subquery(PostDailyCount.objects.filter(post=OuterRef("pk"), day=timezone.localdate()).values(field)[:1])


class PostListView(ScopedListView):
    """Phone-first: the posts I may see, with today's count (empty: not entered yet)."""

    model = MonitoringPost
    title = _("Monitoring posts")
    columns = [Column("name", _("Post"), link=True), Column("compound.name", _("Compound group")),
               Column("region.name", _("Region")), Column("entries_today", _("In today")),
               Column("exits_today", _("Out today"))]
    detail_url_name = "post_detail"

    def base_queryset(self):
        return selectors.posts(self.request.user).filter(active=True).annotate(
            entries_today=_today_count("entries"), exits_today=_today_count("exits"))


def _post_page(request, post, status=200, count_form=None):
    today = timezone.localdate()
    current = PostDailyCount.objects.filter(post=post, day=today).first()
    initial = {"day": today, **({"entries": current.entries, "exits": current.exits} if current else {})}
    context = {
        "object": post, "title": str(post), "today": today, "current": current,
        "count_form": count_form or CountForm(initial=initial),
        "can_count": post.active and scope.covers(request.user, "prevention.add_postdailycount", post),
        "counts": selectors.counts(request.user, post)[:7],
        "shifts": selectors.shifts(post).visible_to(request.user),
    }
    return render(request, "prevention/post_detail.html", context, status=status)


@login_required
@require_GET
def post_detail(request, pk: int):
    return _post_page(request, selectors.post_or_404(request.user, pk))


@login_required
@require_POST
def post_count(request, pk: int):
    """The daily count entry: one per post and day; entering the day again replaces its numbers."""
    post = selectors.post_or_404(request.user, pk)
    form = CountForm(request.POST)
    if run_service(form, lambda d: services.record_post_count(post, actor=request.user, day=d["day"],
                                                              entries=d["entries"], exits=d["exits"])):
        messages.success(request, _("Count saved for %(day)s.") % {"day": form.cleaned_data["day"].isoformat()})
        return HttpResponseRedirect(reverse("post_detail", args=[pk]))
    return _post_page(request, post, status=422, count_form=form)


def _first_day(request) -> datetime.date:
    """?day=, kept within the days a roster may be planned for."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return min(max(day, EARLIEST_DAY), today + datetime.timedelta(days=services.ROSTER_AHEAD_DAYS))


def _roster_page(request, post, status=200, form=None):
    first = _first_day(request)
    shifts = list(selectors.shifts(post, day=first, days=ROSTER_DAYS).visible_to(request.user))
    days = [first + datetime.timedelta(days=n) for n in range(ROSTER_DAYS)]
    by_day = [(day, [s for s in shifts if timezone.localtime(s.starts_at).date() <= day
                     <= timezone.localtime(s.ends_at - datetime.timedelta(microseconds=1)).date()]) for day in days]
    context = {"object": post, "title": _("Roster: %(post)s") % {"post": post}, "by_day": by_day,
               "previous": (first - datetime.timedelta(days=ROSTER_DAYS)).isoformat(),
               "next": (first + datetime.timedelta(days=ROSTER_DAYS)).isoformat(),
               "can_change": scope.covers(request.user, "core.change_dutyshift", post), "form": form or ShiftForm()}
    return render(request, "prevention/post_roster.html", context, status=status)


@login_required
def post_roster(request, pk: int):
    post = selectors.post_or_404(request.user, pk)
    if request.method != "POST":
        return _roster_page(request, post)
    form = ShiftForm(request.POST)

    def add(data):
        user = user_by_username(data["username"]) if data["username"] else None
        services.add_post_shift(post, actor=request.user, starts_at=data["starts_at"], ends_at=data["ends_at"],
                                staff_name=data["staff_name"], user=user, is_leader=data["is_leader"],
                                handover_note=data["handover_note"])

    if run_service(form, add):
        messages.success(request, _("Shift added."))
        day = timezone.localtime(form.cleaned_data["starts_at"]).date().isoformat()
        return HttpResponseRedirect(f"{reverse('post_roster', args=[pk])}?day={day}")
    return _roster_page(request, post, status=422, form=form)


@login_required
@require_POST
def post_shift_remove(request, pk: int, shift_pk: int):
    post = selectors.post_or_404(request.user, pk)
    services.remove_post_shift(selectors.shift_or_404(request.user, post, shift_pk), actor=request.user)
    messages.success(request, _("Shift removed."))
    return HttpResponseRedirect(reverse("post_roster", args=[pk]))


urlpatterns = [
    path("compounds/", CompoundListView.as_view(), name="compound_list"),
    path("compounds/new/", CompoundCreateView.as_view(), name="compound_create"),
    path("compounds/<int:pk>/", compound_detail, name="compound_detail"),
    path("compounds/<int:pk>/closure/start/", compound_closure, {"action": "start"}, name="compound_closure_start"),
    path("compounds/<int:pk>/closure/end/", compound_closure, {"action": "end"}, name="compound_closure_end"),
    path("compounds/<int:pk>/posts/", compound_post_create, name="compound_post_create"),
    path("posts/", PostListView.as_view(), name="post_list"),
    path("posts/<int:pk>/", post_detail, name="post_detail"),
    path("posts/<int:pk>/count/", post_count, name="post_count"),
    path("posts/<int:pk>/roster/", post_roster, name="post_roster"),
    path("posts/<int:pk>/roster/<int:shift_pk>/remove/", post_shift_remove, name="post_shift_remove"),
]
