"""Closed management: closures, monitoring posts, rosters and daily counts; who may do what; the metrics."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, DutyShift
from twofront.metrics import selectors as metric_values
from twofront.metrics.services import refresh_dirty
from twofront.prevention.models import ClosurePeriod, PostDailyCount
from twofront.prevention.services import compounds as services
from twofront.prevention.tests.test_screening_kit import (
    GRID_1,
    call,
    check_answer,
    community_fixture,  # noqa: F401  (the fixture)
    matrix,
    state,
)

TODAY = timezone.localdate
API = "/api/v1/prevention"


def moment(hour: int, days: int = 0) -> str:
    return timezone.make_aware(datetime.datetime.combine(TODAY() + datetime.timedelta(days=days),
                                                         datetime.time(hour))).isoformat()


# -- services --------------------------------------------------------------------------------------

def test_closure_starts_once_and_ends_after_it_started(community, personas):
    officer = personas["nanming"]
    closure = services.start_closure(community.compound, actor=officer, starts_on=TODAY())
    with pytest.raises(Conflict):
        services.start_closure(community.compound, actor=officer, starts_on=TODAY())
    with pytest.raises(ValidationError) as error:
        services.end_closure(community.compound, actor=officer, ends_on=TODAY() - datetime.timedelta(days=1))
    assert "ends_on" in error.value.message_dict
    services.end_closure(community.compound, actor=officer, ends_on=TODAY())
    closure.refresh_from_db()
    assert closure.ends_on == TODAY()
    with pytest.raises(Conflict):
        services.end_closure(community.compound, actor=officer, ends_on=TODAY())
    assert list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True).order_by("pk")) == [
        "prevention.closure.started", "prevention.closure.ended"]


def test_a_closure_cannot_start_in_the_future(community, personas):
    with pytest.raises(ValidationError):
        services.start_closure(community.compound, actor=personas["nanming"],
                               starts_on=TODAY() + datetime.timedelta(days=1))
    assert not ClosurePeriod.objects.exists()


def test_other_district_cannot_close_a_compound_and_nothing_changes(community, personas):
    before = state()
    with pytest.raises(PermissionDenied):
        services.start_closure(community.compound, actor=personas["yunyan"], starts_on=TODAY())
    with pytest.raises(PermissionDenied):  # a grid worker counts at posts but does not close compounds
        services.start_closure(community.compound, actor=personas["grid_nanming"], starts_on=TODAY())
    assert state() == before


def test_a_second_count_for_the_day_replaces_the_first(community, personas):
    worker = personas["grid_nanming"]
    services.record_post_count(community.post, actor=worker, day=TODAY(), entries=10, exits=4)
    count = services.record_post_count(community.post, actor=worker, day=TODAY(), entries=12, exits=5)
    assert PostDailyCount.objects.filter(post=community.post).count() == 1
    assert (count.entries, count.exits) == (12, 5)
    actions = list(AuditEvent.objects.filter(actor=worker).values_list("action", "changes").order_by("pk"))
    assert [a for a, _c in actions] == ["prevention.post_count.recorded", "prevention.post_count.updated"]
    assert actions[1][1] == {"entries": [10, 12], "exits": [4, 5]}


@pytest.mark.parametrize(("entries", "day_offset", "field"), [(-1, 0, "entries"), (10, 1, "day"),
                                                              (2_000_000, 0, "entries")])
def test_bad_counts_are_field_errors(community, personas, entries, day_offset, field):
    with pytest.raises(ValidationError) as error:
        services.record_post_count(community.post, actor=personas["grid_nanming"], entries=entries, exits=0,
                                   day=TODAY() + datetime.timedelta(days=day_offset))
    assert field in error.value.message_dict
    assert not PostDailyCount.objects.exists()


def test_roster_shift_rules(community, personas):
    officer = personas["nanming"]
    now = timezone.now()
    shift = services.add_post_shift(community.post, actor=officer, starts_at=now, ends_at=now + datetime.timedelta(hours=8),
                                    staff_name="", user=personas["grid_nanming"], is_leader=True)
    assert (shift.post_type, shift.post_id, shift.staff_name) == ("monitoring_post", community.post.pk, "grid_nanming")
    with pytest.raises(ValidationError):  # longer than a day
        services.add_post_shift(community.post, actor=officer, starts_at=now, ends_at=now + datetime.timedelta(hours=25),
                                staff_name="张三")
    with pytest.raises(PermissionDenied):  # a grid worker reads the roster, an official writes it
        services.add_post_shift(community.post, actor=personas["grid_nanming"], starts_at=now,
                                ends_at=now + datetime.timedelta(hours=1), staff_name="张三")
    services.remove_post_shift(shift, actor=officer)
    assert not DutyShift.objects.exists()
    assert AuditEvent.objects.filter(action="prevention.post.shift_removed", actor=officer).count() == 1


# -- metrics ---------------------------------------------------------------------------------------

def test_closed_management_metrics_equal_the_records(community, personas):
    officer = personas["commander"]
    services.start_closure(community.compound, actor=officer, starts_on=TODAY() - datetime.timedelta(days=2))
    services.start_closure(community.compound_yunyan, actor=officer, starts_on=TODAY())
    services.end_closure(community.compound_yunyan, actor=officer, ends_on=TODAY())
    services.record_post_count(community.post, actor=officer, day=TODAY(), entries=30, exits=20)
    services.record_post_count(community.post_yunyan, actor=officer, day=TODAY(), entries=7, exits=1)
    refresh_dirty()
    keys = ["prevention.compounds_closed", "prevention.compounds_closed_urban", "prevention.compounds_closed_village",
            "prevention.posts_active", "prevention.posts_reporting", "prevention.post_entries", "prevention.post_exits"]
    city = {v.metric.key: metric_values.number(v.metric, v.value) for v in metric_values.values(officer, keys).values}
    assert city == {"prevention.compounds_closed": 1, "prevention.compounds_closed_urban": 1,
                    "prevention.compounds_closed_village": 0, "prevention.posts_active": 2,
                    "prevention.posts_reporting": 2, "prevention.post_entries": 37, "prevention.post_exits": 21}
    nanming = metric_values.values(personas["nanming"], ["prevention.post_entries"]).values[0]
    assert nanming.value == 30


# -- API: persona x endpoint x status --------------------------------------------------------------

COMPOUND = f"{API}/compounds/{{compound}}"
POST = f"{API}/posts/{{post}}"
CASES = [
    ("list", "get", f"{API}/compounds", None,
     {None: 401, "nanming": 200, "yunyan": 200, "grid_nanming": 200, "auditor": 403, "norole": 403}),
    ("get", "get", COMPOUND, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 200, "auditor": 404, "norole": 404}),
    ("create", "post", f"{API}/compounds", {"name": "花果园", "kind": "urban", "region_code": "520102001001"},
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "grid_nanming": 403, "norole": 403}),
    ("create_bad_kind", "post", f"{API}/compounds", {"name": "x", "kind": "castle", "region_code": GRID_1},
     {"nanming": 422}),
    ("closures", "get", f"{COMPOUND}/closures", None, {None: 401, "nanming": 200, "yunyan": 404, "grid_nanming": 200}),
    ("close", "post", f"{COMPOUND}/closures/start", {"note": "疫情防控"},
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "grid_nanming": 403, "auditor": 404, "norole": 404}),
    ("end_when_open", "post", f"{COMPOUND}/closures/end", {}, {"nanming": 409, "yunyan": 404}),
    ("posts", "get", f"{API}/posts", None, {None: 401, "nanming": 200, "grid_nanming": 200, "norole": 403}),
    ("post_create", "post", f"{COMPOUND}/posts", {"name": "西门"},
     {None: 401, "nanming": 201, "yunyan": 404, "grid_nanming": 403}),
    ("post_get", "get", POST, None, {None: 401, "nanming": 200, "grid_nanming": 200, "yunyan": 404, "norole": 404}),
    ("shifts", "get", f"{POST}/shifts", None, {None: 401, "nanming": 200, "grid_nanming": 200, "yunyan": 404}),
    ("shift_add", "post", f"{POST}/shifts", {"starts_at": "{start}", "ends_at": "{end}", "staff_name": "王五"},
     {None: 401, "nanming": 201, "grid_nanming": 403, "yunyan": 404}),
    ("count_put", "put", f"{POST}/counts/{{today}}", {"entries": 12, "exits": 3},
     {None: 401, "commander": 200, "nanming": 200, "grid_nanming": 200, "yunyan": 404, "auditor": 404,
      "norole": 404}),
    ("count_future", "put", f"{POST}/counts/{{tomorrow}}", {"entries": 12, "exits": 3}, {"grid_nanming": 422}),
    ("counts", "get", f"{POST}/counts", None, {None: 401, "grid_nanming": 200, "yunyan": 404}),
]
WRITES = {"create": "prevention.compound.created", "close": "prevention.closure.started",
          "post_create": "prevention.post.created", "shift_add": "prevention.post.shift_added",
          "count_put": "prevention.post_count.recorded"}


def _fill(value, community):
    names = {"compound": community.compound.pk, "post": community.post.pk, "today": TODAY().isoformat(),
             "tomorrow": (TODAY() + datetime.timedelta(days=1)).isoformat(), "start": moment(8), "end": moment(16)}
    if isinstance(value, dict):
        return {k: _fill(v, community) for k, v in value.items()}
    return value.format(**names) if isinstance(value, str) else value


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), list(matrix(CASES)))
def test_api_matrix(community, personas, client_as, name, method, url, body, persona, status):
    user = personas[persona] if persona else None
    before = state()
    response = call(client_as(user), method, _fill(url, community), _fill(body, community))
    check_answer(response, status, before, action=WRITES.get(name), actor=user)


def test_lists_hold_only_the_jurisdiction(community, personas, client_as):
    def names(persona, path):
        return {row["name"] for row in client_as(personas[persona]).get(f"{API}/{path}?limit=100").json()["items"]}

    assert names("nanming", "compounds") == {"新华小区"}
    assert names("yunyan", "compounds") == {"黔东村民组"}
    assert names("grid_nanming", "posts") == {"东大门"}
    assert names("commander", "compounds") == {"新华小区", "黔东村民组"}
    closed = client_as(personas["nanming"]).get(f"{API}/compounds?closed=true").json()
    assert closed["count"] == 0


def test_count_retry_with_idempotency_key_records_once(community, personas, client_as):
    client = client_as(personas["grid_nanming"])
    url = f"{API}/posts/{community.post.pk}/counts/{TODAY().isoformat()}"
    first = client.put(url, {"entries": 5, "exits": 1}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.put(url, {"entries": 5, "exits": 1}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert AuditEvent.objects.filter(action__startswith="prevention.post_count").count() == 1


# -- pages -----------------------------------------------------------------------------------------

PAGES = [
    ("list", "/prevention/compounds/", {None: 302, "nanming": 200, "grid_nanming": 200, "auditor": 403, "norole": 403}),
    ("detail", "/prevention/compounds/{compound}/", {None: 302, "nanming": 200, "yunyan": 404, "grid_nanming": 200}),
    ("create", "/prevention/compounds/new/", {None: 302, "nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("posts", "/prevention/posts/", {None: 302, "grid_nanming": 200, "norole": 403}),
    ("post", "/prevention/posts/{post}/", {None: 302, "grid_nanming": 200, "nanming": 200, "yunyan": 404}),
    ("roster", "/prevention/posts/{post}/roster/", {None: 302, "nanming": 200, "grid_nanming": 200, "yunyan": 404}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"),
                         [pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGES
                          for p, s in e.items()])
def test_page_matrix(community, personas, client_as, name, url, persona, status):
    response = client_as(personas[persona] if persona else None).get(_fill(url, community))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


def test_page_count_entry_then_update(community, personas, client_as):
    client = client_as(personas["grid_nanming"])
    url = f"/prevention/posts/{community.post.pk}/count/"
    assert client.post(url, {"day": TODAY().isoformat(), "entries": "8", "exits": "2"}).status_code == 302
    assert client.post(url, {"day": TODAY().isoformat(), "entries": "9", "exits": "2"}).status_code == 302
    page = client.get(f"/prevention/posts/{community.post.pk}/").content.decode()
    assert 'value="9"' in page  # the form shows today's numbers, ready to correct
    assert PostDailyCount.objects.get().entries == 9
    before = state()
    refused = client_as(personas["yunyan"]).post(url, {"day": TODAY().isoformat(), "entries": "1", "exits": "1"})
    assert refused.status_code == 404 and state() == before
    invalid = client.post(url, {"day": TODAY().isoformat(), "entries": "-3", "exits": "1"})
    assert invalid.status_code == 422 and state() == before


def test_page_closure_start_and_end(community, personas, client_as):
    client = client_as(personas["nanming"])
    base = f"/prevention/compounds/{community.compound.pk}"
    assert client.post(f"{base}/closure/start/", {"starts_on": TODAY().isoformat()}).status_code == 302
    assert "badge red" in client.get(f"{base}/").content.decode()
    response = client.post(f"{base}/closure/start/", {"starts_on": TODAY().isoformat()})
    assert response.status_code == 422  # already closed: the conflict is shown on the page
    assert client.post(f"{base}/closure/end/", {"ends_on": TODAY().isoformat()}).status_code == 302
    assert client_as(personas["grid_nanming"]).post(f"{base}/closure/start/",
                                                    {"starts_on": TODAY().isoformat()}).status_code == 403
    assert ClosurePeriod.objects.filter(ends_on__isnull=True).count() == 0


def test_page_roster_add_shift(community, personas, client_as):
    client = client_as(personas["nanming"])
    url = f"/prevention/posts/{community.post.pk}/roster/"
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    response = client.post(url, {"starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                 "ends_at": start.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
                                 "staff_name": "李四", "is_leader": "on"})
    assert response.status_code == 302
    assert "李四" in client.get(url).content.decode()
    assert "李四" in client_as(personas["grid_nanming"]).get(f"/prevention/posts/{community.post.pk}/").content.decode()
