"""What the current request or job is: request id, source and client address, for audit events."""

import contextvars
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from twofront.core.choices import AuditSource


@dataclass(frozen=True)
class Context:
    request_id: str = ""
    source: str = AuditSource.CLI
    ip: str | None = None


_DEFAULT = Context()
_current: contextvars.ContextVar[Context] = contextvars.ContextVar("twofront_context", default=_DEFAULT)  # noqa: B039 - frozen


def current() -> Context:
    return _current.get()


@contextmanager
def use(source: str, *, request_id: str | None = None, ip: str | None = None):
    token = _current.set(Context(request_id=request_id or uuid.uuid4().hex, source=source, ip=ip))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@contextmanager
def gathering(var: contextvars.ContextVar, empty: Callable[[], Any], flush: Callable[[Any], None]):
    """A block that gathers things into `var` (starting from `empty()`; nested blocks join the outermost) and
    hands them to `flush` when the outermost block ends without an error; an error drops them."""
    if var.get() is not None:
        yield
        return
    token = var.set(empty())
    try:
        yield
        gathered = var.get()
    finally:
        var.reset(token)
    flush(gathered)
