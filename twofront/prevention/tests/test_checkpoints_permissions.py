"""Every checkpoint endpoint and page against every persona; the matrix is data.

anonymous -> 401 (API) / login redirect (pages); no permission -> 403; another checkpoint or district -> 404
and absent from lists; allowed -> works and is audited; a refused call changes nothing."""

import json

import pytest

from twofront.core.models import AuditEvent, DutyShift, Person
from twofront.prevention.models import Checkpoint, Passage, PassageTraveller, PendingTraveller
from twofront.prevention.tests.test_checkpoints_kit import (
    NANMING_GRID,
    YUNYAN_GRID,
    identity,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    passage_body,
    traveller,
)

API = "/api/v1/prevention"
SHIFT = {"starts_at": "2020-02-10T08:00:00+08:00", "ends_at": "2020-02-10T20:00:00+08:00", "staff_name": "值班员",
         "is_leader": True}

# (name, method, url, body, audited action, {persona: status}); {cp}: the Nanming checkpoint, {p}: its confirmed
# passage, {pending}: its pending self-registration, {token}: its QR token.
API_CASES = [
    ("checkpoints", "get", "/checkpoints", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "staff_nanming": 200, "grid_nanming": 403,
      "auditor": 403, "norole": 403}),
    ("checkpoint", "get", "/checkpoints/{cp}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "staff_nanming": 200, "staff_yunyan": 404,
      "grid_nanming": 404, "norole": 404}),
    ("create_checkpoint", "post", "/checkpoints",
     {"name": "花果园卡口", "kind": "road", "region_code": "520102001", "location": "花果园大道"},
     "prevention.checkpoint.created",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "staff_nanming": 403, "grid_nanming": 403,
      "norole": 403}),
    ("shifts", "get", "/checkpoints/{cp}/shifts", None, None,
     {None: 401, "nanming": 200, "staff_nanming": 200, "yunyan": 404, "staff_yunyan": 404, "norole": 404}),
    ("add_shift", "post", "/checkpoints/{cp}/shifts", SHIFT, "prevention.checkpoint.shift_added",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "staff_nanming": 403, "staff_yunyan": 404,
      "norole": 404}),
    ("lookup", "post", "/checkpoints/{cp}/lookup", "known_id", "prevention.passage.person_looked_up",
     {None: 401, "staff_nanming": 200, "staff_yunyan": 404, "nanming": 403, "commander": 403, "yunyan": 404,
      "norole": 404}),
    ("register", "post", "/checkpoints/{cp}/passages", "new_passage", "prevention.passage.registered",
     {None: 401, "staff_nanming": 201, "staff_yunyan": 404, "nanming": 403, "commander": 403, "yunyan": 404,
      "grid_nanming": 404, "norole": 404}),
    ("passages", "get", "/passages", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "staff_nanming": 200, "staff_yunyan": 200,
      "grid_nanming": 403, "auditor": 403, "norole": 403}),
    ("passage", "get", "/passages/{p}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "staff_nanming": 200, "staff_yunyan": 404,
      "grid_nanming": 404, "norole": 404}),
    ("confirm", "post", "/passages/{pending}/confirm", "decisions", "prevention.passage.confirmed",
     {None: 401, "staff_nanming": 200, "staff_yunyan": 404, "nanming": 403, "commander": 403, "yunyan": 404,
      "norole": 404}),
    ("self_register", "post", "/self-registration/{token}", "self", "prevention.passage.self_registered",
     {None: 201, "norole": 201}),
    ("self_register_unknown", "post", "/self-registration/not-a-token", "self", None, {None: 404}),
]


def _cases(cases):
    for name, method, url, body, action, expected in cases:
        for persona, status in expected.items():
            yield pytest.param(name, method, url, body, action, persona, status, id=f"{name}-{persona or 'anonymous'}")


def _body(kit, body):
    if body == "known_id":
        return {"id_number": identity(0)["id_number"]}
    if body == "new_passage":
        return passage_body(traveller(0), traveller(1, decision="handover"))
    if body == "decisions":
        return {"travellers": [{"id": c.pk, "decision": "pass", "temperature": 36.4}
                               for c in kit.pending.pending_travellers.all()]}
    if body == "self":
        return passage_body(identity(7))
    return body


def _state() -> dict:
    return {model.__name__: model.objects.count()
            for model in (Checkpoint, Passage, PassageTraveller, PendingTraveller, Person, DutyShift)} | {
        "confirmed": Passage.objects.filter(status="confirmed").count()}


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "status"), list(_cases(API_CASES)))
def test_api_matrix(kit, name, method, url, body, action, persona, status):
    before, audit_before = _state(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(_body(kit, body))
    target = API + url.format(cp=kit.nanming.pk, p=kit.passage.pk, pending=kit.pending.pk,
                              token=kit.nanming.self_registration_token)
    response = getattr(kit.client(persona), method)(target, **kwargs)
    assert response.status_code == status, response.content
    new_events = AuditEvent.objects.filter(pk__gt=audit_before)
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state() == before, "a refused call changed something"
        assert not new_events.exists()
    elif action:
        actor = None if action.endswith("self_registered") else kit.user(persona)  # travellers have no account
        assert new_events.filter(action=action, actor=actor).exists()


def test_lists_hold_only_my_jurisdiction(kit):
    at_yunyan = kit.register(kit.yunyan, actor="staff_yunyan", destination_code=YUNYAN_GRID,
                             travellers=[traveller(2)])
    bound_for_yunyan = kit.register(destination_code=YUNYAN_GRID, travellers=[traveller(3)])

    def ids(persona, url="/passages?limit=500"):
        return {item["id"] for item in kit.client(persona).get(API + url).json()["items"]}

    # a district official sees the passages at checkpoints in the district and those bound for it
    assert ids("nanming") == {kit.passage.pk, kit.pending.pk, bound_for_yunyan.pk}
    assert ids("yunyan") == {at_yunyan.pk, bound_for_yunyan.pk}
    # checkpoint staff see their own checkpoint only, whatever the destination
    assert ids("staff_nanming") == {kit.passage.pk, kit.pending.pk, bound_for_yunyan.pk}
    assert ids("staff_yunyan") == {at_yunyan.pk}
    assert ids("commander") >= {kit.passage.pk, at_yunyan.pk, bound_for_yunyan.pk}
    assert ids("yunyan", "/checkpoints?limit=500") == {kit.yunyan.pk}
    assert ids("staff_nanming", "/checkpoints?limit=500") == {kit.nanming.pk}
    # and the Yunyan official may open the passage bound for Yunyan at the Nanming checkpoint
    assert kit.client("yunyan").get(f"{API}/passages/{bound_for_yunyan.pk}").status_code == 200


# Pages: (name, method, url, {persona: status}); 302 = to the login page for anonymous, else a redirect.
PAGE_CASES = [
    ("checkpoint_list", "get", "/prevention/checkpoints/",
     {None: 302, "nanming": 200, "staff_nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("checkpoint_create", "get", "/prevention/checkpoints/new/", {None: 302, "nanming": 200, "staff_nanming": 403}),
    ("checkpoint_detail", "get", "/prevention/checkpoints/{cp}/",
     {None: 302, "nanming": 200, "yunyan": 404, "staff_nanming": 200, "staff_yunyan": 404, "norole": 404}),
    ("roster", "get", "/prevention/checkpoints/{cp}/roster/",
     {None: 302, "nanming": 200, "yunyan": 404, "staff_nanming": 200, "staff_yunyan": 404}),
    ("desk", "get", "/prevention/checkpoints/{cp}/register/",
     {None: 302, "staff_nanming": 200, "staff_yunyan": 404, "nanming": 403, "yunyan": 404, "norole": 404}),
    ("my_desk", "get", "/prevention/checkpoints/desk/", {None: 302, "staff_nanming": 302, "nanming": 403}),
    ("lookup", "post", "/prevention/checkpoints/{cp}/lookup/",
     {None: 302, "staff_nanming": 200, "staff_yunyan": 404, "nanming": 403, "yunyan": 404}),
    ("confirm", "post", "/prevention/passages/{pending}/confirm/",
     {None: 302, "staff_nanming": 302, "staff_yunyan": 404, "nanming": 403, "yunyan": 404}),
    ("passage_list", "get", "/prevention/passages/", {None: 302, "nanming": 200, "staff_nanming": 200,
                                                      "grid_nanming": 403, "norole": 403}),
    ("passage_detail", "get", "/prevention/passages/{p}/",
     {None: 302, "nanming": 200, "yunyan": 404, "staff_nanming": 200, "staff_yunyan": 404, "norole": 404}),
    ("self_registration", "get", "/prevention/checkpoint/{token}/register/", {None: 200, "nanming": 200}),
    ("self_registration_unknown", "get", "/prevention/checkpoint/nope/register/", {None: 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, name, method, url, persona, status):
    before = _state()
    target = url.format(cp=kit.nanming.pk, p=kit.passage.pk, pending=kit.pending.pk,
                        token=kit.nanming.self_registration_token)
    data = {}
    if name == "lookup":
        data = {"id_number": identity(0)["id_number"]}
    if name == "confirm":
        data = {f"decision_{c.pk}": "pass" for c in kit.pending.pending_travellers.all()}
    response = getattr(kit.client(persona), method)(target, data)
    assert response.status_code == status
    if persona is None and status == 302:
        assert response["Location"].startswith("/login/")
    if status >= 400 or persona is None:
        assert _state() == before
    if name == "confirm" and status == 302 and persona:
        assert Passage.objects.get(pk=kit.pending.pk).status == "confirmed"
    if name == "lookup" and status == 200:
        assert identity(0)["name"] in response.content.decode()


def test_pages_never_show_full_numbers(kit):
    numbers = [identity(i)["id_number"] for i in (0, 5, 6)] + [identity(i)["phone"] for i in (0, 5, 6)]
    urls = [f"/prevention/checkpoints/{kit.nanming.pk}/register/", f"/prevention/passages/{kit.passage.pk}/",
            f"/prevention/passages/{kit.pending.pk}/", "/prevention/passages/"]
    for url in urls:
        html = kit.client("staff_nanming").get(url).content.decode()
        assert not any(number in html for number in numbers), url
    api = kit.client("staff_nanming").get(f"{API}/passages/{kit.pending.pk}").content.decode()
    assert not any(number in api for number in numbers)
    assert NANMING_GRID in api
