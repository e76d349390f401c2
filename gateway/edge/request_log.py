"""One JSON log line and the metrics for every /graphql request.

The line names the operation(s), the caller's kind (never the credential), the status and
outcome, the time taken, how many HTTP requests went to Stripe, and the error codes. An
exception that escapes everything else is logged with an error id and answered as a masked
500 in GraphQL's error shape.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..observability import metrics
from ..observability.request_record import RequestRecord, recording
from ..observability.tracing import current_trace_id, mark_failed, server_span
from .responses import error_response

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler, Middleware

logger = logging.getLogger("gateway.requests")

INTERNAL_ERROR = "INTERNAL_ERROR"


def outcome(status: int, record: RequestRecord) -> str:
    """ok, errors (answered with top-level GraphQL errors), refused (4xx), failed (5xx)."""
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    return "errors" if record.error_codes else "ok"


def log_fields(request: web.Request, status: int, record: RequestRecord) -> dict[str, Any]:
    return {
        "event": "graphql_request",
        "method": request.method,
        "operations": record.operations,
        "principal": record.principal,
        "status": status,
        "outcome": outcome(status, record),
        "duration_ms": round(record.elapsed_seconds() * 1000, 2),
        "stripe_requests": record.stripe_requests,
        "error_codes": record.error_codes,
        "user_error_codes": record.user_error_codes,
        **({"trace_id": trace_id} if (trace_id := current_trace_id()) else {}),
    }


def request_log(paths: frozenset[str]) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in paths or request.method == "OPTIONS":
            return await handler(request)
        attributes = {"http.request.method": request.method, "url.path": request.path}
        with (
            recording() as record,
            server_span(f"{request.method} {request.path}", request.headers, attributes) as span,
        ):
            try:
                response = await handler(request)
                status = response.status
            except web.HTTPException as exc:
                status = exc.status
                _account(request, status, record)
                raise
            except Exception:
                error_id = uuid.uuid4().hex[:16]
                logger.exception("unhandled error in /graphql (error id %s)", error_id)
                record.error_codes.append(INTERNAL_ERROR)
                response = error_response(
                    500, INTERNAL_ERROR, f"Unexpected error (id {error_id}).", errorId=error_id
                )
                status = 500
            _account(request, status, record)
            if span is not None:
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    mark_failed(span, f"answered {status}")
            return response

    return middleware


def _account(request: web.Request, status: int, record: RequestRecord) -> None:
    fields = log_fields(request, status, record)
    logger.info("graphql request", extra={"fields": fields})
    metrics.REQUESTS.labels(fields["outcome"]).inc()
    metrics.REQUEST_SECONDS.observe(record.elapsed_seconds())
    for code in (*record.error_codes, *record.user_error_codes):
        metrics.ERRORS.labels(code).inc()


__all__ = ["INTERNAL_ERROR", "request_log"]
