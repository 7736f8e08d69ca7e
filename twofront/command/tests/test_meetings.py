"""Joint consultations (工作会商): the record of a meeting with attendees and decisions; each decision becomes
supervision tasks issued by the consultation's command post and followed up to acceptance."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.command.choices import TaskSource
from twofront.command.models import Consultation, Decision, SupervisionTask
from twofront.command.services import meetings as services
from twofront.command.services.supervision import create_task
from twofront.command.tests.test_supervision_kit import (
    NANMING,
    NANMING_STREET,
    YUNYAN,
    assert_refused,
    call,
    check_api_case,
    check_page_case,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    state_of,
)
from twofront.core.models import AuditEvent

API = "/api/v1/command"
IN_A_WEEK = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


def everything() -> list:
    return state_of(Consultation.objects.all(), Decision.objects.all(), SupervisionTask.objects.all(),
                    AuditEvent.objects.all())


def refused(call_, error=Exception):
    assert_refused(call_, error, everything)


def consult(kit, region=NANMING, by="nanming", **fields):
    fields = {"title": "南明区疫情防控工作会商", "held_at": timezone.now() - datetime.timedelta(hours=2),
              "location": "区指挥部二楼会议室", "attendees": [kit[by]], "attendee_names": "区卫健局 王某",
              "summary": "研判当前形势，部署复工企业防控", "decisions": ["各街道三日内完成复工企业排查", "加强农贸市场测温"],
              **fields}
    return services.create_consultation(actor=kit[by], region=kit.region(region), **fields)


@pytest.fixture
def meeting(kit):
    return consult(kit)


def test_a_consultation_with_attendees_and_numbered_decisions(kit, meeting):
    assert [(d.order, d.text) for d in meeting.decisions.all()] == [(1, "各街道三日内完成复工企业排查"), (2, "加强农贸市场测温")]
    assert list(meeting.attendees.all()) == [kit["nanming"]]
    event = AuditEvent.objects.get(action="command.consultation.recorded")
    assert event.changes["decisions"] == ["各街道三日内完成复工企业排查", "加强农贸市场测温"]
    decision = services.add_decision(meeting, actor=kit["nanming"], text="每日报送进展")
    assert decision.order == 3


def test_a_decision_becomes_a_task_issued_by_the_consultations_command_post(kit, meeting):
    decision = meeting.decisions.first()
    task = create_task(actor=kit["nanming"], decision=decision, title=decision.text,
                       assignee_region=kit.region(NANMING_STREET),
                       deadline=timezone.localdate() + datetime.timedelta(days=3))
    assert (task.source, task.decision, task.issuer_region.code) == (TaskSource.CONSULTATION, decision, NANMING)
    # the city may follow up a district's decision too, but the task is still issued by the district's post
    task = create_task(actor=kit["commander"], decision=decision, title=decision.text,
                       assignee_region=kit.region(NANMING_STREET), deadline=timezone.localdate())
    assert task.issuer_region.code == NANMING
    refused(lambda: create_task(actor=kit["nanming"], decision=decision, title="x", assignee_region=kit.region(NANMING),
                                deadline=timezone.localdate()), ValidationError)  # not below the post
    refused(lambda: create_task(actor=kit["yunyan"], decision=decision, title="x",
                                assignee_region=kit.region(YUNYAN), deadline=timezone.localdate()), PermissionDenied)


def test_refusals_change_nothing(kit, meeting):
    refused(lambda: consult(kit, region=NANMING, by="yunyan"), PermissionDenied)
    refused(lambda: consult(kit, held_at=timezone.now() + datetime.timedelta(days=120)), ValidationError)
    refused(lambda: consult(kit, attendees=[kit["yunyan"]]), ValidationError)
    refused(lambda: consult(kit, decisions=["x"] * 51), ValidationError)
    refused(lambda: services.add_decision(meeting, actor=kit["yunyan"], text="x"), PermissionDenied)
    refused(lambda: services.add_decision(meeting, actor=kit["community_nanming"], text="x"), PermissionDenied)
    refused(lambda: services.add_decision(meeting, actor=kit["nanming"], text=" "), ValidationError)


def test_update_records_what_changed(kit, meeting):
    services.update_consultation(meeting, actor=kit["nanming"], title=meeting.title, held_at=meeting.held_at,
                                 location="区应急指挥中心", attendees=[kit["nanming"], kit["street_nanming"]],
                                 attendee_names=meeting.attendee_names, summary=meeting.summary)
    event = AuditEvent.objects.get(action="command.consultation.updated")
    assert event.changes["location"] == ["区指挥部二楼会议室", "区应急指挥中心"]
    assert event.changes["attendees"] == [["nanming"], ["nanming", "street_nanming"]]


CREATE = {"region_code": NANMING, "title": "复工复产专题会商", "held_at": "2020-02-20T15:00:00+08:00",
          "attendees": ["nanming"], "decisions": ["摸排规上企业复工情况"]}
API_CASES = [
    ("list", "get", "/consultations", None, None,
     {None: 401, "commander": 200, "nanming": 200, "community_nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("get", "get", "/consultations/{c}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("create", "post", "/consultations", CREATE, "command.consultation.recorded",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "community_nanming": 403, "norole": 403}),
    ("create_unknown_attendee", "post", "/consultations", {**CREATE, "attendees": ["nobody"]}, None,
     {"nanming": 422}),
    ("update", "patch", "/consultations/{c}", {"location": "线上视频会商"}, "command.consultation.updated",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "norole": 404}),
    ("add_decision", "post", "/consultations/{c}/decisions", {"text": "每日18时前报送"},
     "command.consultation.decision_added", {None: 401, "nanming": 201, "yunyan": 404, "norole": 404}),
    ("decision_task", "post", "/consultations/{c}/decisions/{d}/tasks",
     {"title": "复工企业排查", "assignee_region_code": NANMING_STREET, "deadline": IN_A_WEEK}, "command.task.assigned",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "norole": 404}),
    ("decision_task_to_itself", "post", "/consultations/{c}/decisions/{d}/tasks",
     {"title": "复工企业排查", "assignee_region_code": NANMING, "deadline": IN_A_WEEK}, None, {"nanming": 422}),
]


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "expected"),
                         [pytest.param(n, m, u, b, a, p, c, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, b, a, e in API_CASES for p, c in e.items()])
def test_api_matrix(kit, meeting, name, method, url, body, action, persona, expected):
    ids = {"c": meeting.pk, "d": meeting.decisions.first().pk}
    check_api_case(kit, persona, method, API + url.format(**ids), body, action, expected, everything)


def test_lists_hold_only_my_jurisdiction_and_count_the_tasks(kit, meeting):
    theirs = consult(kit, region=YUNYAN, by="yunyan")
    decision = meeting.decisions.first()
    create_task(actor=kit["nanming"], decision=decision, title="排查", assignee_region=kit.region(NANMING_STREET),
                deadline=timezone.localdate())

    def items(persona):
        return {c["id"]: c for c in call(kit.client(persona), "get", f"{API}/consultations?limit=100").json()["items"]}

    assert set(items("nanming")) == {meeting.pk}
    assert set(items("yunyan")) == {theirs.pk}
    assert set(items("commander")) == {meeting.pk, theirs.pk}
    assert (items("nanming")[meeting.pk]["decision_count"], items("nanming")[meeting.pk]["task_count"]) == (2, 1)
    detail = call(kit.client("nanming"), "get", f"{API}/consultations/{meeting.pk}").json()
    assert detail["decisions"][0]["tasks"][0]["assignee_region"]["code"] == NANMING_STREET


PAGE_CASES = [
    ("list", "get", "/command/consultations/", {None: 302, "nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("new", "get", "/command/consultations/new/", {None: 302, "nanming": 200, "community_nanming": 403}),
    ("detail", "get", "/command/consultations/{c}/", {None: 302, "nanming": 200, "commander": 200, "yunyan": 404}),
    ("edit", "get", "/command/consultations/{c}/edit/", {None: 302, "nanming": 200, "yunyan": 404,
                                                         "community_nanming": 404}),
    ("add_decision", "post", "/command/consultations/{c}/decisions/", {None: 302, "nanming": 302, "yunyan": 404}),
    ("decision_task", "get", "/command/consultations/{c}/decisions/{d}/task/",
     {None: 302, "nanming": 200, "yunyan": 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, meeting, name, method, url, persona, status):
    ids = {"c": meeting.pk, "d": meeting.decisions.first().pk}
    data = {"text": "落实重点人员管控"} if name == "add_decision" else {}
    check_page_case(kit, persona, method, url.format(**ids), data, status, everything)


def test_creating_a_consultation_from_the_page(kit):
    response = kit.client("nanming").post("/command/consultations/new/", {
        "region": NANMING, "title": "周例会", "held_at": "2020-02-21T09:00", "attendees": [kit["nanming"].pk],
        "decisions": "第一项决定\n\n第二项决定\n"})
    assert response.status_code == 302, response.content.decode()
    meeting = Consultation.objects.get(title="周例会")
    assert list(meeting.decisions.values_list("text", flat=True)) == ["第一项决定", "第二项决定"]
    task_page = kit.client("nanming").post(f"/command/consultations/{meeting.pk}/decisions/"
                                           f"{meeting.decisions.first().pk}/task/",
                                           {"title": "第一项决定", "assignee_region": NANMING_STREET,
                                            "deadline": IN_A_WEEK})
    assert task_page.status_code == 302
    assert SupervisionTask.objects.get(decision__consultation=meeting).source == TaskSource.CONSULTATION
