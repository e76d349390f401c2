"""The facts about the HTTP request being served, gathered while it runs.

The request-log middleware opens a record in a context variable; billing counts each Stripe
request into it and the GraphQL layer adds operation names and error codes. Tasks started
while serving the request (DataLoader batches, batched operations) inherit the context, so
they count into the same record. Work outside a request (background refresh, readiness
probes) finds no record and counts nothing.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class RequestRecord:
    started: float = field(default_factory=time.perf_counter)
    stripe_requests: int = 0
    # "query Overview", "mutation cancelSubscription" ... (one per operation in a batch).
    operations: list[str] = field(default_factory=list)
    # Top-level `extensions.code`s, and the codes of payloads' `userErrors`.
    error_codes: list[str] = field(default_factory=list)
    user_error_codes: list[str] = field(default_factory=list)
    # customer, admin or anonymous; set once the credentials were checked.
    principal: str = "anonymous"
    # Set when a limit refused the request before it ran (RATE_LIMITED, REQUEST_TOO_LARGE...).
    refused: str | None = None

    def elapsed_seconds(self) -> float:
        return time.perf_counter() - self.started


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("gateway_request_record", default=None)


def current_record() -> RequestRecord | None:
    return _CURRENT.get()


@contextmanager
def recording() -> Iterator[RequestRecord]:
    """Open a record for the code inside (and the tasks it starts)."""
    record = RequestRecord()
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


def count_stripe_request() -> None:
    record = _CURRENT.get()
    if record is not None:
        record.stripe_requests += 1


def note_error_codes(codes: list[str], user_error_codes: list[str]) -> None:
    record = _CURRENT.get()
    if record is not None:
        record.error_codes.extend(codes)
        record.user_error_codes.extend(user_error_codes)


def note_operation(description: str) -> None:
    record = _CURRENT.get()
    if record is not None:
        record.operations.append(description)


def note_principal(kind: str) -> None:
    record = _CURRENT.get()
    if record is not None:
        record.principal = kind


def note_refused(code: str) -> None:
    record = _CURRENT.get()
    if record is not None:
        record.refused = code
        record.error_codes.append(code)


__all__ = [
    "RequestRecord",
    "count_stripe_request",
    "current_record",
    "note_error_codes",
    "note_operation",
    "note_principal",
    "note_refused",
    "recording",
]
