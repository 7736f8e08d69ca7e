"""Resumption declarations: draft, edit, and the state changes as POST verbs (submit, approve, return)."""

from django.core.exceptions import PermissionDenied
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.enterprise import selectors
from twofront.enterprise.api.enterprises import require_view
from twofront.enterprise.models import Enterprise, ResumptionDeclaration
from twofront.enterprise.schemas import (
    AttachmentOut,
    DeclarationCreateIn,
    DeclarationFilter,
    DeclarationOut,
    DeclarationUpdateIn,
    ReturnIn,
)
from twofront.enterprise.services import declarations as services

router = Router(tags=["enterprise"])


def _declaration(request, declaration_id: int) -> ResumptionDeclaration:
    return scope.get_visible_or_404(ResumptionDeclaration.objects.select_related("enterprise__region"),
                                    request.user, pk=declaration_id)


@router.get("/declarations", response={200: list[DeclarationOut], **ERRORS}, operation_id="enterprise_declarations_list",
            summary="Resumption declarations I can see (overdue=true: past their review deadline)")
@paginate(LimitOffsetPagination)
def list_declarations(request, filters: Query[DeclarationFilter]):
    require_view(request.user, ResumptionDeclaration)
    return selectors.declarations(request.user, **filters.dict())


@router.get("/declarations/review-queue", response={200: list[DeclarationOut], **ERRORS},
            operation_id="enterprise_declarations_review_queue",
            summary="Submitted declarations I may review, longest waiting first")
@paginate(LimitOffsetPagination)
def review_queue(request, overdue: bool | None = None):
    if not scope.has_permission_anywhere(request.user, "enterprise.review_resumptiondeclaration"):
        raise PermissionDenied
    return selectors.review_queue(request.user, overdue=overdue)


@router.post("/declarations", response={201: DeclarationOut, **WRITE_ERRORS}, operation_id="enterprise_declarations_create",
             summary="Draft a resumption declaration (send an Idempotency-Key to retry safely)")
def create_declaration(request, data: DeclarationCreateIn):
    values = data.dict()
    enterprise = scope.get_visible_or_404(Enterprise, request.user, pk=values.pop("enterprise_id"))
    return idempotent(request, scope="enterprise.declarations.create", payload=data.dict(), status=201,
                      run=lambda: services.create_declaration(enterprise, actor=request.user, **values),
                      out=DeclarationOut)


@router.get("/declarations/{declaration_id}", response={200: DeclarationOut, **ERRORS},
            operation_id="enterprise_declarations_get", summary="One declaration")
def get_declaration(request, declaration_id: int):
    return _declaration(request, declaration_id)


@router.patch("/declarations/{declaration_id}", response={200: DeclarationOut, **WRITE_ERRORS},
              operation_id="enterprise_declarations_update", summary="Edit a draft or returned declaration")
def update_declaration(request, declaration_id: int, data: DeclarationUpdateIn):
    changes = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None}
    return services.update_declaration(_declaration(request, declaration_id), actor=request.user, **changes)


@router.post("/declarations/{declaration_id}/submit", response={200: DeclarationOut, **WRITE_ERRORS},
             operation_id="enterprise_declarations_submit", summary="Submit for review (sets the review deadline)")
def submit(request, declaration_id: int):
    return services.submit_declaration(_declaration(request, declaration_id), actor=request.user)


@router.post("/declarations/{declaration_id}/approve", response={200: DeclarationOut, **WRITE_ERRORS},
             operation_id="enterprise_declarations_approve", summary="Approve a submitted declaration")
def approve(request, declaration_id: int):
    return services.approve_declaration(_declaration(request, declaration_id), actor=request.user)


@router.post("/declarations/{declaration_id}/return", response={200: DeclarationOut, **WRITE_ERRORS},
             operation_id="enterprise_declarations_return", summary="Return a submitted declaration with a reason")
def return_(request, declaration_id: int, data: ReturnIn):
    return services.return_declaration(_declaration(request, declaration_id), actor=request.user, reason=data.reason)


@router.post("/declarations/{declaration_id}/attachments", response={201: AttachmentOut, **WRITE_ERRORS},
             operation_id="enterprise_declarations_attach",
             summary="Attach a file (PDF, JPEG, PNG, DOCX, XLSX; size-limited) to a draft or returned declaration")
def attach(request, declaration_id: int, file: File[UploadedFile]):
    attachment = services.add_attachment(_declaration(request, declaration_id), actor=request.user, upload=file)
    return Status(201, attachment)
