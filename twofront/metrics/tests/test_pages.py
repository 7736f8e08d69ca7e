"""/metrics/: the catalogue with values for the jurisdiction and an htmx drill-down by child region."""

import datetime

import pytest

from twofront.metrics.tests.conftest import GRID_1, YUNYAN_GRID

URL = "/metrics/"


@pytest.fixture
def registered(persons_on, refresh):
    persons_on(datetime.date(2020, 3, 1), GRID_1, 2)
    persons_on(datetime.date(2020, 3, 1), YUNYAN_GRID, 1)
    refresh()


def test_overview_lists_the_catalogue_and_children(registered, personas, client_as):
    response = client_as(personas["commander"]).get(URL, {"date_to": "2020-03-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Persons registered" in page and "core.persons_new" in page
    assert "南明区" in page and "云岩区" in page
    assert ('hx-get="?region=520102&amp;metric=core.persons_registered&amp;date_from=2020-03-01&amp;'
            'date_to=2020-03-01"') in page


def test_choosing_a_metric_shows_its_breakdown(registered, personas, client_as):
    response = client_as(personas["commander"]).get(URL, {"metric": "core.persons_new", "date_to": "2020-03-01"},
                                                    HTTP_ACCEPT_LANGUAGE="en")
    assert "Persons newly registered by region under 贵阳市" in response.content.decode()


def test_drill_down_returns_the_panel_only(registered, personas, client_as):
    response = client_as(personas["commander"]).get(URL, {"region": "520102"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "新华路街道" in page


def test_menu_shows_metrics_to_officials_only(personas, client_as):
    assert 'href="/metrics/"' in client_as(personas["nanming"]).get("/").content.decode()
    assert 'href="/metrics/"' not in client_as(personas["grid_nanming"]).get("/").content.decode()


@pytest.mark.parametrize(("persona", "params", "status"), [
    ("nanming", {"region": "520103"}, 404),
    ("nanming", {}, 200),
    ("norole", {}, 403),
    ("grid_nanming", {}, 403),
    ("commander", {"date_from": "2020-03-02", "date_to": "2020-03-01"}, 422),
    ("commander", {"date_from": "not a date"}, 422),
    ("norole", {"date_from": "not a date"}, 403),
])
def test_overview_is_scoped(personas, client_as, persona, params, status):
    assert client_as(personas[persona]).get(URL, params).status_code == status


def test_anonymous_is_sent_to_sign_in(client_as):
    response = client_as(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
