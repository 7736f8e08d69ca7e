"""信息报送: daily reports from the district command posts, figures from the metrics registry, the deadline,
returns for correction, the city's table of a day, and every endpoint and page against every persona."""

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.command.choices import ReportStatus
from twofront.command.models import InformationReport
from twofront.command.services import reports as services
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.core.testing import client_for
from twofront.metrics import services as metrics_services

API = "/api/v1/command"
NANMING, YUNYAN = "520102", "520103"
FIGURES = ["core.persons_registered", "core.persons_new"]


@pytest.fixture(autouse=True)
def report_settings(settings):
    settings.TWOFRONT_REPORT_METRICS = FIGURES
    settings.TWOFRONT_REPORT_DEADLINE = "20:00"


@pytest.fixture
def clock(monkeypatch):
    """`clock(hour, minute)`: from now on it is that local time today (services and models read timezone.now)."""
    real_now = timezone.now
    today = timezone.localdate()

    def set_time(hour: int, minute: int = 0):
        moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour, minute)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    yield set_time
    monkeypatch.setattr(timezone, "now", real_now)


@pytest.fixture
def residents(make_person):
    """Three persons registered in Nanming today, one in Yunyan; the metrics job has run."""
    people = [make_person("520102001001001"), make_person("520102001001002"), make_person("520102001001001"),
              make_person("520103001001001")]
    metrics_services.refresh_dirty()
    return people


def _state():
    return (list(InformationReport.objects.order_by("pk").values_list(
        "pk", "status", "narrative", "figures", "submitted_at", "first_submitted_at", "return_reason")),
        AuditEvent.objects.count())


# --- services ------------------------------------------------------------------------------------

def test_figures_are_prefilled_from_the_metrics_of_the_district_and_day(personas, residents):
    report = services.start_report(actor=personas["nanming"], region=personas.region(NANMING))
    assert report.status == ReportStatus.DRAFT and report.day == timezone.localdate()
    assert report.figures == {"core.persons_registered": 3, "core.persons_new": 3}
    yunyan = services.start_report(actor=personas["yunyan"], region=personas.region(YUNYAN))
    assert yunyan.figures == {"core.persons_registered": 1, "core.persons_new": 1}
    event = AuditEvent.objects.get(action="command.report.started", object_id=str(report.pk))
    assert event.actor == personas["nanming"] and event.changes["figures"] == report.figures


def test_figures_are_read_again_at_submission(personas, residents, make_person):
    report = services.start_report(actor=personas["nanming"], region=personas.region(NANMING))
    make_person("520102001001001")
    metrics_services.refresh_dirty()
    services.submit_report(report, actor=personas["nanming"], narrative="全区运行平稳。")
    report.refresh_from_db()
    assert report.figures["core.persons_new"] == 4
    event = AuditEvent.objects.get(action="command.report.submitted")
    assert event.changes["figures"][1]["core.persons_new"] == 4
    assert event.changes["late"] == services.is_late(report)


def test_the_report_state_machine(personas, residents, clock):
    nanming, commander = personas["nanming"], personas["commander"]
    clock(18)
    report = services.start_report(actor=nanming, region=personas.region(NANMING))
    services.save_report(report, actor=nanming, narrative="草稿")
    before = _state()
    with pytest.raises(ValidationError) as caught:  # no narrative, no submission
        services.submit_report(report, actor=nanming, narrative="")
    assert "narrative" in caught.value.message_dict
    with pytest.raises(Conflict):  # only a submitted report can be returned
        services.return_report(report, actor=commander, reason="数据有误")
    with pytest.raises(PermissionDenied):  # the city reads and returns; it does not write a district's report
        services.submit_report(report, actor=commander, narrative="代报")
    with pytest.raises(PermissionDenied):
        services.start_report(actor=personas["yunyan"], region=personas.region(NANMING))
    with pytest.raises(Conflict):  # one report per district and day
        services.start_report(actor=nanming, region=personas.region(NANMING))
    assert _state() == before

    clock(19, 30)
    services.submit_report(report, actor=nanming, narrative="今日卡口运行正常。")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == nanming
    assert report.first_submitted_at == report.submitted_at and not services.is_late(report)
    before = _state()
    with pytest.raises(Conflict):  # submitted: the district cannot change it any more
        services.save_report(report, actor=nanming, narrative="改")
    with pytest.raises(PermissionDenied):  # and cannot return its own report
        services.return_report(report, actor=nanming, reason="自退")
    with pytest.raises(ValidationError):
        services.return_report(report, actor=commander, reason=" ")
    assert _state() == before

    clock(20, 30)
    services.return_report(report, actor=commander, reason="请补充返岗人员情况。")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "请补充返岗人员情况。"
    returned = AuditEvent.objects.get(action="command.report.returned")
    assert returned.actor == commander and returned.reason == "请补充返岗人员情况。"

    clock(21)
    services.submit_report(report, actor=nanming, narrative="今日卡口运行正常；返岗人员已补充。")
    report.refresh_from_db()
    # resubmitted after the deadline, but first submitted before it: on time
    assert report.status == ReportStatus.SUBMITTED and not services.is_late(report)
    assert report.submitted_at > report.first_submitted_at
    assert AuditEvent.objects.filter(action="command.report.submitted", object_id=str(report.pk)).count() == 2


def test_late_and_missing_reports_of_the_day(personas, residents, clock):
    clock(19)
    nanming = services.start_report(actor=personas["nanming"], region=personas.region(NANMING))
    services.submit_report(nanming, actor=personas["nanming"], narrative="按时报送。")
    overview = services.day_overview(personas["commander"])
    by_code = {row.region.code: row for row in overview.rows}
    assert set(by_code) == {NANMING, YUNYAN}
    assert by_code[YUNYAN].state == "missing" and not by_code[YUNYAN].overdue  # the deadline has not passed

    clock(20, 1)
    overview = services.day_overview(personas["commander"])
    by_code = {row.region.code: row for row in overview.rows}
    assert by_code[YUNYAN].overdue and [r.region.code for r in overview.missing] == [YUNYAN]
    assert not by_code[NANMING].late and not by_code[NANMING].overdue
    assert overview.totals == {"core.persons_registered": 3, "core.persons_new": 3}  # submitted ones only

    yunyan = services.start_report(actor=personas["yunyan"], region=personas.region(YUNYAN))
    overview = services.day_overview(personas["commander"])
    assert [r.region.code for r in overview.missing] == [YUNYAN]  # a draft is not a report yet
    clock(21, 15)
    services.submit_report(yunyan, actor=personas["yunyan"], narrative="迟报说明：系统故障。")
    overview = services.day_overview(personas["commander"])
    assert [r.region.code for r in overview.late] == [YUNYAN] and not overview.missing
    assert overview.totals == {"core.persons_registered": 4, "core.persons_new": 4}
    assert AuditEvent.objects.get(action="command.report.submitted", object_id=str(yunyan.pk)).changes["late"]
    # a district sees its own row only
    assert [r.region.code for r in services.day_overview(personas["nanming"]).rows] == [NANMING]


def test_export_of_the_day_side_by_side(personas, residents, clock):
    from python_calamine import CalamineWorkbook

    clock(19)
    report = services.start_report(actor=personas["nanming"], region=personas.region(NANMING))
    services.submit_report(report, actor=personas["nanming"], narrative="=HYPERLINK(\"x\") 正常")
    clock(21)
    buffer, filename = services.export_overview(actor=personas["commander"], day=timezone.localdate())
    assert filename.endswith(".xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.read())).get_sheet_by_index(0).to_python()
    assert rows[0][0] in {"区县", "District"}
    assert rows[1][0] == "南明区" and rows[1][4:6] == [3, 3] and rows[1][-1].startswith("'=")  # formula neutralised
    assert rows[2][0] == "云岩区" and rows[2][4] == ""
    assert rows[3][4:6] == [3, 3]  # totals of the submitted
    assert AuditEvent.objects.filter(action="command.report.exported", actor=personas["commander"]).exists()
    with pytest.raises(PermissionDenied):
        services.export_overview(actor=personas["nanming"], day=timezone.localdate())


# --- API and pages ----------------------------------------------------------------------------------

@pytest.fixture
def reports(personas, residents):
    """A Nanming draft, a submitted Nanming report of yesterday and a Yunyan draft."""
    today = timezone.localdate()

    class Reports:
        draft = services.start_report(actor=personas["nanming"], region=personas.region(NANMING))
        submitted = services.start_report(actor=personas["nanming"], region=personas.region(NANMING),
                                          day=today - datetime.timedelta(days=1))
        yunyan = services.start_report(actor=personas["yunyan"], region=personas.region(YUNYAN))

    services.submit_report(Reports.submitted, actor=personas["nanming"], narrative="昨日情况。")
    return Reports


API_CASES = [
    ("list", "get", "/reports", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "auditor": 403,
      "norole": 403}),
    ("create", "post", "/reports", {"region_code": NANMING, "day": "{yesterday2}"}, "command.report.started",
     {None: 401, "nanming": 201, "commander": 403, "yunyan": 403, "grid_nanming": 403, "auditor": 403}),
    ("create_twice", "post", "/reports", {"region_code": NANMING}, None, {"nanming": 409}),
    ("get", "get", "/reports/{d}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 404, "auditor": 404}),
    ("update", "patch", "/reports/{d}", {"narrative": "更新"}, "command.report.saved",
     {None: 401, "nanming": 200, "commander": 403, "yunyan": 404, "grid_nanming": 404}),
    ("update_submitted", "patch", "/reports/{s}", {"narrative": "更新"}, None, {"nanming": 409}),
    ("refresh", "post", "/reports/{d}/refresh", None, "command.report.figures_read",
     {None: 401, "nanming": 200, "commander": 403, "yunyan": 404}),
    ("submit", "post", "/reports/{d}/submit", {"narrative": "今日情况。"}, "command.report.submitted",
     {None: 401, "nanming": 200, "commander": 403, "yunyan": 404, "grid_nanming": 404}),
    ("submit_empty", "post", "/reports/{d}/submit", {}, None, {"nanming": 422}),
    ("return", "post", "/reports/{s}/return", {"reason": "请核实数据。"}, "command.report.returned",
     {None: 401, "commander": 200, "nanming": 403, "yunyan": 404, "grid_nanming": 404}),
    ("return_draft", "post", "/reports/{d}/return", {"reason": "x"}, None, {"commander": 409}),
    ("overview", "get", "/reports/overview", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "auditor": 403}),
]


def _fill(value, reports):
    today = timezone.localdate()
    text = json.dumps(value).replace("{yesterday2}", (today - datetime.timedelta(days=2)).isoformat())
    return text


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "status"),
                         [pytest.param(*case[:5], p, s, id=f"{case[0]}-{p or 'anonymous'}")
                          for case in API_CASES for p, s in case[5].items()])
def test_api_matrix(personas, reports, name, method, url, body, action, persona, status):
    before, last_event = _state(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = _fill(body, reports)
    target = API + url.format(d=reports.draft.pk, s=reports.submitted.pk)
    response = getattr(client_for(personas[persona] if persona else None), method)(target, **kwargs)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _state() == before, "a refused call changed something"
    elif action:
        assert AuditEvent.objects.filter(pk__gt=last_event, action=action, actor=personas[persona]).count() == 1


def test_lists_hold_only_my_jurisdiction(personas, reports):
    def ids(persona, url="/reports"):
        return {item["id"] for item in client_for(personas[persona]).get(API + url).json()["items"]}

    assert ids("nanming") == {reports.draft.pk, reports.submitted.pk}
    assert ids("yunyan") == {reports.yunyan.pk}
    assert ids("commander") == {reports.draft.pk, reports.submitted.pk, reports.yunyan.pk}
    overview = client_for(personas["yunyan"]).get(API + "/reports/overview").json()
    assert [row["region_code"] for row in overview["rows"]] == [YUNYAN]
    city = client_for(personas["commander"]).get(API + "/reports/overview").json()
    assert [row["state"] for row in city["rows"]] == ["draft", "draft"] and set(city["missing"]) == {NANMING, YUNYAN}
    assert city["rows"][0]["figures"] == {}  # a draft's figures are the district's own until submitted
    detail = client_for(personas["nanming"]).get(f"{API}/reports/{reports.submitted.pk}").json()
    assert [f["key"] for f in detail["figures"]] == FIGURES and detail["figures"][1]["value"] == 0


PAGE_CASES = [
    ("overview", "get", "/command/reports/",
     {None: 302, "commander": 200, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "auditor": 403, "norole": 403}),
    ("report", "get", "/command/reports/520102/{today}/",
     {None: 302, "commander": 200, "nanming": 200, "yunyan": 404, "grid_nanming": 403, "auditor": 403}),
    ("report_unknown_region", "get", "/command/reports/999999/{today}/", {"nanming": 404}),
    ("report_future", "get", "/command/reports/520102/2099-01-01/", {"nanming": 404}),
    ("submit", "post", "/command/reports/520102/{today}/",
     {None: 302, "nanming": 302, "commander": 403, "yunyan": 404, "grid_nanming": 403}),
    ("today", "get", "/command/reports/today/", {None: 302, "nanming": 302, "commander": 403}),
    ("export", "get", "/command/reports/export/", {None: 302, "commander": 200, "nanming": 403, "auditor": 403}),
    ("return", "post", "/command/reports/{s}/return/", {None: 302, "commander": 302, "nanming": 403, "yunyan": 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(personas, reports, name, method, url, persona, status):
    before = _state()
    data = {"submit": {"narrative": "今日全区平稳。", "action": "submit"}, "return": {"reason": "请核实。"}}.get(name, {})
    target = url.format(today=timezone.localdate().isoformat(), s=reports.submitted.pk)
    response = getattr(client_for(personas[persona] if persona else None), method)(target, data)
    assert response.status_code == status
    if persona is None:
        assert response["Location"].startswith("/login/")
    if status >= 400 or persona is None:
        assert _state() == before
    if name == "submit" and status == 302 and persona:
        assert InformationReport.objects.get(pk=reports.draft.pk).status == ReportStatus.SUBMITTED
    if name == "export" and status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_new_report_refused_at_submission_leaves_no_draft(personas, residents):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client_for(personas["nanming"]).post(f"/command/reports/520102/{yesterday}/",
                                                    {"narrative": "", "action": "submit"})
    assert response.status_code == 422
    assert "narrative" in response.content.decode() or "叙述" in response.content.decode()
    assert not InformationReport.objects.exists()


def test_the_report_page_shows_prefilled_figures_before_anything_is_saved(personas, residents):
    html = client_for(personas["nanming"]).get(
        f"/command/reports/520102/{timezone.localdate().isoformat()}/").content.decode()
    assert 'data-key="core.persons_new"' in html and "<strong>3</strong>" in html
    assert not InformationReport.objects.exists()
    # the city sees that Nanming has not reported, not a preview of its figures
    city = client_for(personas["commander"]).get(
        f"/command/reports/520102/{timezone.localdate().isoformat()}/").content.decode()
    assert 'data-key="core.persons_new"' not in city


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_overview_outside_the_platform_days_is_a_field_error(personas, day):
    response = client_for(personas["commander"]).get(f"{API}/reports/overview?day={day}")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["day"]
