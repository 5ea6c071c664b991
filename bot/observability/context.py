"""A request id per incoming request, carried through the worker threads by contextvars.

Every log line written while a request (or the slow work it started) runs carries the id, so
one grep finds the whole story of one Slack request across the HTTP and the worker threads.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from bot.ids import ProcessIds

P = ParamSpec("P")
T = TypeVar("T")

NO_REQUEST = "-"
_REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar(
    "coach_request_id", default=NO_REQUEST
)
# A proxy's id (nginx's $request_id, a load balancer's X-Request-Id) is reused when it looks
# like one; anything else is replaced, so a forged header cannot inject text into the logs.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


_REQUEST_IDS = ProcessIds(4)


def new_request_id() -> str:
    """16 hex characters."""
    return _REQUEST_IDS.new()


def current_request_id() -> str:
    return _REQUEST_ID.get()


@contextmanager
def request_scope(proposed: str | None = None) -> Iterator[str]:
    """Bind a request id for the duration of the block (threads reuse contexts: reset after)."""
    request_id = proposed if proposed and _ACCEPTABLE.match(proposed) else new_request_id()
    token = _REQUEST_ID.set(request_id)
    try:
        yield request_id
    finally:
        _REQUEST_ID.reset(token)


def carried(fn: Callable[P, T]) -> Callable[P, T]:
    """`fn`, run later on another thread inside a copy of the caller's context (request id)."""
    context = contextvars.copy_context()

    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return context.run(fn, *args, **kwargs)

    return run
