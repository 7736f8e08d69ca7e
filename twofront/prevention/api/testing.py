"""Key-person categories, key people, nucleic-acid samples and results, testing coverage.
Lab result batches are imported through /api/v1/transfer/imports/lab_results."""

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Status

from twofront.core import scope
from twofront.core.apikit import ERRORS, WRITE_ERRORS, LimitOffsetPagination, idempotent, paginate
from twofront.core.errors import field_error
from twofront.prevention import selectors_testing as selectors
from twofront.prevention.models import KeyCategory, KeyPersonEntry, NucleicTest
from twofront.prevention.schemas_testing import (
    CategoryCreateIn,
    CategoryOut,
    CategoryUpdateIn,
    CoverageFilter,
    CoverageOut,
    KeyPersonCreateIn,
    KeyPersonFilter,
    KeyPersonOut,
    KeyPersonReleaseIn,
    NucleicTestFilter,
    NucleicTestOut,
    ResultIn,
    SampleIn,
)
from twofront.prevention.services import testing as services

router = Router(tags=["prevention"])


def _category(user, category_id: int) -> KeyCategory:
    category = selectors.categories(user).filter(pk=category_id).first()
    if category is None:
        raise Http404
    return category


def _category_by_code(code: str) -> KeyCategory:
    category = KeyCategory.objects.filter(code=code).first()
    if category is None:
        raise field_error("category", "类别不存在 / unknown category")
    return category


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, operation_id="prevention_categories_list",
            summary="Key-person categories (五类人员 and any added since)")
@paginate(LimitOffsetPagination)
def list_categories(request):
    return selectors.categories(request.user)


@router.post("/categories", response={201: CategoryOut, **WRITE_ERRORS}, operation_id="prevention_categories_create",
             summary="Add a key-person category (city command centre)")
def create_category(request, data: CategoryCreateIn):
    return Status(201, services.create_category(actor=request.user, **data.dict()))


@router.get("/categories/{category_id}", response={200: CategoryOut, **ERRORS},
            operation_id="prevention_categories_get", summary="One key-person category")
def get_category(request, category_id: int):
    return _category(request.user, category_id)


@router.patch("/categories/{category_id}", response={200: CategoryOut, **WRITE_ERRORS},
              operation_id="prevention_categories_update",
              summary="Rename, reorder or retire a category (its code is fixed; city command centre)")
def update_category(request, category_id: int, data: CategoryUpdateIn):
    category = _category(request.user, category_id)
    current = {k: getattr(category, k) for k in ("name", "name_en", "risk_level", "order", "active")}
    return services.update_category(category, actor=request.user, **{**current, **data.dict(exclude_none=True)})


@router.get("/key-people", response={200: list[KeyPersonOut], **ERRORS}, operation_id="prevention_key_people_list",
            summary="People in key categories in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_key_people(request, filters: Query[KeyPersonFilter]):
    selectors.require_view(request.user, KeyPersonEntry)
    return selectors.key_people(request.user, **filters.dict())


@router.post("/key-people", response={201: KeyPersonOut, **WRITE_ERRORS}, operation_id="prevention_key_people_add",
             summary="Put a person in a key category (send an Idempotency-Key to retry safely)")
def add_key_person(request, data: KeyPersonCreateIn):
    def run():
        person = selectors.find_person(request.user, person_id=data.person_id, id_number=data.id_number)
        return services.add_key_person(actor=request.user, person=person, category=_category_by_code(data.category),
                                       since=data.since or timezone.localdate(), source=data.source)

    return idempotent(request, scope="prevention.key_people.add", payload=data.dict(), run=run, out=KeyPersonOut,
                      status=201)


@router.get("/key-people/{entry_id}", response={200: KeyPersonOut, **ERRORS},
            operation_id="prevention_key_people_get", summary="One key-person entry")
def get_key_person(request, entry_id: int):
    return scope.get_visible_or_404(selectors.key_people(request.user), request.user, pk=entry_id)


@router.post("/key-people/{entry_id}/release", response={200: KeyPersonOut, **WRITE_ERRORS},
             operation_id="prevention_key_people_release", summary="Release a person from a key category")
def release_key_person(request, entry_id: int, data: KeyPersonReleaseIn):
    entry = scope.get_visible_or_404(selectors.key_people(request.user), request.user, pk=entry_id)
    return services.release_key_person(entry, actor=request.user, until=data.until or timezone.localdate())


@router.get("/tests", response={200: list[NucleicTestOut], **ERRORS}, operation_id="prevention_tests_list",
            summary="Nucleic-acid tests of people in my jurisdiction")
@paginate(LimitOffsetPagination)
def list_tests(request, filters: Query[NucleicTestFilter]):
    selectors.require_view(request.user, NucleicTest)
    return selectors.tests(request.user, **filters.dict())


@router.post("/tests", response={201: NucleicTestOut, **WRITE_ERRORS}, operation_id="prevention_tests_sample",
             summary="Register a sample (send an Idempotency-Key to retry safely)")
def register_sample(request, data: SampleIn):
    def run():
        person = selectors.find_person(request.user, person_id=data.person_id, id_number=data.id_number)
        return services.register_sample(actor=request.user, person=person, sample_id=data.sample_id,
                                        sampled_at=data.sampled_at or timezone.now(), sample_site=data.sample_site,
                                        lab=data.lab)

    return idempotent(request, scope="prevention.tests.sample", payload=data.dict(), run=run, out=NucleicTestOut,
                      status=201)


@router.get("/tests/{test_id}", response={200: NucleicTestOut, **ERRORS}, operation_id="prevention_tests_get",
            summary="One nucleic-acid test")
def get_test(request, test_id: int):
    return scope.get_visible_or_404(selectors.tests(request.user), request.user, pk=test_id)


@router.post("/tests/{test_id}/result", response={200: NucleicTestOut, **WRITE_ERRORS},
             operation_id="prevention_tests_result", summary="Enter a sample's result (409 if it has one)")
def record_result(request, test_id: int, data: ResultIn):
    test = scope.get_visible_or_404(selectors.tests(request.user), request.user, pk=test_id)
    return services.record_result(test, actor=request.user, result=data.result,
                                  result_at=data.result_at or timezone.now())


@router.get("/coverage", response={200: list[CoverageOut], **ERRORS}, operation_id="prevention_coverage",
            summary="Testing coverage per key category: people in it, and how many were sampled since entering it")
def coverage(request, filters: Query[CoverageFilter]):
    return selectors.coverage(request.user, region=filters.region)
