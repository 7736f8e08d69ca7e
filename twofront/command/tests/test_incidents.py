"""应急处置: incidents with level, place, time line, people assigned and closure; services, API and pages."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.command.choices import IncidentLevel, IncidentStatus
from twofront.command.models import Incident, IncidentAction
from twofront.command.services import incidents as services
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.core.testing import client_for

API = "/api/v1/command"
NANMING, YUNYAN = "520102", "520103"


def _state():
    return (list(Incident.objects.order_by("pk").values_list("pk", "level", "status", "closing_summary")),
            list(IncidentAction.objects.order_by("pk").values_list("pk", "text")),
            sorted(Incident.assigned.through.objects.values_list("incident_id", "user_id")),
            AuditEvent.objects.count())


@pytest.fixture
def incidents(personas):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)

    class Incidents:
        nanming = services.report_incident(actor=personas["nanming"], title="花果园小区发现发热人员",
                                           level=IncidentLevel.III, region=personas.region("520102001"),
                                           place="花果园 R2 区 5 栋", occurred_at=an_hour_ago,
                                           description="网格员上门排查时发现，体温 38.2℃。")
        yunyan = services.report_incident(actor=personas["yunyan"], title="黔东街道物资短缺",
                                          level=IncidentLevel.IV, region=personas.region(YUNYAN),
                                          place="黔东社区服务中心", occurred_at=an_hour_ago)
    return Incidents


# --- services ------------------------------------------------------------------------------------

def test_report_an_incident_with_its_first_step(personas, incidents):
    incident = incidents.nanming
    assert incident.status == IncidentStatus.OPEN and incident.created_by == personas["nanming"]
    assert list(incident.actions.values_list("text", flat=True)) == ["网格员上门排查时发现，体温 38.2℃。"]
    assert AuditEvent.objects.filter(action="command.incident.reported", object_id=str(incident.pk),
                                     actor=personas["nanming"]).count() == 1


@pytest.mark.parametrize(("field", "kwargs"), [
    ("title", {"title": " "}),
    ("level", {"level": "5"}),
    ("place", {"place": ""}),
    ("occurred_at", {"occurred_at": timezone.now() + datetime.timedelta(days=1)}),
])
def test_invalid_incidents_are_refused_and_change_nothing(personas, field, kwargs):
    before = _state()
    args = {"title": "事件", "level": "4", "region": personas.region(NANMING), "place": "某地",
            "occurred_at": timezone.now(), **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.report_incident(actor=personas["nanming"], **args)
    assert field in caught.value.message_dict
    assert _state() == before


def test_handling_an_incident_to_closure(personas, incidents):
    nanming, commander = personas["nanming"], personas["commander"]
    incident = incidents.nanming
    services.add_action(incident, actor=nanming, text="已转运至定点医院发热门诊。")
    services.assign_people(incident, actor=nanming, users=[nanming, commander])
    services.change_level(incident, actor=commander, level=IncidentLevel.II, reason="核酸初筛阳性")
    texts = list(incident.actions.order_by("at", "id").values_list("text", flat=True))
    assert texts[1] == "已转运至定点医院发热门诊。" and "核酸初筛阳性" in texts[-1]
    assert set(incident.assigned.values_list("username", flat=True)) == {"nanming", "commander"}
    services.close_incident(incident, actor=nanming, summary="密接 12 人均已隔离，事件处置完毕。")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at and incident.level == IncidentLevel.II
    actions = ["command.incident.action_added", "command.incident.assigned", "command.incident.level_changed",
               "command.incident.closed"]
    assert [AuditEvent.objects.filter(action=a, object_id=str(incident.pk)).count() for a in actions] == [1, 1, 1, 1]

    before = _state()  # closed: nothing more
    for call in (lambda: services.add_action(incident, actor=nanming, text="补记"),
                 lambda: services.close_incident(incident, actor=nanming, summary="再次"),
                 lambda: services.change_level(incident, actor=nanming, level="1", reason="x")):
        with pytest.raises(Conflict):
            call()
    assert _state() == before


def test_refused_steps_change_nothing(personas, incidents):
    incident = incidents.nanming
    before = _state()
    with pytest.raises(PermissionDenied):
        services.add_action(incident, actor=personas["yunyan"], text="越权")
    with pytest.raises(PermissionDenied):
        services.close_incident(incident, actor=personas["grid_nanming"], summary="x")
    with pytest.raises(ValidationError):  # yunyan's official cannot see a Nanming incident
        services.assign_people(incident, actor=personas["nanming"], users=[personas["yunyan"]])
    with pytest.raises(ValidationError):  # before the incident happened
        services.add_action(incident, actor=personas["nanming"], text="x",
                            at=incident.occurred_at - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError):
        services.change_level(incident, actor=personas["nanming"], level=incident.level, reason="同级")
    with pytest.raises(ValidationError):
        services.close_incident(incident, actor=personas["nanming"], summary="")
    assert _state() == before


# --- API and pages ----------------------------------------------------------------------------------

NEW = {"title": "南明区某超市聚集", "level": "4", "region_code": NANMING, "place": "新华路超市",
       "occurred_at": "2020-02-10T09:30:00+08:00", "description": "群众举报排队聚集。"}

API_CASES = [
    ("list", "get", "/incidents", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "auditor": 403,
      "norole": 403}),
    ("create", "post", "/incidents", NEW, "command.incident.reported",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "grid_nanming": 403, "auditor": 403}),
    ("get", "get", "/incidents/{i}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "auditor": 404}),
    ("action", "post", "/incidents/{i}/actions", {"text": "已派员到场。"}, "command.incident.action_added",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "grid_nanming": 404}),
    ("assign", "post", "/incidents/{i}/assign", {"usernames": ["nanming"]}, "command.incident.assigned",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404}),
    ("assign_outsider", "post", "/incidents/{i}/assign", {"usernames": ["yunyan"]}, None, {"nanming": 422}),
    ("level", "post", "/incidents/{i}/level", {"level": "2", "reason": "扩散风险上升"}, "command.incident.level_changed",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404}),
    ("close", "post", "/incidents/{i}/close", {"summary": "处置完毕。"}, "command.incident.closed",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404}),
    ("close_empty", "post", "/incidents/{i}/close", {"summary": ""}, None, {"nanming": 422}),
]


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "status"),
                         [pytest.param(*case[:5], p, s, id=f"{case[0]}-{p or 'anonymous'}")
                          for case in API_CASES for p, s in case[5].items()])
def test_api_matrix(personas, incidents, name, method, url, body, action, persona, status):
    before, last_event = _state(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    target = API + url.format(i=incidents.nanming.pk)
    response = getattr(client_for(personas[persona] if persona else None), method)(target, **kwargs)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state() == before, "a refused call changed something"
    elif action:
        assert AuditEvent.objects.filter(pk__gt=last_event, action=action, actor=personas[persona]).count() == 1


def test_lists_hold_only_my_jurisdiction(personas, incidents):
    def ids(persona, url="/incidents"):
        return {item["id"] for item in client_for(personas[persona]).get(API + url).json()["items"]}

    assert ids("nanming") == {incidents.nanming.pk}
    assert ids("yunyan") == {incidents.yunyan.pk}
    assert ids("commander") == {incidents.nanming.pk, incidents.yunyan.pk}
    assert ids("commander", "/incidents?level=3") == {incidents.nanming.pk}
    page = client_for(personas["yunyan"]).get("/command/incidents/").content.decode()
    assert incidents.yunyan.title in page and incidents.nanming.title not in page


PAGE_CASES = [
    ("list", "get", "/command/incidents/",
     {None: 302, "commander": 200, "nanming": 200, "grid_nanming": 403, "auditor": 403, "norole": 403}),
    ("create_form", "get", "/command/incidents/new/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("create", "post", "/command/incidents/new/", {"nanming": 302, "yunyan": 422, "grid_nanming": 403}),
    ("detail", "get", "/command/incidents/{i}/",
     {None: 302, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404}),
    ("action", "post", "/command/incidents/{i}/actions/", {None: 302, "nanming": 302, "yunyan": 404}),
    ("assign", "post", "/command/incidents/{i}/assign/", {None: 302, "nanming": 302, "yunyan": 404}),
    ("level", "post", "/command/incidents/{i}/level/", {"nanming": 302, "yunyan": 404}),
    ("close", "post", "/command/incidents/{i}/close/", {None: 302, "nanming": 302, "yunyan": 404}),
]
PAGE_DATA = {
    "create": {"title": "新事件", "level": "4", "region": NANMING, "place": "某地",
               "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    "action": {"text": "已到场处置。"}, "assign": {"users": []}, "level": {"level": "1", "reason": "升级"},
    "close": {"summary": "已处置。"},
}


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, incidents, name, method, url, persona, status):
    before = _state()
    data = dict(PAGE_DATA.get(name, {}))
    if name == "assign" and persona:
        data = {"users": [personas["nanming"].pk]}
    response = getattr(client_for(personas[persona] if persona else None), method)(
        url.format(i=incidents.nanming.pk), data)
    assert response.status_code == status
    if persona is None:
        assert response["Location"].startswith("/login/")
    if status >= 400 or persona is None:
        assert _state() == before


def test_a_step_is_added_in_place_with_htmx(personas, incidents):
    client = client_for(personas["nanming"])
    response = client.post(f"/command/incidents/{incidents.nanming.pk}/actions/", {"text": "疾控人员已到场。"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "疾控人员已到场。" in html and 'id="action-form"' in html and "<html" not in html
    refused = client.post(f"/command/incidents/{incidents.nanming.pk}/actions/", {"text": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'class="field invalid"' in refused.content.decode()
    assert IncidentAction.objects.filter(incident=incidents.nanming).count() == 2


@pytest.mark.parametrize(("step", "data"), [("close", {"summary": ""}), ("level", {"level": "3", "reason": "同级"}),
                                            ("assign", {"users": ["999999"]})])
def test_a_refused_step_shows_the_page_again_with_the_error(personas, incidents, step, data):
    before = _state()
    response = client_for(personas["nanming"]).post(f"/command/incidents/{incidents.nanming.pk}/{step}/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field invalid"' in html and incidents.nanming.title in html
    assert _state() == before
