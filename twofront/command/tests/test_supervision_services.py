"""Supervision tasks in the services: issuing down the region tree, the assignee's progress and submission with
evidence, the issuer's acceptance or return, escalation of overdue tasks, inspections and their findings.
A refused call changes nothing and writes no audit event."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from twofront.command.choices import ProgressKind, TaskSource, TaskStatus
from twofront.command.models import Finding, Inspection, SupervisionTask, TaskProgress
from twofront.command.services import supervision as services
from twofront.command.tests.test_supervision_kit import (
    NANMING,
    NANMING_COMMUNITY,
    NANMING_STREET,
    YUNYAN,
    assert_refused,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    late,
    photo,
    state_of,
)
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent


def everything() -> list:
    return state_of(SupervisionTask.objects.all(), TaskProgress.objects.all(), AuditEvent.objects.all(),
                    Inspection.objects.all(), Finding.objects.all())


def refused(call_, error=Exception):
    assert_refused(call_, error, everything)


def actions(task) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(object_type="command.supervisiontask", object_id=str(task.pk))
                .order_by("pk").values_list("action", "actor_username"))


# Issuing -----------------------------------------------------------------------------------------------

def test_the_city_issues_to_a_district_and_the_event_belongs_to_the_district(kit):
    task = kit.issue(description="三天内完成", days=3)
    assert (task.issuer_region.code, task.source, task.created_by) == ("520100", TaskSource.MANUAL, kit["commander"])
    event = AuditEvent.objects.get(action="command.task.assigned")
    assert (event.actor, event.region.code, event.changes["title"][1]) == (kit["commander"], NANMING, task.title)


def test_a_district_issues_to_its_street_from_its_own_command_post(kit):
    task = kit.issue(NANMING_STREET, by="nanming")
    assert task.issuer_region.code == NANMING


@pytest.mark.parametrize(("by", "to", "error"), [
    ("yunyan", NANMING, PermissionDenied),            # not their jurisdiction
    ("nanming", NANMING, PermissionDenied),           # a unit does not issue to itself
    ("community_nanming", NANMING_COMMUNITY, PermissionDenied),  # communities receive, never issue
    ("grid_nanming", NANMING, PermissionDenied),
    ("norole", NANMING, PermissionDenied),
])
def test_issuing_outside_the_issuers_tree_is_refused(kit, by, to, error):
    refused(lambda: kit.issue(to, by=by), error)


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"days": -1}, "deadline"),
    ({"days": 181}, "deadline"),
])
def test_invalid_tasks_are_field_errors(kit, fields, field):
    before = everything()
    with pytest.raises(ValidationError) as exc:
        kit.issue(**fields)
    assert field in exc.value.message_dict
    assert everything() == before


def test_an_issuer_region_not_above_the_unit_is_refused(kit):
    refused(lambda: kit.issue(NANMING, by="commander", issuer_region=kit.region(YUNYAN)), ValidationError)


def test_the_named_official_must_work_in_the_unit(kit):
    refused(lambda: kit.issue(NANMING, assignee=kit["yunyan"]), ValidationError)
    task = kit.issue(NANMING_STREET, assignee=kit["street_nanming"])
    assert task.assignee == kit["street_nanming"]


# The state machine -------------------------------------------------------------------------------------

def test_progress_submission_and_acceptance(kit):
    task = kit.issue()
    entry = services.report_progress(task, actor=kit["nanming"], note="已排查12个小区", evidence=photo())
    task.refresh_from_db()
    assert (task.status, entry.kind, entry.evidence.name.endswith(".png")) == (TaskStatus.IN_PROGRESS, "progress", True)
    services.submit_task(task, actor=kit["nanming"], note="全部完成")  # evidence came with the earlier report
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    services.accept_task(task, actor=kit["commander"], note="同意")
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED and task.accepted_at is not None
    assert [e.kind for e in task.progress.all()] == [ProgressKind.PROGRESS, ProgressKind.SUBMIT, ProgressKind.ACCEPT]
    assert actions(task) == [("command.task.assigned", "commander"), ("command.task.progress_reported", "nanming"),
                             ("command.task.submitted", "nanming"), ("command.task.accepted", "commander")]


def test_a_returned_task_goes_back_to_the_assignee_with_the_reason(kit):
    task = kit.drive(kit.issue(), TaskStatus.RETURNED)
    assert task.status == TaskStatus.RETURNED
    assert task.progress.last().note == "缺少监测岗照片"
    event = AuditEvent.objects.get(action="command.task.returned")
    assert (event.reason, event.changes["status"]) == ("缺少监测岗照片", ["submitted", "returned"])
    services.report_progress(task, actor=kit["nanming"], note="已补充照片", evidence=photo("补充.jpg", b"\xff\xd8\xff" + b"0" * 20))
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_submission_needs_evidence(kit):
    task = kit.issue()
    with pytest.raises(ValidationError) as exc:
        services.submit_task(task, actor=kit["nanming"], note="完成")
    assert "evidence" in exc.value.message_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and not task.progress.exists()


@pytest.mark.parametrize(("name", "content"), [("脚本.html", b"<script>"), ("假照片.png", b"<html>hello</html>"),
                                               ("空.pdf", b"")])
def test_evidence_must_be_a_photo_or_document_of_its_type(kit, name, content):
    task = kit.issue()
    refused(lambda: services.report_progress(task, actor=kit["nanming"], note="进展", evidence=photo(name, content)),
            ValidationError)


@pytest.mark.parametrize(("actor", "error"), [
    ("commander", PermissionDenied),  # the issuer does not report for the unit
    ("yunyan", PermissionDenied),     # another district (the page and API answer 404 before this)
    ("street_nanming", PermissionDenied),  # below the unit: the task is the district's
    ("grid_nanming", PermissionDenied),
])
def test_only_the_assigned_unit_reports(kit, actor, error):
    task = kit.issue()
    refused(lambda: services.report_progress(task, actor=kit[actor], note="进展"), error)


def test_a_task_named_to_an_official_is_theirs_alone(kit):
    task = kit.issue(NANMING_STREET, by="commander", assignee=kit["street_nanming"])
    refused(lambda: services.report_progress(task, actor=kit["nanming"], note="进展"), PermissionDenied)
    services.report_progress(task, actor=kit["street_nanming"], note="进展")


@pytest.mark.parametrize("actor", ["nanming", "yunyan", "street_nanming"])
def test_only_the_issuing_level_accepts_or_returns(kit, actor):
    task = kit.drive(kit.issue(), TaskStatus.SUBMITTED)
    refused(lambda: services.accept_task(task, actor=kit[actor]), PermissionDenied)
    refused(lambda: services.return_task(task, actor=kit[actor], reason="不合格"), PermissionDenied)


@pytest.mark.parametrize(("status", "step"), [
    (TaskStatus.ASSIGNED, "accept"), (TaskStatus.IN_PROGRESS, "return"), (TaskStatus.ACCEPTED, "progress"),
    (TaskStatus.SUBMITTED, "progress"), (TaskStatus.SUBMITTED, "submit"), (TaskStatus.ACCEPTED, "accept"),
    (TaskStatus.RETURNED, "accept"),
])
def test_steps_out_of_order_are_conflicts(kit, status, step):
    task = kit.drive(kit.issue(), status)
    call = {"accept": lambda: services.accept_task(task, actor=kit["commander"]),
            "return": lambda: services.return_task(task, actor=kit["commander"], reason="不合格"),
            "progress": lambda: services.report_progress(task, actor=kit["nanming"], note="进展"),
            "submit": lambda: services.submit_task(task, actor=kit["nanming"], note="完成", evidence=photo())}[step]
    refused(call, Conflict)


def test_a_return_needs_a_reason(kit):
    task = kit.drive(kit.issue(), TaskStatus.SUBMITTED)
    refused(lambda: services.return_task(task, actor=kit["commander"], reason="  "), ValidationError)


# Extension and cancellation ------------------------------------------------------------------------------

def test_the_issuer_extends_a_late_escalated_task_and_it_returns_to_its_unit(kit):
    task = late(kit.issue(NANMING_STREET, by="nanming"), 1)
    services.escalate_overdue_tasks()
    task.refresh_from_db()
    assert task.escalation_level == 1 and services.is_overdue(task)
    new_deadline = timezone.localdate() + datetime.timedelta(days=7)
    task = services.extend_deadline(task, actor=kit["nanming"], deadline=new_deadline, reason="暴雨停工，延期一周")
    assert (task.deadline, task.escalation_level, services.is_overdue(task)) == (new_deadline, 0, False)
    entry = task.progress.get(kind=ProgressKind.EXTEND)
    assert "暴雨停工" in entry.note and new_deadline.isoformat() in entry.note and entry.by == kit["nanming"]
    event = AuditEvent.objects.get(action="command.task.extended", object_id=str(task.pk))
    assert event.changes["escalation_level"] == [1, 0] and event.reason == "暴雨停工，延期一周"
    assert services.escalate_overdue_tasks() == 0  # not late any more


@pytest.mark.parametrize(("days", "reason", "field"), [(0, "延期", "deadline"), (3, "延期", "deadline"),
                                                      (400, "延期", "deadline"), (10, " ", "reason")])
def test_an_extension_is_later_within_reach_and_has_a_reason(kit, days, reason, field):
    task = kit.issue(days=5)
    deadline = timezone.localdate() + datetime.timedelta(days=days)
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(task, actor=kit["commander"], deadline=deadline, reason=reason)
    assert field in caught.value.message_dict
    task.refresh_from_db()
    assert task.deadline == timezone.localdate() + datetime.timedelta(days=5) and not task.progress.exists()


@pytest.mark.parametrize("actor", ["nanming", "yunyan", "street_nanming"])
def test_only_the_issuing_level_extends_or_cancels(kit, actor):
    task = kit.issue()
    later = timezone.localdate() + datetime.timedelta(days=9)
    refused(lambda: services.extend_deadline(task, actor=kit[actor], deadline=later, reason="延期"), PermissionDenied)
    refused(lambda: services.cancel_task(task, actor=kit[actor], reason="取消"), PermissionDenied)


def test_a_cancelled_task_is_no_longer_open_overdue_or_escalated(kit):
    task = late(kit.issue(NANMING_STREET, by="nanming"), 2)
    services.escalate_overdue_tasks()
    task = services.cancel_task(task, actor=kit["nanming"], reason="该小区已解除封闭管理")
    assert (task.status, task.escalation_level, services.is_overdue(task)) == (TaskStatus.CANCELLED, 0, False)
    assert not SupervisionTask.objects.filter(services.overdue_q(), pk=task.pk).exists()
    assert services.escalate_overdue_tasks(today=timezone.localdate() + datetime.timedelta(days=30)) == 0
    assert task.progress.filter(kind=ProgressKind.CANCEL, note="该小区已解除封闭管理").exists()
    assert AuditEvent.objects.filter(action="command.task.cancelled", object_id=str(task.pk)).exists()
    # settled: nothing more happens to it
    refused(lambda: services.report_progress(task, actor=kit["street_nanming"], note="进展"), Conflict)
    refused(lambda: services.cancel_task(task, actor=kit["nanming"], reason="再取消"), Conflict)
    later = timezone.localdate() + datetime.timedelta(days=9)
    refused(lambda: services.extend_deadline(task, actor=kit["nanming"], deadline=later, reason="延期"), Conflict)


def test_an_accepted_task_cannot_be_cancelled(kit):
    task = kit.drive(kit.issue(), TaskStatus.ACCEPTED)
    refused(lambda: services.cancel_task(task, actor=kit["commander"], reason="取消"), Conflict)


# Escalation --------------------------------------------------------------------------------------------

def test_overdue_tasks_escalate_one_level_at_a_time_up_to_the_city(kit, settings):
    settings.TWOFRONT_ESCALATION_STEP_DAYS = 3
    task = late(kit.issue(NANMING_COMMUNITY, by="nanming"), 1)  # community: depth 3
    assert services.escalate_overdue_tasks() == 1
    task.refresh_from_db()
    assert (task.escalation_level, services.escalation_region(task).code) == (1, NANMING_STREET)
    assert services.escalate_overdue_tasks() == 0  # idempotent on the same day
    today = timezone.localdate()
    assert services.escalate_overdue_tasks(today=today + datetime.timedelta(days=3)) == 1
    task.refresh_from_db()
    assert (task.escalation_level, services.escalation_region(task).code) == (2, NANMING)
    assert services.escalate_overdue_tasks(today=today + datetime.timedelta(days=30)) == 1
    task.refresh_from_db()
    assert (task.escalation_level, services.escalation_region(task).code) == (3, "520100")  # never above the city
    assert services.escalate_overdue_tasks(today=today + datetime.timedelta(days=60)) == 0
    entries = task.progress.filter(kind=ProgressKind.ESCALATE)
    assert entries.count() == 3 and entries.first().by is None
    events = AuditEvent.objects.filter(action="command.task.escalated", object_id=str(task.pk))
    assert events.count() == 3 and events.first().actor is None
    assert events.order_by("pk").last().changes["escalated_to"] == "520100"


@pytest.mark.parametrize("status", [TaskStatus.SUBMITTED, TaskStatus.ACCEPTED])
def test_work_waiting_for_the_issuer_or_done_never_escalates(kit, status):
    task = late(kit.drive(kit.issue(), status), 10)
    assert services.escalate_overdue_tasks() == 0
    task.refresh_from_db()
    assert task.escalation_level == 0


def test_a_task_not_yet_due_does_not_escalate(kit):
    kit.issue(days=0)
    assert services.escalate_overdue_tasks() == 0


def test_escalated_tasks_surface_at_the_level_they_reached(kit):
    task = late(kit.issue(NANMING_STREET, by="nanming"), 1)
    services.escalate_overdue_tasks()
    task.refresh_from_db()

    def escalated_to(persona):
        qs = SupervisionTask.objects.visible_to(kit[persona]).filter(services.escalated_to_q(kit[persona]))
        return set(qs.values_list("pk", flat=True))

    assert escalated_to("nanming") == {task.pk}  # level 1: the district above the street
    assert escalated_to("commander") == set()  # not yet up to the city
    assert escalated_to("street_nanming") == set()
    assert escalated_to("yunyan") == set()
    services.escalate_overdue_tasks(today=timezone.localdate() + datetime.timedelta(days=30))
    assert escalated_to("commander") == escalated_to("nanming") == {task.pk}


def test_the_worker_job_escalates_with_task_as_the_audit_source(kit):
    from twofront.command.tasks_supervision import escalate_overdue

    late(kit.issue(), 2)
    assert escalate_overdue.call() == 1
    assert AuditEvent.objects.get(action="command.task.escalated").source == "task"


# Inspections and consultations feed tasks --------------------------------------------------------------

def test_an_inspection_finding_becomes_a_rectification_task(kit):
    inspection = services.record_inspection(actor=kit["commander"], region=kit.region(NANMING),
                                            title="南明区小区封闭管理督查", inspected_on=timezone.localdate(),
                                            inspectors="市督查组", findings=[("新华路社区监测岗无人值守", "high")])
    finding = inspection.findings.get()
    task = services.create_task(actor=kit["commander"], finding=finding, title="整改：监测岗值守",
                                assignee_region=kit.region(NANMING_STREET),
                                deadline=timezone.localdate() + datetime.timedelta(days=3))
    assert (task.source, task.finding, task.issuer_region.code) == (TaskSource.INSPECTION, finding, "520100")
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == ["command.inspection.recorded",
                                                                    "command.task.assigned"]


def test_a_rectification_task_stays_in_the_inspected_region(kit):
    inspection = services.record_inspection(actor=kit["commander"], region=kit.region(NANMING), title="督查",
                                            inspected_on=timezone.localdate(), findings=[("问题", "low")])
    finding = inspection.findings.get()
    refused(lambda: services.create_task(actor=kit["commander"], finding=finding, title="整改",
                                         assignee_region=kit.region(YUNYAN),
                                         deadline=timezone.localdate() + datetime.timedelta(days=3)), ValidationError)


def test_inspections_are_recorded_only_over_ones_jurisdiction(kit):
    refused(lambda: services.record_inspection(actor=kit["yunyan"], region=kit.region(NANMING), title="督查",
                                               inspected_on=timezone.localdate()), PermissionDenied)
    refused(lambda: services.record_inspection(actor=kit["commander"], region=kit.region(NANMING), title="督查",
                                               inspected_on=timezone.localdate() + datetime.timedelta(days=1)),
            ValidationError)
    inspection = services.record_inspection(actor=kit["commander"], region=kit.region(NANMING), title="督查",
                                            inspected_on=timezone.localdate())
    refused(lambda: services.add_finding(inspection, actor=kit["yunyan"], description="问题"), PermissionDenied)
    refused(lambda: services.add_finding(inspection, actor=kit["commander"], description="问题", severity="x"),
            ValidationError)
    finding = services.add_finding(inspection, actor=kit["nanming"], description="台账不全", severity="low")
    assert finding.inspection == inspection


def test_the_worker_thread_escalates_on_its_own(personas_tx, settings, tmp_path):
    import time

    from twofront.command.tasks_supervision import start_escalation
    from twofront.command.tests.test_supervision_kit import build_kit

    settings.MEDIA_ROOT = tmp_path
    task = late(build_kit(personas_tx).issue(), 1)
    thread = start_escalation(seconds=0.05)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not SupervisionTask.objects.filter(pk=task.pk,
                                                                                 escalation_level=1).exists():
            time.sleep(0.05)
    finally:
        thread.stop(timeout=10)
    assert not thread.is_alive() and thread.name == "command-escalation"
    assert SupervisionTask.objects.get(pk=task.pk).escalation_level == 1
