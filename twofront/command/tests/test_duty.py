"""值班带班: command-post shifts, handovers, who is on duty now; services, API and pages against every persona.

anonymous -> 401 (API) / login redirect (pages); no permission -> 403; another district -> 404 and absent
from lists; allowed -> works and is audited; a refused call changes nothing."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.command.services import duty as services
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, DutyShift, PostType, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.testing import client_for

API = "/api/v1/command"
NANMING, YUNYAN, CITY, NANMING_GRID = "520102", "520103", "520100", "520102001001001"


def local(day_offset: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=day_offset)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def roster(personas):
    """A future and a current shift at the Nanming command post, a current one at the city command centre,
    one at the Yunyan post, and a monitoring-post shift (kept on the post's own roster) in a Nanming grid."""
    region = personas.region
    make = DutyShift.objects.create

    class Roster:
        future = make(post_type=PostType.DISTRICT_POST, post_name="南明区指挥部", region=region(NANMING),
                      starts_at=local(1, 8), ends_at=local(1, 20), staff_name="王明", is_leader=True)
        current = make(post_type=PostType.DISTRICT_POST, post_name="南明区指挥部", region=region(NANMING),
                       starts_at=timezone.now() - datetime.timedelta(hours=2),
                       ends_at=timezone.now() + datetime.timedelta(hours=6), staff_name="李华",
                       user=personas["nanming"], is_leader=True)
        current_staff = make(post_type=PostType.DISTRICT_POST, post_name="南明区指挥部", region=region(NANMING),
                             starts_at=timezone.now() - datetime.timedelta(hours=1),
                             ends_at=timezone.now() + datetime.timedelta(hours=7), staff_name="赵敏")
        city = make(post_type=PostType.COMMAND_CENTRE, post_name="市指挥部", region=region(CITY),
                    starts_at=timezone.now() - datetime.timedelta(hours=3),
                    ends_at=timezone.now() + datetime.timedelta(hours=5), staff_name="周强", is_leader=True)
        yunyan = make(post_type=PostType.DISTRICT_POST, post_name="云岩区指挥部", region=region(YUNYAN),
                      starts_at=timezone.now() - datetime.timedelta(hours=1),
                      ends_at=timezone.now() + datetime.timedelta(hours=5), staff_name="孙丽")
        post = make(post_type=PostType.MONITORING_POST, post_id=7, post_name="新华小区东门", region=region(NANMING_GRID),
                    starts_at=local(1, 8), ends_at=local(1, 20), staff_name="钱进")
    return Roster


def _state():
    return (list(DutyShift.objects.order_by("pk").values_list("pk", "starts_at", "ends_at", "staff_name",
                                                               "handover_note", "region_id", "is_leader")),
            AuditEvent.objects.count())


# --- services ------------------------------------------------------------------------------------

def test_create_shift_is_audited_and_names_the_post(personas):
    shift = services.create_shift(actor=personas["nanming"], post_type=PostType.DISTRICT_POST,
                                  region=personas.region(NANMING), starts_at=local(1, 8), ends_at=local(1, 20),
                                  user=personas["nanming"], is_leader=True)
    assert shift.post_name.startswith("南明区")
    assert shift.staff_name == "nanming" and shift.is_leader
    event = AuditEvent.objects.get(action="command.duty.shift_created")
    assert event.actor == personas["nanming"] and event.object_id == str(shift.pk)


@pytest.mark.parametrize(("field", "kwargs"), [
    ("ends_at", {"starts_at": local(1, 8), "ends_at": local(1, 7)}),
    ("ends_at", {"starts_at": local(1, 8), "ends_at": local(2, 9)}),  # longer than 24 hours
    ("starts_at", {"starts_at": local(90, 8), "ends_at": local(90, 20)}),  # beyond the planning horizon
    ("post_type", {"post_type": PostType.CHECKPOINT}),
    ("region", {"region_code": "520102001001001"}),  # a grid holds no command post
    ("region", {"post_type": PostType.COMMAND_CENTRE}),  # the command centre sits at the city
    ("staff_name", {"staff_name": ""}),
])
def test_invalid_shifts_are_refused_and_change_nothing(personas, field, kwargs):
    before = _state()
    args = {"post_type": PostType.DISTRICT_POST, "region": personas.region(kwargs.pop("region_code", NANMING)),
            "starts_at": local(1, 8), "ends_at": local(1, 20), "staff_name": "王明", **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.create_shift(actor=personas["nanming"], **args)
    assert field in caught.value.message_dict
    assert _state() == before


def test_other_district_may_not_roster_here(personas):
    before = _state()
    with pytest.raises(PermissionDenied):
        services.create_shift(actor=personas["yunyan"], post_type=PostType.DISTRICT_POST,
                              region=personas.region(NANMING), starts_at=local(1, 8), ends_at=local(1, 20),
                              staff_name="王明")
    assert _state() == before


def test_a_person_cannot_hold_two_overlapping_shifts(personas, roster):
    before = _state()
    with pytest.raises(Conflict):  # the same account, on duty at the district post now, at a street post
        services.create_shift(actor=personas["commander"], post_type=PostType.DISTRICT_POST,
                              region=personas.region("520102001"), starts_at=timezone.now(),
                              ends_at=timezone.now() + datetime.timedelta(hours=4), user=personas["nanming"])
    with pytest.raises(Conflict):  # the same name at the same post (no account)
        services.create_shift(actor=personas["nanming"], post_type=PostType.DISTRICT_POST,
                              region=personas.region(NANMING), starts_at=local(1, 12), ends_at=local(1, 22),
                              staff_name="王明")
    assert _state() == before
    services.create_shift(actor=personas["nanming"], post_type=PostType.DISTRICT_POST,
                          region=personas.region(NANMING), starts_at=local(1, 20), ends_at=local(2, 8),
                          staff_name="王明")  # the next shift, back to back, is fine


def test_update_and_remove_only_before_the_shift_begins(personas, roster):
    nanming = personas["nanming"]
    services.update_shift(roster.future, actor=nanming, post_type=PostType.DISTRICT_POST,
                          region=personas.region(NANMING), post_name="南明区指挥部", starts_at=local(1, 9),
                          ends_at=local(1, 21), staff_name="王明", is_leader=False)
    event = AuditEvent.objects.get(action="command.duty.shift_updated")
    assert set(event.changes) == {"starts_at", "ends_at", "is_leader"}
    before = _state()
    for call in (lambda: services.remove_shift(roster.current, actor=nanming),
                 lambda: services.update_shift(roster.current, actor=nanming, post_type=PostType.DISTRICT_POST,
                                               region=personas.region(NANMING), starts_at=local(1, 9),
                                               ends_at=local(1, 21), staff_name="李华"),
                 lambda: services.remove_shift(roster.post, actor=nanming)):  # a post's own roster
        with pytest.raises(Conflict):
            call()
    assert _state() == before
    services.remove_shift(roster.future, actor=nanming)
    assert not DutyShift.objects.filter(pk=roster.future.pk).exists()
    assert AuditEvent.objects.filter(action="command.duty.shift_removed", object_id=str(roster.future.pk)).exists()


def test_handover_by_the_person_on_duty_or_the_roster_keeper(personas, roster):
    # an account that may read the roster but not keep it: only its own shift
    reader = User.objects.create_user("duty_reader", password="x")
    RoleAssignment.objects.create(user=reader, role=Role.GRID_WORKER, region=personas.region(NANMING))
    mine = DutyShift.objects.create(post_type=PostType.DISTRICT_POST, post_name="南明区指挥部",
                                    region=personas.region(NANMING), starts_at=timezone.now() - datetime.timedelta(
                                        hours=8), ends_at=timezone.now(), staff_name="值班员", user=reader)
    services.record_handover(mine, actor=reader, note="东门卡口人手不足，已协调两名志愿者。")
    mine.refresh_from_db()
    assert mine.handover_note.startswith("东门卡口")
    assert AuditEvent.objects.filter(action="command.duty.handed_over", actor=reader).count() == 1
    before = _state()
    with pytest.raises(PermissionDenied):
        services.record_handover(roster.current_staff, actor=reader, note="x")
    with pytest.raises(Conflict):  # not begun yet
        services.record_handover(roster.future, actor=personas["nanming"], note="x")
    with pytest.raises(ValidationError):
        services.record_handover(roster.current, actor=personas["nanming"], note="  ")
    assert _state() == before


def test_on_duty_now_per_post_in_my_jurisdiction(personas, roster):
    from twofront.command.selectors_duty import on_duty

    posts = on_duty(personas["nanming"])
    assert [(p.post_name, [s.staff_name for s in p.leaders], [s.staff_name for s in p.staff]) for p in posts] == [
        ("南明区指挥部", ["李华"], ["赵敏"])]
    city = on_duty(personas["commander"])
    assert [p.post_name for p in city] == ["市指挥部", "南明区指挥部", "云岩区指挥部"]  # command centre first
    assert on_duty(personas["commander"], region=YUNYAN)[0].staff[0].staff_name == "孙丽"


# --- API and pages ----------------------------------------------------------------------------------

SHIFT = {"post_type": "district_post", "region_code": NANMING, "starts_at": "", "ends_at": "", "staff_name": "陈静",
         "is_leader": False}


def _shift_body():
    return {**SHIFT, "starts_at": local(2, 8).isoformat(), "ends_at": local(2, 20).isoformat()}


# (name, method, url, body, audited action, {persona: status}); {f}: future Nanming shift, {c}: current one,
# {p}: a monitoring post's shift in a Nanming grid
API_CASES = [
    ("list", "get", "/duty/shifts", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 200, "auditor": 403,
      "norole": 403}),
    ("create", "post", "/duty/shifts", "shift", "command.duty.shift_created",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "grid_nanming": 403, "auditor": 403,
      "norole": 403}),
    ("get", "get", "/duty/shifts/{f}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "auditor": 404}),
    ("update", "put", "/duty/shifts/{f}", "shift", "command.duty.shift_updated",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "norole": 404}),
    ("update_post_roster", "put", "/duty/shifts/{p}", "shift", None,
     {"grid_nanming": 403, "nanming": 409, "yunyan": 404}),
    ("delete", "delete", "/duty/shifts/{f}", None, "command.duty.shift_removed",
     {None: 401, "commander": 204, "nanming": 204, "yunyan": 404, "grid_nanming": 404}),
    ("delete_begun", "delete", "/duty/shifts/{c}", None, None, {"nanming": 409}),
    ("handover", "post", "/duty/shifts/{c}/handover", {"note": "夜间无异常，物资已清点。"}, "command.duty.handed_over",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "auditor": 404}),
    ("now", "get", "/duty/now", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 200, "auditor": 403}),
]


def _url(url, roster):
    return url.format(f=roster.future.pk, c=roster.current.pk, p=roster.post.pk)


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "status"),
                         [pytest.param(*case[:5], p, s, id=f"{case[0]}-{p or 'anonymous'}")
                          for case in API_CASES for p, s in case[5].items()])
def test_api_matrix(personas, roster, name, method, url, body, action, persona, status):
    before, last_event = _state(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(_shift_body() if body == "shift" else body)
    response = getattr(client_for(personas[persona] if persona else None), method)(API + _url(url, roster), **kwargs)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state() == before, "a refused call changed something"
    elif action:
        assert AuditEvent.objects.filter(pk__gt=last_event, action=action, actor=personas[persona]).exists()


def test_lists_hold_only_my_jurisdiction(personas, roster):
    def names(persona, url):
        body = client_for(personas[persona]).get(API + url).json()
        return {item["staff_name"] for item in body["items"]} if "items" in body else {
            s["staff_name"] for p in body for s in p["leaders"] + p["staff"]}

    window = f"/duty/shifts?from={timezone.localdate().isoformat()}&to={(timezone.localdate() + datetime.timedelta(days=1)).isoformat()}"
    assert names("nanming", window) == {"王明", "李华", "赵敏", "钱进"}
    assert names("yunyan", window) == {"孙丽"}
    assert names("grid_nanming", window) == {"钱进"}
    assert names("commander", window) == {"王明", "李华", "赵敏", "周强", "孙丽", "钱进"}
    assert names("yunyan", "/duty/now") == {"孙丽"}
    assert names("nanming", f"{window}&post_type=monitoring_post") == {"钱进"}


PAGE_CASES = [
    ("calendar", "get", "/command/duty/",
     {None: 302, "commander": 200, "nanming": 200, "grid_nanming": 200, "auditor": 403, "norole": 403}),
    ("month", "get", "/command/duty/?view=month", {"nanming": 200}),
    ("create_form", "get", "/command/duty/new/", {None: 302, "nanming": 200, "grid_nanming": 403, "auditor": 403}),
    ("create", "post", "/command/duty/new/", {"nanming": 302, "yunyan": 422, "grid_nanming": 403}),
    ("edit", "get", "/command/duty/{f}/edit/", {None: 302, "nanming": 200, "yunyan": 404, "grid_nanming": 404}),
    ("edit_post_roster", "get", "/command/duty/{p}/edit/", {"nanming": 403, "grid_nanming": 403}),
    ("remove", "post", "/command/duty/{f}/remove/", {None: 302, "nanming": 302, "yunyan": 404}),
    ("now", "get", "/command/duty/now/", {None: 302, "nanming": 200, "commander": 200, "auditor": 403}),
    ("now_partial", "get", "/command/duty/now/partial/", {None: 302, "nanming": 200, "auditor": 403}),
    ("handover", "get", "/command/duty/{c}/handover/", {None: 302, "nanming": 200, "yunyan": 404}),
    ("handover_post", "post", "/command/duty/{c}/handover/", {"nanming": 302, "yunyan": 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, roster, name, method, url, persona, status):
    before = _state()
    data = {}
    if name == "create":
        data = {"post_type": "district_post", "region": NANMING, "starts_at": local(2, 8).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": local(2, 20).strftime("%Y-%m-%dT%H:%M"), "staff_name": "陈静"}
    if name == "handover_post":
        data = {"note": "交接：无异常。"}
    response = getattr(client_for(personas[persona] if persona else None), method)(_url(url, roster), data)
    assert response.status_code == status
    if persona is None:
        assert response["Location"].startswith("/login/")
    if status >= 400 or persona is None:
        assert _state() == before
    if name == "calendar" and persona == "nanming":
        html = response.content.decode()
        assert "李华" in html and "孙丽" not in html
    if name == "now" and persona == "nanming":
        html = response.content.decode()
        assert "李华" in html and "赵敏" in html and "周强" not in html
        assert "/handover/" in html  # nanming is on the current shift: a link to write the handover


def test_month_view_shows_the_days_shifts(personas, roster):
    html = client_for(personas["commander"]).get(
        f"/command/duty/?view=month&day={timezone.localdate().isoformat()}").content.decode()
    assert "duty-month" in html and "周强" in html and "孙丽" in html


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=0001-01-01", "from=2020-02-01&to=9999-12-31"])
def test_dates_outside_the_roster_range_are_field_errors(personas, query):
    response = client_for(personas["nanming"]).get(f"{API}/duty/shifts?{query}")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
