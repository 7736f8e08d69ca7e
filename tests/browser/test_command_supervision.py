"""A supervision task (督办任务) from end to end in a browser: the city commander issues it to Nanming on a
desktop, the Nanming official reports progress with a photo and submits it on a phone, the commander accepts.
Then the overdue list at both sizes."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import sign_in, table_rows
from twofront.command.choices import TaskStatus
from twofront.command.models import SupervisionTask
from twofront.command.services import supervision
from twofront.core.models import AuditEvent

pytestmark = pytest.mark.browser

TITLE = "三日内完成南明区复工企业防控检查"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def open_page(new_page):
    """new_page with a patient clock: these walks upload a file and make several round trips."""

    def make(device: str):
        page = new_page(device)
        page.context.set_default_timeout(30_000)
        return page

    return make


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the evidence photo stays out of var/media


def test_a_task_issued_reported_with_evidence_and_accepted(open_page, personas_tx, media, shoot):
    deadline = timezone.localdate() + datetime.timedelta(days=3)

    # given the city commander, on a desktop, issues a task to the Nanming district command post
    city = open_page("desktop")
    sign_in(city, "commander")
    city.goto("/command/tasks/issued/")
    with city.expect_navigation():
        city.locator("main .page-head a.button.primary").click()
    city.locator("#id_title").fill(TITLE)
    city.locator("#id_description").fill("逐户检查规上企业测温、消毒、台账，发现问题立即整改。")
    city.locator("#id_assignee_region").select_option("520102")
    city.locator("#id_deadline").fill(deadline.isoformat())
    shoot(city, "desktop-issue-form")
    with city.expect_navigation():
        city.locator("main form button[type=submit].primary").click()
    expect(city).to_have_url(re.compile(r"/command/tasks/\d+/$"))
    task = SupervisionTask.objects.get(title=TITLE)
    expect(city.locator("h1")).to_have_text(TITLE)
    expect(city.locator("#progress, #submit, #accept")).to_have_count(0)  # nothing for the issuer to do yet
    shoot(city, "desktop-issued")

    # when the Nanming official, on a phone, finds it in "my tasks"
    district = open_page("phone")
    sign_in(district, "nanming")
    district.goto("/command/tasks/")
    expect(table_rows(district)).to_have_count(1)
    assert no_horizontal_scroll(district)
    shoot(district, "phone-my-tasks")
    with district.expect_navigation():
        table_rows(district).first.locator("a").tap()

    # reports progress with a photo (the form is swapped in place by htmx)
    district.locator("#progress textarea[name=note]").fill("已检查规上企业42家，发现3家测温记录不全，已督促整改。")
    district.locator("#progress input[type=file]").set_input_files(
        files=[{"name": "检查现场.png", "mimeType": "image/png", "buffer": PNG}])
    district.locator("#progress button[type=submit]").tap()
    expect(district.locator("ol.timeline li")).to_have_count(2)
    expect(district.locator("ol.timeline")).to_contain_text("已检查规上企业42家")
    expect(district.locator("ol.timeline .tl-evidence a")).to_contain_text(".png")
    expect(district.locator("#task .messages li")).to_have_count(1)
    assert no_horizontal_scroll(district)
    shoot(district, "phone-progress")

    # and submits the work for acceptance; the photo already reported counts as evidence
    district.locator("#submit textarea[name=submit-note]").fill("42家企业已全部检查，3家问题已整改完毕。")
    district.locator("#submit button[type=submit]").tap()
    expect(district.locator(".status.big")).to_have_text(re.compile("验收|acceptance"))
    expect(district.locator("#progress, #submit")).to_have_count(0)
    assert no_horizontal_scroll(district)
    shoot(district, "phone-submitted")

    # then the commander accepts it on the desktop
    city.reload()
    expect(city.locator("#accept")).to_be_visible()
    shoot(city, "desktop-to-accept")
    city.locator("#accept textarea").fill("检查到位，同意验收。")
    city.locator("#accept button[type=submit]").click()
    expect(city.locator("#accept, #return")).to_have_count(0)
    expect(city.locator("ol.timeline li")).to_have_count(4)
    shoot(city, "desktop-accepted")

    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED and task.accepted_at is not None
    assert list(AuditEvent.objects.filter(object_type="command.supervisiontask").order_by("pk")
                .values_list("action", "actor_username")) == [
        ("command.task.assigned", "commander"), ("command.task.progress_reported", "nanming"),
        ("command.task.submitted", "nanming"), ("command.task.accepted", "commander")]

    # the evidence downloads for whoever sees the task
    download_url = district.locator("ol.timeline .tl-evidence a").first.get_attribute("href")
    response = district.request.get(download_url)
    assert response.status == 200 and response.body() == PNG


def test_the_overdue_list_at_both_sizes(open_page, personas_tx, shoot):
    commander, regions = personas_tx["commander"], personas_tx.regions
    for code, title in (("520102", "南明区农贸市场测温点设置"), ("520103", "云岩区小区卡口值守"),
                        ("520102001", "新华路街道复工企业台账")):
        task = supervision.create_task(actor=commander, title=title, assignee_region=regions[code],
                                       deadline=timezone.localdate())
        SupervisionTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=4))
    supervision.escalate_overdue_tasks()
    for device in ("desktop", "phone"):
        page = open_page(device)
        sign_in(page, "commander")
        page.goto("/command/tasks/overdue/")
        expect(table_rows(page)).to_have_count(3)
        expect(page.locator(".tile-value").first).to_have_text("3")
        expect(page.locator(".badge.escalated")).to_have_count(3)
        assert no_horizontal_scroll(page)
        shoot(page, f"{device}-overdue")


def test_work_groups_and_a_consultation_at_both_sizes(open_page, personas_tx, shoot):
    from twofront.command.choices import MemberRole
    from twofront.command.services import groups, meetings

    commander, city = personas_tx["commander"], personas_tx.region("520100")
    leading = groups.create_work_group(actor=commander, region=city, name="疫情防控领导小组", leading=True,
                                       remit="统筹全市疫情防控和复工复产工作，研究决定重大事项。")
    groups.add_member(leading, actor=commander, user=commander, name="市指挥长", position="市长", department="市政府",
                      role=MemberRole.LEADER)
    groups.add_member(leading, actor=commander, name="李某", position="常务副市长", department="市政府",
                      role=MemberRole.DEPUTY)
    groups.add_member(leading, actor=commander, name="王某", position="局长", department="市卫生健康局")
    for name in ("综合协调组", "疫情防控组", "医疗救治组", "物资保障组"):
        groups.create_work_group(actor=commander, region=city, name=name, remit="负责本组职责范围内的工作")
    meeting = meetings.create_consultation(
        actor=commander, region=city, title="全市疫情防控和复工复产工作会商", held_at=timezone.now(),
        location="市指挥部会议室", attendees=[commander], attendee_names="市卫健局、市工信局、各区县指挥部",
        summary="研判疫情形势，部署规上企业复工和小区封闭管理。",
        decisions=["各区县三日内完成规上企业复工防控检查", "农贸市场一律设置测温点"])
    supervision.create_task(actor=commander, decision=meeting.decisions.first(), title="完成规上企业复工防控检查",
                            assignee_region=personas_tx.region("520102"),
                            deadline=timezone.localdate() + datetime.timedelta(days=3))
    for device in ("desktop", "phone"):
        page = open_page(device)
        sign_in(page, "commander")
        page.goto("/command/groups/")
        expect(table_rows(page)).to_have_count(5)
        shoot(page, f"{device}-groups")
        page.goto(f"/command/groups/{leading.pk}/")
        expect(page.locator("table.members tbody tr")).to_have_count(3)
        assert no_horizontal_scroll(page)
        shoot(page, f"{device}-leading-group")
        page.goto(f"/command/consultations/{meeting.pk}/")
        expect(page.locator("ol.decisions > li")).to_have_count(2)
        expect(page.locator("ol.decisions")).to_contain_text("完成规上企业复工防控检查")
        assert no_horizontal_scroll(page)
        shoot(page, f"{device}-consultation")


def test_the_issuer_extends_a_late_task_on_a_phone_and_cancels_another_on_a_desktop(open_page, personas_tx, shoot):
    commander, regions, today = personas_tx["commander"], personas_tx.regions, timezone.localdate()
    late_task, spare = (supervision.create_task(actor=commander, title=title, assignee_region=regions["520102"],
                                                deadline=today)
                        for title in ("南明区农贸市场测温点设置", "南明区临时隔离点巡查"))
    SupervisionTask.objects.filter(pk=late_task.pk).update(deadline=today - datetime.timedelta(days=2))
    supervision.escalate_overdue_tasks()

    # the commander, on a phone, moves the late task's deadline a week on, with the reason
    phone = open_page("phone")
    sign_in(phone, "commander")
    phone.goto(f"/command/tasks/{late_task.pk}/")
    expect(phone.locator("#extend")).to_be_visible()
    new_deadline = today + datetime.timedelta(days=7)
    phone.locator("#extend input[name=extend-deadline]").fill(new_deadline.isoformat())
    phone.locator("#extend textarea[name=extend-reason]").fill("市场改造施工，测温点须待完工后设置。")
    phone.locator("#extend button[type=submit]").tap()
    expect(phone.locator("#task .messages li")).to_have_count(1)
    expect(phone.locator("ol.timeline")).to_contain_text("市场改造施工")
    assert no_horizontal_scroll(phone)
    shoot(phone, "phone-extended")
    late_task.refresh_from_db()
    assert (late_task.deadline, late_task.escalation_level) == (new_deadline, 0)
    phone.goto("/command/tasks/overdue/")
    expect(table_rows(phone)).to_have_count(0)  # on time again

    # and, on a desktop, cancels the other one, which is no longer needed
    desk = open_page("desktop")
    sign_in(desk, "commander")
    desk.goto(f"/command/tasks/{spare.pk}/")
    desk.locator("#cancel textarea[name=cancel-reason]").fill("该隔离点已撤除，无需巡查。")
    desk.locator("#cancel button[type=submit]").click()
    expect(desk.locator(".status.big")).to_have_text(re.compile("撤销|Cancelled"))
    expect(desk.locator("#extend, #cancel")).to_have_count(0)
    expect(desk.locator("dl")).not_to_contain_text(re.compile("今日到期|剩余|due today|left"))  # settled: no countdown
    shoot(desk, "desktop-cancelled")
    spare.refresh_from_db()
    assert spare.status == TaskStatus.CANCELLED
    assert list(AuditEvent.objects.filter(action__in=["command.task.extended", "command.task.cancelled"])
                .order_by("pk").values_list("action", "actor_username")) == [
        ("command.task.extended", "commander"), ("command.task.cancelled", "commander")]


def test_the_home_page_lists_what_waits_for_me_at_both_sizes(open_page, personas_tx, shoot):
    commander, regions, today = personas_tx["commander"], personas_tx.regions, timezone.localdate()
    for title in ("南明区农贸市场测温点设置", "南明区复工企业台账检查"):
        task = supervision.create_task(actor=commander, title=title, assignee_region=regions["520102"], deadline=today)
    SupervisionTask.objects.filter(pk=task.pk).update(deadline=today - datetime.timedelta(days=1))
    for device in ("phone", "desktop"):
        page = open_page(device)
        sign_in(page, "nanming")
        page.goto("/")
        items = page.locator(".todo-list li")
        expect(items).to_have_count(2)  # my unit's two tasks (one late: urgent, first), the district's overdue one
        expect(items.first).to_have_class("urgent")
        expect(page.locator(".todo-list")).to_contain_text("本单位待办督办任务")
        assert no_horizontal_scroll(page)
        shoot(page, f"{device}-home-todo")
    with page.expect_navigation():
        page.locator(".todo-list a", has_text="本单位待办督办任务").click()
    expect(table_rows(page)).to_have_count(2)
