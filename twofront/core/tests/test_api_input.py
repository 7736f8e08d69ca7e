"""Input the database cannot hold is refused with a 422 and field errors before any query runs."""

import pytest

from twofront.core.models import Person


@pytest.fixture
def api(personas, client_as):
    return client_as(personas["commander"])


def _problem(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_body_that_is_not_json_is_a_validation_problem(api):
    body = _problem(api.post("/api/v1/persons", data=b"\x00{not json", content_type="application/json"))
    assert body["errors"][0]["loc"] == ["__all__"]
    assert Person.objects.count() == 0


def test_nul_character_in_body_is_refused_with_its_field(api):
    body = _problem(api.post("/api/v1/persons", data={"name": "张\x00三"}, content_type="application/json"))
    assert body["errors"] == [{"loc": ["name"], "msg": "不允许 NUL 字符 / NUL characters are not allowed"}]
    assert Person.objects.count() == 0


def test_nul_character_in_query_is_refused(api):
    body = _problem(api.get("/api/v1/persons", {"q": "a\x00b"}))
    assert body["errors"][0]["loc"] == ["q"]


@pytest.mark.parametrize("value, ok", [("2020-02-01T08:00:00+23:30", False), ("2020-02-01T08:00:00-16:00", False),
                                       ("2020-02-01T08:00:00+15:59", True), ("2020-02-01T08:00:00+08:00", True)])
def test_utc_offsets_postgresql_cannot_store_are_refused(personas, client_as, value, ok):
    response = client_as(personas["auditor"]).get("/api/v1/audit", {"since": value})
    if ok:
        assert response.status_code == 200, response.content
    else:
        assert _problem(response)["errors"][0]["loc"] == ["since"]


@pytest.mark.parametrize("params", [{"offset": 2**63}, {"offset": 2**31}, {"limit": 0}, {"limit": 10_000}])
def test_pagination_out_of_range_is_a_validation_problem(api, params):
    _problem(api.get("/api/v1/persons", params))


def test_largest_offset_is_served(api):
    response = api.get("/api/v1/persons", {"offset": 2**31 - 1})
    assert response.status_code == 200 and response.json()["items"] == []
