"""GET /api/v1/metrics and /catalog: scoped like every endpoint, labels in the request's language."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from twofront.metrics.tests.conftest import COMMUNITY, GRID_1, GRID_2, YUNYAN_GRID

URL = "/api/v1/metrics"
MARCH_1 = datetime.date(2020, 3, 1)


@pytest.fixture
def registered(persons_on, refresh):
    persons_on(MARCH_1, GRID_1, 2)
    persons_on(MARCH_1, GRID_2, 1)
    persons_on(MARCH_1, YUNYAN_GRID, 3)
    refresh()


def get(client, url=URL, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("persona", "params", "status"), [
    (None, {}, 401),
    ("norole", {}, 403),
    ("grid_nanming", {}, 403),
    ("auditor", {}, 403),
    ("nanming", {"region": "520103"}, 404),
    ("nanming", {"region": "520100"}, 404),
    ("nanming", {"region": YUNYAN_GRID}, 404),
    ("commander", {"region": "999999"}, 404),
    ("nanming", {"region": COMMUNITY}, 200),
    ("commander", {"region": "520103"}, 200),
])
def test_values_are_scoped_to_the_jurisdiction(personas, client_as, persona, params, status):
    client = client_as(personas[persona] if persona else None)
    response = get(client, **params)
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("params", [
    {"keys": "core.persons_new,nope.nothing"},
    {"from": "2020-13-01"},
    {"from": "2020-03-02", "to": "2020-03-01"},
    {"from": "0001-01-01", "to": "0001-01-01"},
    {"to": "9999-12-31"},
    {"group": "week"},
    {"region": "52'0102"},
    {"from": "2019-01-01", "to": "2020-03-01", "group": "day"},
])
def test_bad_parameters_are_422_with_field_errors(personas, client_as, params):
    response = get(client_as(personas["commander"]), **params)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_unknown_key_is_named_in_the_error(personas, client_as):
    body = get(client_as(personas["commander"]), keys="nope.nothing").json()
    assert body["errors"][0]["loc"] == ["keys"]
    assert "nope.nothing" in body["errors"][0]["msg"]


def test_values_for_the_city_with_children(registered, personas, client_as):
    response = get(client_as(personas["commander"]), keys="core.persons_registered,core.persons_new",
                   to="2020-03-01", group="children")
    assert response.status_code == 200
    body = response.json()
    assert (body["region"]["code"], body["from"], body["to"], body["group"]) == (
        "520100", "2020-03-01", "2020-03-01", "children")
    registered_out = body["metrics"][0]
    assert registered_out["key"] == "core.persons_registered"
    assert registered_out["label"] == "Persons registered"
    assert (registered_out["value"], registered_out["kind"], registered_out["cumulative"]) == (6, "count", True)
    assert [(c["code"], c["value"]) for c in registered_out["children"]] == [("520102", 3), ("520103", 3)]
    assert registered_out["direct_value"] == 0


def test_daily_series(registered, personas, client_as):
    body = get(client_as(personas["nanming"]), keys="core.persons_new", **{"from": "2020-02-29", "to": "2020-03-01"},
               group="day").json()
    assert body["region"]["code"] == "520102"
    assert body["metrics"][0]["series"] == [{"day": "2020-02-29", "value": 0}, {"day": "2020-03-01", "value": 3}]


def test_labels_follow_the_request_language(personas, client_as):
    client = client_as(personas["commander"])
    english = client.get(URL, {"keys": "core.persons_registered"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get(URL, {"keys": "core.persons_registered"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["metrics"][0]["label"] == "Persons registered"
    assert chinese["metrics"][0]["label"] == "登记人数"


def test_api_reads_no_person_rows(registered, personas, client_as):
    client = client_as(personas["commander"])
    with CaptureQueriesContext(connection) as queries:
        assert get(client, group="children").status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "core_person" in q["sql"]]


def test_catalog_lists_the_declared_metrics(personas, client_as):
    response = get(client_as(personas["nanming"]), url=f"{URL}/catalog")
    assert response.status_code == 200
    by_key = {m["key"]: m for m in response.json()}
    assert by_key["core.persons_registered"]["cumulative"] is True
    assert by_key["core.persons_new"]["dimensions"] == ["region", "day"]
    assert get(client_as(personas["norole"]), url=f"{URL}/catalog").status_code == 403
    assert get(client_as(None), url=f"{URL}/catalog").status_code == 401


def test_openapi_declares_the_error_statuses(client_as, personas):
    schema = client_as(personas["commander"]).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/metrics"]["get"]
    assert operation["operationId"] == "metrics_values"
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {"keys", "region", "from", "to", "group"}
