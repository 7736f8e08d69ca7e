"""Every core endpoint and page against every persona: the matrix is data, not copied test bodies.

Expected: anonymous -> 401 (API) / login redirect (pages); no permission -> 403; other jurisdiction -> 404
(and absent from lists); allowed -> works, and writes are audited."""

import json

import pytest

from twofront.core.models import AuditEvent, Person
from twofront.core.testing import sample_identity

NANMING_GRID = "520102001001001"

# (name, method, url, body, {persona: expected status}); "{pk}" is a person in the Nanming grid.
API_CASES = [
    ("list", "get", "/api/v1/persons", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 200, "auditor": 200}),
    ("get", "get", "/api/v1/persons/{pk}", None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 200, "auditor": 404,
      "norole": 404}),
    ("update", "patch", "/api/v1/persons/{pk}", {"address": "新地址"},
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 200, "auditor": 404}),
    ("reveal", "post", "/api/v1/persons/{pk}/reveal", {"reason": "核实身份信息"},
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 403, "auditor": 404}),
    ("delete", "delete", "/api/v1/persons/{pk}", None,
     {None: 401, "nanming": 204, "yunyan": 404, "grid_nanming": 403, "auditor": 404, "norole": 404}),
    ("create_in_nanming", "post", "/api/v1/persons", "new_person",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "grid_nanming": 201, "auditor": 403,
      "norole": 403}),
    ("audit", "get", "/api/v1/audit", None,
     {None: 401, "auditor": 200, "nanming_auditor": 200, "commander": 403, "nanming": 403, "norole": 403}),
    ("regions", "get", "/api/v1/regions", None, {None: 401, "nanming": 200, "norole": 200}),
    ("me", "get", "/api/v1/me", None, {None: 401, "norole": 200}),
]

WRITE_ACTIONS = {"update": "core.person.updated", "reveal": "core.person.revealed", "delete": "core.person.deleted",
                 "create_in_nanming": "core.person.created"}


def _cases(cases):
    for name, method, url, body, expected in cases:
        for persona, status in expected.items():
            yield pytest.param(name, method, url, body, persona, status, id=f"{name}-{persona or 'anonymous'}")


def _body(body, index):
    if body == "new_person":
        identity = sample_identity(index, seed=99)
        return {"name": identity["name"], "id_number": identity["id_number"], "phone": identity["phone"],
                "region_code": NANMING_GRID}
    return body


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), list(_cases(API_CASES)))
def test_api_matrix(personas, person_nanming, client_as, name, method, url, body, persona, status):
    client = client_as(personas[persona] if persona else None)
    before = Person.objects.values().get(pk=person_nanming.pk)
    audit_before = AuditEvent.objects.count()
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(_body(body, 1))
    response = getattr(client, method)(url.format(pk=person_nanming.pk), **kwargs)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        # a refused call changed nothing
        if name != "create_in_nanming":
            assert Person.objects.values().get(pk=person_nanming.pk) == before
        assert not AuditEvent.objects.filter(action__in=WRITE_ACTIONS.values()).exclude(
            action="core.person.created", object_id=str(person_nanming.pk)).filter(
            id__gt=0).exclude(pk__lte=audit_before).exists()
    elif name in WRITE_ACTIONS:
        assert AuditEvent.objects.filter(action=WRITE_ACTIONS[name], actor=personas[persona]).exists()


def test_other_district_persons_are_absent_from_lists(personas, make_person, client_as):
    mine = make_person("520102001001001")
    theirs = make_person("520103001001001")
    ids = {p["id"] for p in client_as(personas["nanming"]).get("/api/v1/persons?limit=500").json()["items"]}
    assert mine.pk in ids and theirs.pk not in ids
    # nor findable by exact ID lookup or region filter
    from twofront.core import pii

    number = pii.decrypt(theirs.id_number_ct)
    client = client_as(personas["nanming"])
    assert client.get("/api/v1/persons", {"id_number": number}).json()["count"] == 0
    assert client.get("/api/v1/persons", {"region": "520103"}).json()["count"] == 0


def test_audit_list_is_scoped_to_the_auditors_region(personas, make_person, client_as):
    make_person("520102001001001")
    make_person("520103001001001")
    regions = {e["region_code"] for e in client_as(personas["nanming_auditor"]).get("/api/v1/audit?limit=500").json()["items"]}
    assert regions == {"520102001001001"}
    city = {e["region_code"] for e in client_as(personas["auditor"]).get("/api/v1/audit?limit=500").json()["items"]}
    assert {"520102001001001", "520103001001001"} <= city


# Pages: (name, url, {persona: status}); 302 = redirect to login.
PAGE_CASES = [
    ("home", "/", {None: 302, "norole": 200, "nanming": 200}),
    ("person_list", "/persons/", {None: 302, "nanming": 200, "grid_nanming": 200, "auditor": 403, "norole": 403}),
    ("person_detail", "/persons/{pk}/", {None: 302, "nanming": 200, "yunyan": 404, "auditor": 404}),
    ("person_create", "/persons/new/", {None: 302, "nanming": 200, "auditor": 403}),
    ("person_update", "/persons/{pk}/edit/", {None: 302, "nanming": 200, "grid_nanming": 200, "yunyan": 404}),
    ("person_delete", "/persons/{pk}/delete/", {None: 302, "nanming": 200, "grid_nanming": 403, "yunyan": 404}),
    ("audit", "/audit/", {None: 302, "auditor": 200, "nanming": 403}),
    ("tokens", "/tokens/", {None: 302, "norole": 200}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"),
                         [pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, person_nanming, client_as, name, url, persona, status):
    response = client_as(personas[persona] if persona else None).get(url.format(pk=person_nanming.pk))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/login/")


def test_pages_never_show_full_numbers(personas, person_nanming, client_as):
    from twofront.core import pii

    number, phone = pii.decrypt(person_nanming.id_number_ct), pii.decrypt(person_nanming.phone_ct)
    client = client_as(personas["nanming"])
    for url in ("/persons/", f"/persons/{person_nanming.pk}/", f"/persons/{person_nanming.pk}/edit/"):
        html = client.get(url).content.decode()
        assert number not in html and phone not in html
        assert person_nanming.id_number_masked in html or url.endswith("edit/")


def test_page_reveal_shows_numbers_once_and_audits(personas, person_nanming, client_as):
    from twofront.core import pii

    client = client_as(personas["nanming"])
    response = client.post(f"/persons/{person_nanming.pk}/reveal/", {"reason": "核实身份信息"})
    assert response.status_code == 200
    assert pii.decrypt(person_nanming.id_number_ct) in response.content.decode()
    assert AuditEvent.objects.filter(action="core.person.revealed", reason="核实身份信息").count() == 1
    assert client_as(personas["yunyan"]).post(f"/persons/{person_nanming.pk}/reveal/", {"reason": "x" * 5}).status_code == 404
    assert client_as(personas["grid_nanming"]).post(f"/persons/{person_nanming.pk}/reveal/",
                                                    {"reason": "x" * 5}).status_code == 403


def test_page_create_person_with_bad_id_shows_field_error(personas, client_as):
    response = client_as(personas["nanming"]).post("/persons/new/", {
        "name": "测试", "id_number": "110105194912310021", "region": NANMING_GRID})
    assert response.status_code == 422
    assert "checksum" in response.content.decode() or "校验位" in response.content.decode()
    assert not Person.objects.exists()


def test_page_create_then_edit_person(personas, client_as):
    identity = sample_identity(5)
    client = client_as(personas["nanming"])
    response = client.post("/persons/new/", {"name": identity["name"], "id_number": identity["id_number"],
                                             "phone": identity["phone"], "region": NANMING_GRID, "address": "a"})
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/persons/{person.pk}/"
    response = client.post(f"/persons/{person.pk}/edit/", {"name": "新名字", "id_number": "", "phone": "",
                                                           "region": NANMING_GRID, "address": "b"})
    person.refresh_from_db()
    assert response.status_code == 302 and person.name == "新名字" and person.phone_masked  # numbers kept
    # the form offers only regions in my jurisdiction
    assert "520103001001001" not in client.get("/persons/new/").content.decode()
