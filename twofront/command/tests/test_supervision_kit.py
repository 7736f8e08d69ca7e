"""The supervision test kit: the core personas plus a street and a community official of Nanming, and
helpers that issue a task and drive it to a status through the services. Other modules import the
`kit` fixture from here."""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from twofront.command.choices import TaskStatus
from twofront.command.models import SupervisionTask
from twofront.command.services import supervision as services
from twofront.core.models import AuditEvent, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.testing import PASSWORD, Personas, client_for

NANMING, YUNYAN, NANMING_STREET, NANMING_COMMUNITY = "520102", "520103", "520102001", "520102001001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name: str = "现场照片.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def call(client, method: str, url: str, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def check_api_case(kit, persona, method: str, url: str, body, action, expected: int, everything):
    """One row of an API permission matrix: the status; a refusal is problem+json and changes nothing (no
    audit event either); a write leaves exactly its own audit event. body "multipart": a note with a photo."""
    before, last_event = everything(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    if body == "multipart":
        response = kit.client(persona).post(url, {"note": "已完成排查", "evidence": photo()})
    else:
        response = call(kit.client(persona), method, url, body)
    assert response.status_code == expected, response.content
    new_events = AuditEvent.objects.filter(pk__gt=last_event or 0)
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert everything() == before, "a refused call changed something"
        assert not new_events.exists()
    elif action:
        assert list(new_events.values_list("action", "actor_username")) == [(action, persona)]
    return response


def check_page_case(kit, persona, method: str, url: str, data: dict, expected: int, everything):
    """One row of a page permission matrix: anonymous goes to the login page; a refusal changes nothing."""
    before = everything()
    response = getattr(kit.client(persona), method)(url, data)
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith("/login/")
    if expected >= 400 or persona is None:
        assert everything() == before
    return response


def assert_refused(call_, error, everything) -> None:
    """The call raises `error` and changes nothing `everything()` returns."""
    before = everything()
    with pytest.raises(error):
        call_()
    assert everything() == before, "a refused call changed something"


def state_of(*querysets) -> list:
    """Everything a refused call must leave untouched, as plain rows."""
    return [list(qs.order_by("pk").values()) for qs in querysets]


@dataclass
class TaskKit:
    personas: Personas
    users: dict

    def __getitem__(self, name: str) -> User:
        return self.users[name]

    def region(self, code: str):
        return self.personas.region(code)

    def client(self, name: str | None):
        return client_for(self.users[name] if name else None)

    def issue(self, to: str = NANMING, *, by: str = "commander", days: int = 5, **fields) -> SupervisionTask:
        fields.setdefault("title", "落实小区封闭管理“两测一登记”")
        return services.create_task(actor=self.users[by], assignee_region=self.region(to),
                                    deadline=timezone.localdate() + datetime.timedelta(days=days), **fields)

    def drive(self, task: SupervisionTask, status: str, *, assignee: str = "nanming", issuer: str = "commander"):
        """Moves a task through the services to `status`."""
        if status in (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.ACCEPTED, TaskStatus.RETURNED):
            services.report_progress(task, actor=self.users[assignee], note="已完成12个小区的排查", evidence=photo())
        if status in (TaskStatus.SUBMITTED, TaskStatus.ACCEPTED, TaskStatus.RETURNED):
            services.submit_task(task, actor=self.users[assignee], note="全部完成，请验收")
        if status == TaskStatus.ACCEPTED:
            services.accept_task(task, actor=self.users[issuer])
        if status == TaskStatus.RETURNED:
            services.return_task(task, actor=self.users[issuer], reason="缺少监测岗照片")
        task.refresh_from_db()
        return task


def late(task: SupervisionTask, days: int) -> SupervisionTask:
    """Moves the deadline `days` into the past, as time passing would."""
    SupervisionTask.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=days))
    task.refresh_from_db()
    return task


def build_kit(personas: Personas) -> TaskKit:
    users = dict(personas.users)
    for name, role, code in (("street_nanming", Role.STREET_OFFICER, NANMING_STREET),
                             ("community_nanming", Role.COMMUNITY_OFFICER, NANMING_COMMUNITY)):
        user = User.objects.filter(username=name).first()
        if user is None:
            user = User.objects.create_user(username=name, password=PASSWORD, display_name=name)
            RoleAssignment.objects.create(user=user, role=role, region=personas.region(code))
        users[name] = user
    return TaskKit(personas=personas, users=users)


@pytest.fixture(name="kit")
def kit_fixture(personas, settings, tmp_path) -> TaskKit:
    settings.MEDIA_ROOT = tmp_path / "media"  # evidence files stay out of var/media
    return build_kit(personas)


def test_the_kit_issues_a_task_from_the_city_to_nanming(kit):
    task = kit.issue()
    assert (task.issuer_region.code, task.assignee_region.code, task.status) == ("520100", NANMING, "assigned")
    assert kit.drive(task, TaskStatus.ACCEPTED).status == TaskStatus.ACCEPTED
