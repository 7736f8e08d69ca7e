"""The resumption declaration workflow: draft -> submitted -> approved / returned (edit, resubmit), review
deadlines and the overdue queue, attachments, and marking the enterprise resumed."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.enterprise.choices import DeclarationStatus
from twofront.enterprise.models import ResumptionDeclaration
from twofront.enterprise.services import declarations as services
from twofront.enterprise.services.enterprises import mark_resumed

PLAN = {"planned_date": datetime.date(2020, 3, 2), "expected_headcount": 120, "local_employees": 90,
        "out_of_town_employees": 30, "mask_stock_days": 7, "disinfection": True, "temperature_checks": True,
        "isolation_room": True, "canteen_arrangement": "分餐、错峰就餐", "responsible_person": "王强"}


@pytest.fixture
def draft(enterprise_personas):
    return services.create_declaration(enterprise_personas.a, actor=enterprise_personas["hr_a"], **PLAN)


def test_hr_drafts_submits_and_an_officer_approves(enterprise_personas, draft, settings):
    settings.TWOFRONT_REVIEW_DEADLINE_DAYS = 2
    hr, officer = enterprise_personas["hr_a"], enterprise_personas["street_nanming"]
    assert draft.status == DeclarationStatus.DRAFT and draft.review_due is None
    before = timezone.now()
    submitted = services.submit_declaration(draft, actor=hr)
    # then the review is due in the configured number of days
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert before + datetime.timedelta(days=2) <= submitted.review_due <= timezone.now() + datetime.timedelta(days=2)
    approved = services.approve_declaration(submitted, actor=officer)
    assert (approved.status, approved.reviewed_by) == (DeclarationStatus.APPROVED, officer)
    assert list(AuditEvent.objects.filter(object_type="enterprise.resumptiondeclaration").order_by("pk")
                .values_list("action", "actor_username")) == [
        ("enterprise.declaration.created", "hr_a"), ("enterprise.declaration.submitted", "hr_a"),
        ("enterprise.declaration.approved", "street_nanming")]


def test_a_draft_cannot_be_approved(enterprise_personas, draft):
    with pytest.raises(Conflict):
        services.approve_declaration(draft, actor=enterprise_personas["nanming"])
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT and draft.reviewed_by is None
    assert not AuditEvent.objects.filter(action="enterprise.declaration.approved").exists()


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_return_needs_a_reason(enterprise_personas, draft, reason):
    submitted = services.submit_declaration(draft, actor=enterprise_personas["hr_a"])
    with pytest.raises(ValidationError) as caught:
        services.return_declaration(submitted, actor=enterprise_personas["nanming"], reason=reason)
    assert "reason" in caught.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED


def test_returned_declaration_is_edited_and_resubmitted(enterprise_personas, draft):
    hr, officer = enterprise_personas["hr_a"], enterprise_personas["nanming"]
    services.submit_declaration(draft, actor=hr)
    # submitted: HR may no longer edit
    with pytest.raises(Conflict):
        services.update_declaration(draft, actor=hr, mask_stock_days=30)
    returned = services.return_declaration(draft, actor=officer, reason="口罩储备不足7天")
    assert returned.status == DeclarationStatus.RETURNED and returned.return_reason == "口罩储备不足7天"
    edited = services.update_declaration(returned, actor=hr, mask_stock_days=30)
    assert edited.mask_stock_days == 30
    again = services.submit_declaration(edited, actor=hr)
    assert again.status == DeclarationStatus.SUBMITTED
    assert AuditEvent.objects.get(action="enterprise.declaration.returned").reason == "口罩储备不足7天"
    assert AuditEvent.objects.get(action="enterprise.declaration.updated").changes == {"mask_stock_days": [7, 30]}


def test_parts_cannot_exceed_the_headcount(enterprise_personas):
    with pytest.raises(ValidationError) as caught:
        services.create_declaration(enterprise_personas.a, actor=enterprise_personas["hr_a"],
                                    **{**PLAN, "local_employees": 100, "out_of_town_employees": 30})
    assert "out_of_town_employees" in caught.value.message_dict
    assert not ResumptionDeclaration.objects.exists()


def test_one_declaration_in_progress_per_enterprise(enterprise_personas, draft):
    with pytest.raises(Conflict):
        services.create_declaration(enterprise_personas.a, actor=enterprise_personas["hr_a"], **PLAN)
    assert ResumptionDeclaration.objects.count() == 1


def test_enterprise_cannot_approve_its_own_and_officials_cannot_draft(enterprise_personas, draft):
    services.submit_declaration(draft, actor=enterprise_personas["hr_a"])
    with pytest.raises(PermissionDenied):
        services.approve_declaration(draft, actor=enterprise_personas["hr_a"])
    with pytest.raises(PermissionDenied):
        services.create_declaration(enterprise_personas.c, actor=enterprise_personas["nanming"], **PLAN)
    with pytest.raises(PermissionDenied):  # another district's officer
        services.approve_declaration(draft, actor=enterprise_personas["yunyan"])
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.SUBMITTED


def _submitted(enterprise, due):
    return ResumptionDeclaration.objects.create(enterprise=enterprise, planned_date=datetime.date(2020, 3, 1),
                                                expected_headcount=10, status=DeclarationStatus.SUBMITTED,
                                                submitted_at=due - datetime.timedelta(days=3), review_due=due)


def test_overdue_reviews_are_surfaced_to_the_officials_of_the_district(enterprise_personas, client_as):
    now = timezone.now()
    late = _submitted(enterprise_personas.a, now - datetime.timedelta(hours=1))
    on_time = _submitted(enterprise_personas.c, now + datetime.timedelta(days=1))
    other_district = _submitted(enterprise_personas.b, now - datetime.timedelta(days=2))
    nanming = client_as(enterprise_personas["nanming"])
    queue = nanming.get("/api/v1/enterprise/declarations/review-queue").json()["items"]
    assert [d["id"] for d in queue] == [late.pk, on_time.pk]  # the longest waiting first, no other district
    overdue = nanming.get("/api/v1/enterprise/declarations?overdue=true").json()["items"]
    assert [d["id"] for d in overdue] == [late.pk]
    page = nanming.get("/enterprise/declarations/review/").content.decode()
    assert "badge overdue" in page and page.count("overdue-row") == 1
    filtered = nanming.get("/enterprise/declarations/review/?overdue=1").content.decode()
    assert enterprise_personas.c.name not in filtered and enterprise_personas.a.name in filtered
    yunyan = client_as(enterprise_personas["yunyan"]).get("/api/v1/enterprise/declarations/review-queue?overdue=true")
    assert [d["id"] for d in yunyan.json()["items"]] == [other_district.pk]


def test_marked_resumed_only_after_approval(enterprise_personas, draft):
    hr = enterprise_personas["hr_a"]
    with pytest.raises(Conflict):
        mark_resumed(enterprise_personas.a, actor=hr, resumed_on=datetime.date(2020, 3, 2))
    services.submit_declaration(draft, actor=hr)
    services.approve_declaration(draft, actor=enterprise_personas["nanming"])
    with pytest.raises(ValidationError):
        mark_resumed(enterprise_personas.a, actor=hr, resumed_on=timezone.localdate() + datetime.timedelta(days=1))
    enterprise = mark_resumed(enterprise_personas.a, actor=hr, resumed_on=datetime.date(2020, 3, 2))
    assert enterprise.resumed_on == datetime.date(2020, 3, 2)
    assert AuditEvent.objects.filter(action="enterprise.enterprise.resumed").count() == 1


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_and_downloaded_only_by_those_who_see_the_declaration(
        enterprise_personas, draft, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hr = client_as(enterprise_personas["hr_a"])
    url = f"/enterprise/declarations/{draft.pk}/attachments/"
    assert hr.post(url, {"file": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")}).status_code == 302
    attachment = draft.attachments.get()
    # a file whose bytes are not what its name says, and an executable, are refused
    hr.post(url, {"file": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00", "application/pdf")})
    hr.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")})
    settings.TWOFRONT_ATTACHMENT_MAX_BYTES = 10
    hr.post(url, {"file": SimpleUploadedFile("big.pdf", PDF, "application/pdf")})
    assert draft.attachments.count() == 1
    download = f"/enterprise/declarations/{draft.pk}/attachments/{attachment.pk}/"
    response = hr.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert client_as(enterprise_personas["nanming"]).get(download).status_code == 200
    assert client_as(enterprise_personas["hr_b"]).get(download).status_code == 404
    assert client_as(enterprise_personas["yunyan"]).get(download).status_code == 404
    assert client_as(None).get(download).status_code == 302


def test_attachment_api_upload(enterprise_personas, draft, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_as(enterprise_personas["hr_a"]).post(
        f"/api/v1/enterprise/declarations/{draft.pk}/attachments",
        {"file": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")})
    assert response.status_code == 201 and response.json()["name"] == "plan.pdf"
    refused = client_as(enterprise_personas["hr_b"]).post(
        f"/api/v1/enterprise/declarations/{draft.pk}/attachments",
        {"file": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")})
    assert refused.status_code == 404


def test_page_flow_submit_then_approve(enterprise_personas, client_as):
    hr = client_as(enterprise_personas["hr_a"])
    form = {"enterprise": enterprise_personas.a.pk, "planned_date": "2020-03-02", "expected_headcount": 20,
            "local_employees": 15, "out_of_town_employees": 5, "mask_stock_days": 10, "disinfection": "on"}
    created = hr.post("/enterprise/declarations/new/", form)
    declaration = ResumptionDeclaration.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/enterprise/declarations/{declaration.pk}/"
    assert hr.post(f"/enterprise/declarations/{declaration.pk}/submit/").status_code == 302
    officer = client_as(enterprise_personas["street_nanming"])
    assert officer.post(f"/enterprise/declarations/{declaration.pk}/return/", {"reason": ""}).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED  # no reason, no return
    assert officer.post(f"/enterprise/declarations/{declaration.pk}/approve/").status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED


def test_api_returns_409_for_wrong_state_and_422_for_missing_reason(enterprise_personas, draft, client_as):
    officer = client_as(enterprise_personas["nanming"])
    response = officer.post(f"/api/v1/enterprise/declarations/{draft.pk}/approve")
    assert response.status_code == 409 and response.json()["type"] == "conflict"
    services.submit_declaration(draft, actor=enterprise_personas["hr_a"])
    response = officer.post(f"/api/v1/enterprise/declarations/{draft.pk}/return", json.dumps({"reason": " "}),
                            content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["reason"]
