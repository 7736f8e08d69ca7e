"""Venue closures: close -> disinfect -> reopen with dates in order; who may do it; the metrics."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.metrics import selectors as metric_values
from twofront.metrics.services import refresh_dirty
from twofront.prevention.choices import VenueState
from twofront.prevention.services import venues as services
from twofront.prevention.tests.test_screening_kit import (
    call,
    check_answer,
    community_fixture,  # noqa: F401  (the fixture)
    matrix,
    state,
)

API = "/api/v1/prevention/venues"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def test_the_cycle_close_disinfect_reopen_then_close_again(community, personas):
    officer, venue = personas["nanming"], community.venue
    venue = services.close_venue(venue, actor=officer, on=day(-5))
    venue = services.disinfect_venue(venue, actor=officer, on=day(-4))
    venue = services.disinfect_venue(venue, actor=officer, on=day(-3))  # disinfected again: the later date
    venue = services.reopen_venue(venue, actor=officer, on=day(-1))
    assert (venue.state, venue.closed_on, venue.disinfected_on, venue.reopened_on) == (
        VenueState.REOPENED, day(-5), day(-3), day(-1))
    venue = services.close_venue(venue, actor=officer, on=day(0))  # a new cycle
    assert (venue.state, venue.disinfected_on, venue.reopened_on) == (VenueState.CLOSED, None, None)
    actions = list(AuditEvent.objects.filter(actor=officer).order_by("pk").values_list("action", flat=True))
    assert actions == ["prevention.venue.closed", "prevention.venue.disinfected", "prevention.venue.disinfected",
                       "prevention.venue.reopened", "prevention.venue.closed"]


@pytest.mark.parametrize(("steps", "error"), [
    ([("reopen", -1)], Conflict),  # never closed
    ([("disinfect", -1)], Conflict),
    ([("close", -3), ("reopen", -1)], Conflict),  # disinfect first
    ([("close", -3), ("close", -2)], Conflict),
    ([("close", -3), ("disinfect", -4)], ValidationError),  # disinfected before it closed
    ([("close", -3), ("disinfect", -2), ("reopen", -3)], ValidationError),  # reopened before disinfection
    ([("close", 1)], ValidationError),  # in the future
])
def test_steps_out_of_order_are_refused_and_change_nothing(community, personas, steps, error):
    officer, venue = personas["nanming"], community.venue
    verbs = {"close": services.close_venue, "disinfect": services.disinfect_venue, "reopen": services.reopen_venue}
    for verb, offset in steps[:-1]:
        venue = verbs[verb](venue, actor=officer, on=day(offset))
    before = state()
    verb, offset = steps[-1]
    with pytest.raises(error):
        verbs[verb](venue, actor=officer, on=day(offset))
    assert state() == before


def test_venues_closed_metric_equals_the_records(community, personas):
    officer = personas["commander"]
    services.close_venue(community.venue, actor=officer, on=day(-2))
    yunyan = services.close_venue(community.venue_yunyan, actor=officer, on=day(-2))
    yunyan = services.disinfect_venue(yunyan, actor=officer, on=day(-1))
    services.reopen_venue(yunyan, actor=officer, on=day(0))
    refresh_dirty()
    keys = ["prevention.venues_closed", "prevention.venues_disinfected", "prevention.venues_reopened"]
    values = {v.metric.key: v.value for v in metric_values.values(officer, keys).values}
    assert values == {"prevention.venues_closed": 1, "prevention.venues_disinfected": 1,
                      "prevention.venues_reopened": 1}
    nanming = metric_values.values(personas["nanming"], keys, date_from=day(-1), date_to=day(-1)).values
    assert [v.value for v in nanming] == [1, 0, 0]  # as of yesterday, in Nanming


VENUE = f"{API}/{{venue}}"
CASES = [
    ("list", "get", API, None, {None: 401, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "norole": 403}),
    ("get", "get", VENUE, None, {None: 401, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "norole": 404}),
    ("create", "post", API, {"name": "市博物馆", "kind": "museum", "region_code": "520102001"},
     {None: 401, "nanming": 201, "yunyan": 403, "grid_nanming": 403, "norole": 403}),
    ("create_city_level", "post", API, {"name": "x", "kind": "museum", "region_code": "520100"}, {"commander": 422}),
    ("close", "post", f"{VENUE}/close", {}, {None: 401, "nanming": 200, "yunyan": 404, "grid_nanming": 404}),
    ("reopen_open", "post", f"{VENUE}/reopen", {}, {"nanming": 409, "yunyan": 404}),
    ("close_future", "post", f"{VENUE}/close", {"on": str(day(3))}, {"nanming": 422}),
    ("disinfect_open", "post", f"{VENUE}/disinfect", {}, {"nanming": 409}),
]
WRITES = {"create": "prevention.venue.created", "close": "prevention.venue.closed"}


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), list(matrix(CASES)))
def test_api_matrix(community, personas, client_as, name, method, url, body, persona, status):
    user = personas[persona] if persona else None
    before = state()
    response = call(client_as(user), method, url.format(venue=community.venue.pk), body)
    check_answer(response, status, before, action=WRITES.get(name), actor=user)


def test_lists_hold_only_the_jurisdiction(community, personas, client_as):
    names = {v["name"] for v in client_as(personas["yunyan"]).get(f"{API}?limit=100").json()["items"]}
    assert names == {"云岩图书馆"}
    assert client_as(personas["commander"]).get(f"{API}?kind=ktv").json()["count"] == 1


PAGES = [
    ("list", "/prevention/venues/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("detail", "/prevention/venues/{venue}/", {None: 302, "nanming": 200, "yunyan": 404}),
    ("create", "/prevention/venues/new/", {None: 302, "nanming": 200, "grid_nanming": 403}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"),
                         [pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGES
                          for p, s in e.items()])
def test_page_matrix(community, personas, client_as, name, url, persona, status):
    response = client_as(personas[persona] if persona else None).get(url.format(venue=community.venue.pk))
    assert response.status_code == status


def test_page_steps_follow_the_state(community, personas, client_as):
    client = client_as(personas["nanming"])
    url = f"/prevention/venues/{community.venue.pk}/"
    assert f'action="/prevention/venues/{community.venue.pk}/close/"' in client.get(url).content.decode()
    assert client.post(f"{url}close/", {"on": str(day(-2))}).status_code == 302
    page = client.get(url).content.decode()
    assert "/disinfect/" in page and "/close/" not in page and "/reopen/" not in page
    refused = client.post(f"{url}reopen/", {"on": str(day(0))})  # not disinfected yet
    assert refused.status_code == 422 and "errors" in refused.content.decode()
    assert client.post(f"{url}disinfect/", {"on": str(day(-3))}).status_code == 422  # before the closure
    assert client_as(personas["yunyan"]).post(f"{url}disinfect/", {"on": str(day(0))}).status_code == 404
