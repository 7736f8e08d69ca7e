"""Idempotency-Key: a retry returns the first result; another body with the same key is 422."""

import json

import pytest

from twofront.core.models import AuditEvent, IdempotencyRecord, Person
from twofront.core.testing import at_once, client_for, sample_identity


def _body(index=0, **extra):
    identity = sample_identity(index, seed=31)
    return {"name": identity["name"], "id_number": identity["id_number"], "phone": identity["phone"],
            "region_code": "520102001001001", **extra}


def _post(client, body, key):
    return client.post("/api/v1/persons", json.dumps(body), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_retry_returns_the_first_result(personas, client_as):
    client = client_as(personas["nanming"])
    first = _post(client, _body(), "key-1")
    second = _post(client, _body(), "key-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="core.person.created").count() == 1


def test_same_key_with_another_body_is_422(personas, client_as):
    client = client_as(personas["nanming"])
    assert _post(client, _body(), "key-2").status_code == 201
    response = _post(client, _body(1), "key-2")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["Idempotency-Key"]
    assert Person.objects.count() == 1


def test_failed_request_does_not_burn_the_key(personas, client_as):
    client = client_as(personas["nanming"])
    assert _post(client, _body(region_code="999999"), "key-3").status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert _post(client, _body(region_code="999999"), "key-3").status_code == 422


def test_keys_are_per_user(personas, client_as):
    assert _post(client_as(personas["nanming"]), _body(), "shared").status_code == 201
    # another user's identical key is a different request (and here a duplicate ID)
    response = _post(client_as(personas["commander"]), _body(), "shared")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["id_number"]


@pytest.mark.slow
def test_fifty_concurrent_identical_submissions_create_exactly_one_record(personas_tx):
    user = personas_tx["nanming"]
    body = _body(7)

    def submit():
        response = _post(client_for(user), body, "flaky-network-1")
        return response.status_code, response.json().get("id")

    results = at_once(50, submit)
    assert len(results) == 50
    assert {status for status, _ in results} == {201}
    assert len({pk for _, pk in results}) == 1
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="core.person.created").count() == 1
