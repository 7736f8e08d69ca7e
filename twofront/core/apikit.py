"""API plumbing shared by every router: auth, problem+json errors, declared error responses, idempotency."""

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from ninja import Field, Schema, Status
from ninja import pagination as ninja_pagination
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from twofront.core.db import batched_writes
from twofront.core.errors import Conflict
from twofront.core.idempotency import Claim

PROBLEM_TYPE = "application/problem+json"


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldErrorOut] = []


# Every operation declares these, so clients (and schemathesis) know every status it can answer.
ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS = {**ERRORS, 409: ProblemOut}


class BearerToken(HttpBearer):
    """`Authorization: Bearer tf_...` for systems (banks, hospitals, attendance machines)."""

    def authenticate(self, request, token):
        from twofront.core.services.accounts import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class PageSession(SessionAuth):
    """The signed-in page session (CSRF-checked), so htmx and page scripts can call the API."""


def problem(status: int, title: str, detail: str = "", errors: list[dict] | None = None,
            type_: str = "about:blank", headers: dict | None = None) -> HttpResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "errors": errors or []}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_LOCATIONS = {"body", "query", "path", "header", "form", "cookie", "file"}
_PAYLOAD_NAMES = {"data", "payload", "filters", "body"}


def _clean_loc(loc) -> list:
    loc = list(loc)
    if loc and loc[0] in _LOCATIONS:
        loc = loc[1:]
    if len(loc) > 1 and loc[0] in _PAYLOAD_NAMES:
        loc = loc[1:]
    return loc or ["__all__"]


def django_field_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [{"loc": [field], "msg": str(msg)} for field, messages in exc.message_dict.items() for msg in messages]
    return [{"loc": ["__all__"], "msg": str(m)} for m in exc.messages]


paginate = ninja_pagination.paginate


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    """ninja's limit/offset with the offset bounded, so a huge one is a 422 and never reaches the database."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=2**31 - 1)


# PostgreSQL refuses UTC offsets beyond +-15:59 that ISO 8601 (and pydantic) allow up to +-23:59.
_FAR_OFFSET = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+[+-](1[6-9]|2\d):?\d\d")


def _bad_strings(value, loc: tuple) -> list[dict]:
    """Field errors for strings no column can hold: NUL characters, date-times PostgreSQL cannot store."""
    if isinstance(value, str):
        if "\x00" in value:
            return [{"loc": list(loc), "msg": "不允许 NUL 字符 / NUL characters are not allowed"}]
        if _FAR_OFFSET.fullmatch(value.strip()):
            return [{"loc": list(loc), "msg": "时区偏移超出范围 / UTC offset out of range (max +-15:59)"}]
        return []
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _bad_strings(k, loc) + _bad_strings(v, (*loc, k))]
    if isinstance(value, list | tuple):
        return [e for i, v in enumerate(value) for e in _bad_strings(v, (*loc, i))]
    return []


class StrictParser(Parser):
    """JSON and query parsing that refuses, with field errors, input the database would choke on."""

    def parse_body(self, request):
        try:
            data = super().parse_body(request)
        except ValueError as exc:
            raise NinjaValidationError([{"loc": ["body"], "msg": f"请求体不是有效的 JSON / Body is not valid "
                                                                  f"JSON: {exc}"}]) from exc
        errors = _bad_strings(data, ("body",))
        if errors:
            raise NinjaValidationError(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        errors = _bad_strings(result, ("query",))
        if errors:
            raise NinjaValidationError(errors)
        return result


def install_error_handlers(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc):
        errors = [{"loc": _clean_loc(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors]
        return problem(422, "输入有误 / Invalid input", errors=errors, type_="validation")

    @api.exception_handler(DjangoValidationError)
    def _service_validation(request, exc):
        return problem(422, "输入有误 / Invalid input", errors=django_field_errors(exc), type_="validation")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem(401, "未登录 / Not authenticated", type_="unauthenticated",
                       headers={"WWW-Authenticate": 'Bearer realm="twofront"'})

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem(403, "无权限 / Permission denied", type_="forbidden")

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem(404, "未找到 / Not found", type_="not_found")

    @api.exception_handler(Conflict)
    def _conflict(request, exc):
        return problem(409, "冲突 / Conflict", detail=str(exc.message), type_="conflict")

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        if exc.status_code == 400:  # ninja wraps a body parse failure as 400: it is a validation problem
            cause = exc.__cause__
            errors = cause.errors if isinstance(cause, NinjaValidationError) else [
                {"loc": ["body"], "msg": "请求体无法解析 / Cannot parse request body"}]
            return problem(422, "输入有误 / Invalid input", errors=[
                {"loc": _clean_loc(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in errors],
                type_="validation")
        return problem(exc.status_code, str(exc.message), type_="error")


def openapi_problem_content(schema: dict) -> dict:
    """Error responses are served as application/problem+json; say so in the schema."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(code).startswith(("4", "5")) and "application/json" in content:
                    response["content"] = {PROBLEM_TYPE: content["application/json"]}
    return schema


def _replay(status: int, body: Any) -> HttpResponse:
    # The stored body is already serialised by the response schema: send it as it was.
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


class Idempotency:
    """One request's Idempotency-Key (`claim` is None without the header) and its response.

    For a write path that stores the key row in its own statement: pass `claim` and `respond` to the
    service (it stores `respond(result)` with the key), then return `answer(result)`; a service that
    found the key taken returns None, and `answer(None)` replays the first response."""

    def __init__(self, request, *, scope: str, payload: Any, out: type[Schema], status: int = 200,
                 principal: str | None = None):
        key = request.headers.get("Idempotency-Key")
        self.out, self.status, self.body = out, status, None
        self.claim = (Claim.of(key, principal=principal or f"user:{request.user.pk}", scope=scope, payload=payload)
                      if key else None)

    def respond(self, result: Any) -> Any:
        self.body = self.out.from_orm(result).model_dump(mode="json")
        return self.body

    def response(self, result: Any) -> tuple[int, Any]:
        """(status, body) of the response to `result`, remembered for answer()."""
        return self.status, self.respond(result)

    def replay(self) -> HttpResponse | None:
        existing = self.claim.first()
        return None if existing is None else _replay(existing.status_code, existing.response)

    def answer(self, result: Any) -> Status | HttpResponse:
        if result is None:
            # The key was taken by a request that has committed: its response, or (rolled back since) busy.
            answer = self.replay() if self.claim is not None else None
            if answer is None:
                raise Conflict("idempotency key is busy")
            return answer
        if self.body is None:
            return Status(self.status, result)
        return _replay(self.status, self.body)


def idempotent(request, *, scope: str, payload: Any, run: Callable[[], Any], out: type[Schema],
               status: int = 200, principal: str | None = None) -> Status | HttpResponse:
    """Runs `run` once per Idempotency-Key: a retry gets the first response, a reused key with another
    body is 422. The key row and the write share one transaction, so a failed write leaves no key; a
    concurrent retry waits for the first request's commit (the key row's unique index) and replays it."""
    once = Idempotency(request, scope=scope, payload=payload, out=out, status=status, principal=principal)
    if once.claim is None:
        return Status(status, run())
    for _attempt in range(3):
        with transaction.atomic(), batched_writes():  # the service's tail writes go with the response's
            if once.claim.take():
                body = once.respond(run())
                once.claim.store(status, body)
                return _replay(status, body)
        answer = once.replay()
        if answer is not None:
            return answer
    raise Conflict("idempotency key is busy")
