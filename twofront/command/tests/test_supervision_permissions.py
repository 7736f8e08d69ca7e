"""Every supervision endpoint and page against the personas; the matrix is data.

anonymous -> 401 (API) / login redirect (pages); no permission -> 403; another district -> 404 and absent
from lists; allowed -> works and is audited; a refused call changes nothing."""

import datetime

import pytest
from django.utils import timezone

from twofront.command.choices import TaskStatus
from twofront.command.models import Finding, Inspection, SupervisionTask, TaskProgress
from twofront.command.services import supervision as services
from twofront.command.tests.test_supervision_kit import (
    NANMING,
    NANMING_STREET,
    YUNYAN,
    call,
    check_api_case,
    check_page_case,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    late,
    photo,
    state_of,
)

API = "/api/v1/command"
IN_A_WEEK = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
TODAY, LATER = timezone.localdate().isoformat(), (timezone.localdate() + datetime.timedelta(days=12)).isoformat()
TASK = {"title": "加强农贸市场防控", "assignee_region_code": NANMING, "deadline": IN_A_WEEK}
STREET_TASK = {"title": "整改：监测岗值守", "assignee_region_code": NANMING_STREET, "deadline": IN_A_WEEK}
INSPECTION = {"region_code": NANMING, "title": "南明区复工企业防控督查", "inspected_on": timezone.localdate().isoformat(),
              "findings": [{"description": "测温记录不全", "severity": "medium"}]}
ANY_OFFICIAL = {"commander": 200, "nanming": 200, "yunyan": 200, "street_nanming": 200, "community_nanming": 200}

# (name, method, url, body, the task's status first, audited action, {persona: status}).
# {t}: a task from the city to Nanming; {i}: an inspection of Nanming; {f}: its finding.
# body "multipart": a progress note with a photo.
API_CASES = [
    ("list", "get", "/tasks", None, None, None,
     {None: 401, **ANY_OFFICIAL, "grid_nanming": 403, "auditor": 403, "norole": 403}),
    ("overdue_summary", "get", "/tasks/overdue-summary", None, None, None,
     {None: 401, "commander": 200, "nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("get", "get", "/tasks/{t}", None, None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "street_nanming": 404, "grid_nanming": 404,
      "auditor": 404, "norole": 404}),
    ("create", "post", "/tasks", TASK, None, "command.task.assigned",
     {None: 401, "commander": 201, "nanming": 403, "yunyan": 403, "street_nanming": 403, "community_nanming": 403,
      "grid_nanming": 403, "norole": 403}),
    ("create_for_street", "post", "/tasks", STREET_TASK, None, "command.task.assigned",
     {"commander": 201, "nanming": 201, "street_nanming": 403, "yunyan": 403}),
    ("progress", "post", "/tasks/{t}/progress", "multipart", None, "command.task.progress_reported",
     {None: 401, "nanming": 201, "commander": 403, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("submit", "post", "/tasks/{t}/submit", "multipart", TaskStatus.IN_PROGRESS, "command.task.submitted",
     {None: 401, "nanming": 201, "commander": 403, "yunyan": 404, "norole": 404}),
    ("accept", "post", "/tasks/{t}/accept", {"note": "同意"}, TaskStatus.SUBMITTED, "command.task.accepted",
     {None: 401, "commander": 200, "nanming": 403, "yunyan": 404, "norole": 404}),
    ("accept_too_early", "post", "/tasks/{t}/accept", {}, TaskStatus.IN_PROGRESS, None, {"commander": 409}),
    ("return", "post", "/tasks/{t}/return", {"reason": "缺少照片"}, TaskStatus.SUBMITTED, "command.task.returned",
     {None: 401, "commander": 200, "nanming": 403, "yunyan": 404, "norole": 404}),
    ("return_without_reason", "post", "/tasks/{t}/return", {"reason": ""}, TaskStatus.SUBMITTED, None,
     {"commander": 422}),
    ("extend", "post", "/tasks/{t}/extend", {"deadline": LATER, "reason": "疫情反复，延期一周"}, None,
     "command.task.extended", {None: 401, "commander": 200, "nanming": 403, "yunyan": 404, "norole": 404}),
    ("extend_earlier", "post", "/tasks/{t}/extend", {"deadline": TODAY, "reason": "提前"}, None, None,
     {"commander": 422}),
    ("extend_accepted", "post", "/tasks/{t}/extend", {"deadline": LATER, "reason": "延期"}, TaskStatus.ACCEPTED,
     None, {"commander": 409}),
    ("cancel", "post", "/tasks/{t}/cancel", {"reason": "该小区已解除封闭"}, TaskStatus.SUBMITTED,
     "command.task.cancelled", {None: 401, "commander": 200, "nanming": 403, "yunyan": 404, "norole": 404}),
    ("cancel_without_reason", "post", "/tasks/{t}/cancel", {"reason": " "}, None, None, {"commander": 422}),
    ("inspections", "get", "/inspections", None, None, None,
     {None: 401, **ANY_OFFICIAL, "grid_nanming": 403, "norole": 403}),
    ("inspection", "get", "/inspections/{i}", None, None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("record_inspection", "post", "/inspections", INSPECTION, None, "command.inspection.recorded",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "community_nanming": 403, "norole": 403}),
    ("add_finding", "post", "/inspections/{i}/findings", {"description": "消毒台账缺失", "severity": "low"}, None,
     "command.inspection.finding_added",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("finding_task", "post", "/inspections/{i}/findings/{f}/tasks", STREET_TASK, None, "command.task.assigned",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "norole": 404}),
    ("finding_task_elsewhere", "post", "/inspections/{i}/findings/{f}/tasks", {**STREET_TASK,
                                                                              "assignee_region_code": YUNYAN},
     None, None, {"commander": 422}),
]


@pytest.fixture
def objects(kit):
    task = kit.issue()
    inspection = services.record_inspection(actor=kit["commander"], region=kit.region(NANMING), title="督查",
                                            inspected_on=timezone.localdate(), findings=[("台账不全", "medium")])
    return {"t": task.pk, "i": inspection.pk, "f": inspection.findings.get().pk, "task": task}


def everything() -> list:
    return state_of(SupervisionTask.objects.all(), TaskProgress.objects.all(), Inspection.objects.all(),
                    Finding.objects.all())


@pytest.mark.parametrize(("name", "method", "url", "body", "needs", "action", "persona", "expected"),
                         [pytest.param(n, m, u, b, s, a, p, c, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, b, s, a, e in API_CASES for p, c in e.items()])
def test_api_matrix(kit, objects, name, method, url, body, needs, action, persona, expected):
    if needs:
        kit.drive(objects["task"], needs)
    check_api_case(kit, persona, method, API + url.format(**objects), body, action, expected, everything)


def test_lists_hold_only_my_jurisdiction(kit):
    to_nanming, to_yunyan = kit.issue(NANMING), kit.issue(YUNYAN)
    nanming_street = kit.issue(NANMING_STREET, by="nanming")

    def ids(persona, query="box=all"):
        response = kit.client(persona).get(f"{API}/tasks?{query}&limit=500")
        return {item["id"] for item in response.json()["items"]}

    assert ids("commander") == {to_nanming.pk, to_yunyan.pk, nanming_street.pk}
    assert ids("nanming") == {to_nanming.pk, nanming_street.pk}
    assert ids("yunyan") == {to_yunyan.pk}
    assert ids("street_nanming") == {nanming_street.pk}
    # my tasks: assigned to my unit by a level above; issued: by my command post
    assert ids("nanming", "box=mine") == {to_nanming.pk}
    assert ids("nanming", "box=issued") == {nanming_street.pk}
    assert ids("street_nanming", "box=mine") == {nanming_street.pk}
    assert ids("commander", "box=mine") == set()
    assert ids("commander", "box=issued") == {to_nanming.pk, to_yunyan.pk, nanming_street.pk}
    late(to_yunyan, 2)
    assert ids("yunyan", "box=overdue") == {to_yunyan.pk} and ids("nanming", "box=overdue") == set()
    assert kit.client("yunyan").get(f"{API}/tasks/overdue-summary").json()["overdue"] == 1


def test_the_whole_journey_through_the_api(kit):
    city, district = kit.client("commander"), kit.client("nanming")
    created = call(city, "post", f"{API}/tasks", {**TASK, "description": "每日报送进展"})
    assert created.status_code == 201, created.content
    task = created.json()
    assert (task["status"], task["issuer_region"]["code"], task["progress"]) == ("assigned", "520100", [])
    url = f"{API}/tasks/{task['id']}"
    assert district.post(f"{url}/progress", {"note": "已部署", "evidence": photo()}).status_code == 201
    submitted = district.post(f"{url}/submit", {"note": "已完成"})
    assert submitted.status_code == 201 and submitted.json()["kind"] == "submit"
    returned = call(city, "post", f"{url}/return", {"reason": "请补充监测岗照片"})
    assert returned.json()["status"] == "returned"
    assert district.post(f"{url}/submit", {"note": "已补充", "evidence": photo("补充.png")}).status_code == 201
    accepted = call(city, "post", f"{url}/accept", {"note": "同意验收"})
    body = accepted.json()
    assert body["status"] == "accepted" and body["accepted_at"]
    assert [p["kind"] for p in body["progress"]] == ["progress", "submit", "return", "submit", "accept"]
    evidence = body["progress"][0]
    assert evidence["evidence_name"].endswith(".png")
    download = district.get(evidence["evidence_url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert kit.client("yunyan").get(evidence["evidence_url"]).status_code == 404


# Pages: (name, method, url, {persona: status}); 302 = to the login page for anonymous, else back to the task.
PAGE_CASES = [
    ("mine", "get", "/command/tasks/", None,
     {None: 302, "nanming": 200, "commander": 200, "community_nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("issued", "get", "/command/tasks/issued/", None,
     {None: 302, "commander": 200, "nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("overdue", "get", "/command/tasks/overdue/", None, {None: 302, "commander": 200, "yunyan": 200, "norole": 403}),
    ("new", "get", "/command/tasks/new/", None,
     {None: 302, "commander": 200, "nanming": 200, "community_nanming": 403, "norole": 403}),
    ("detail", "get", "/command/tasks/{t}/", None,
     {None: 302, "commander": 200, "nanming": 200, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("progress", "post", "/command/tasks/{t}/progress/", None,
     {None: 302, "nanming": 302, "commander": 403, "yunyan": 404, "norole": 404}),
    ("accept", "post", "/command/tasks/{t}/accept/", TaskStatus.SUBMITTED,
     {None: 302, "commander": 302, "nanming": 403, "yunyan": 404}),
    ("return", "post", "/command/tasks/{t}/return/", TaskStatus.SUBMITTED,
     {None: 302, "commander": 302, "nanming": 403, "yunyan": 404}),
    ("extend", "post", "/command/tasks/{t}/extend/", None,
     {None: 302, "commander": 302, "nanming": 403, "yunyan": 404}),
    ("cancel", "post", "/command/tasks/{t}/cancel/", TaskStatus.RETURNED,
     {None: 302, "commander": 302, "nanming": 403, "yunyan": 404}),
    ("inspections", "get", "/command/inspections/", None, {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("inspection_new", "get", "/command/inspections/new/", None,
     {None: 302, "nanming": 200, "community_nanming": 403, "norole": 403}),
    ("inspection", "get", "/command/inspections/{i}/", None,
     {None: 302, "commander": 200, "nanming": 200, "yunyan": 404, "norole": 404}),
    ("finding_task", "get", "/command/inspections/{i}/findings/{f}/task/", None,
     {None: 302, "commander": 200, "nanming": 200, "community_nanming": 404, "yunyan": 404}),
]
PAGE_DATA = {"progress": {"note": "已完成排查"}, "accept": {"accept-note": "同意"}, "return": {"return-reason": "缺照片"},
             "extend": {"extend-deadline": LATER, "extend-reason": "延期一周"}, "cancel": {"cancel-reason": "不再需要"}}


@pytest.mark.parametrize(("name", "method", "url", "needs", "persona", "status"),
                         [pytest.param(n, m, u, s, p, c, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, s, e in PAGE_CASES for p, c in e.items()])
def test_page_matrix(kit, objects, name, method, url, needs, persona, status):
    if needs:
        kit.drive(objects["task"], needs)
    response = check_page_case(kit, persona, method, url.format(**objects), PAGE_DATA.get(name, {}), status,
                               everything)
    if persona and method == "post" and status == 302:
        assert response["Location"] == f"/command/tasks/{objects['t']}/"


def test_the_task_page_shows_each_side_its_next_step(kit):
    task = kit.issue()
    page = kit.client("nanming").get(f"/command/tasks/{task.pk}/").content.decode()
    assert 'id="progress"' in page and 'id="submit"' in page and 'id="accept"' not in page
    page = kit.client("commander").get(f"/command/tasks/{task.pk}/").content.decode()
    assert 'id="progress"' not in page and 'id="accept"' not in page
    kit.drive(task, TaskStatus.SUBMITTED)
    page = kit.client("commander").get(f"/command/tasks/{task.pk}/").content.decode()
    assert 'id="accept"' in page and 'id="return"' in page
    assert 'id="extend"' in page and 'id="cancel"' in page  # the issuer may still extend or cancel
    assignee = kit.client("nanming").get(f"/command/tasks/{task.pk}/").content.decode()
    assert 'id="submit"' not in assignee and 'id="extend"' not in assignee and 'id="cancel"' not in assignee
    kit.drive(kit.issue(), TaskStatus.ACCEPTED)
    accepted = kit.client("commander").get(f"/command/tasks/{SupervisionTask.objects.latest('pk').pk}/")
    assert 'id="extend"' not in accepted.content.decode()


def test_htmx_steps_answer_the_task_section_and_refusals_keep_the_form(kit):
    task = kit.issue()
    client = kit.client("nanming")
    refused = client.post(f"/command/tasks/{task.pk}/submit/", {"submit-note": "完成"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert 'id="submit"' in refused.content.decode()
    done = client.post(f"/command/tasks/{task.pk}/progress/", {"note": "进展顺利", "evidence": photo()},
                       HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "进展顺利" in done.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    conflict = kit.client("commander").post(f"/command/tasks/{task.pk}/accept/", {}, HTTP_HX_REQUEST="true")
    assert conflict.status_code == 409  # the issuer's step, but the work is not submitted yet
    assert 'role="alert"' in conflict.content.decode()
