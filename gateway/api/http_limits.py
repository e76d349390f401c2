"""Refusals of a whole /graphql request, answered in GraphQL's error shape.

Strawberry refuses malformed requests (bad JSON, a mutation over GET, too many batched
operations) with a plain-text body; the view answers them as `{"errors": [...]}` with an
`extensions.code` instead. The rate limit is checked here too, once the caller is known and
the number of operations (1, or the batch's length) is counted: a refused request runs
nothing and gets HTTP 429, a `Retry-After` header and `extensions.retryAfter` (seconds).

Operations do not bound Stripe calls, so each request also gets a budget of them
(`stripe_budget_for`): a cap per request, and a token per call from the caller's Stripe
buckets (per credential, and per customer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from cross_web import HTTPException

from ..auth.authenticate import bearer_token
from ..auth.rate_limit import Limit, RateLimiter, bucket_key
from ..billing import StripeBudget
from ..edge.responses import error_response
from ..observability import metrics
from ..observability.request_record import note_refused

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..auth.principal import Principal
    from ..settings import Settings

RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)

RATE_LIMITED = "RATE_LIMITED"
TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
BATCHING_DISABLED = "BATCHING_DISABLED"
BAD_REQUEST = "BAD_REQUEST"
_CODES_BY_STATUS = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class RateLimitedError(HTTPException):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"Too many requests. Try again in {retry_after} second(s).")
        self.retry_after = retry_after


def principal_kind(principal: Principal) -> str:
    """admin, customer (an access token) or anonymous (none, or refused credentials)."""
    if principal.problem is None and principal.is_admin:
        return "admin"
    if principal.problem is None and principal.scope is not None:
        return "customer"
    return "anonymous"


def _limit(settings: Settings, kind: str) -> Limit:
    if kind == "admin":
        return Limit(settings.admin_rate_limit_per_second, settings.admin_rate_limit_burst)
    if kind == "customer":
        return Limit(settings.rate_limit_per_second, settings.rate_limit_burst)
    return Limit(settings.anonymous_rate_limit_per_second, settings.anonymous_rate_limit_burst)


def _identity(principal: Principal, headers: Mapping[str, str]) -> str | None:
    """Whose bucket: a signed-in user's (every token of theirs shares it), else the token's."""
    scope = principal.scope
    if scope is not None and scope.subject is not None:
        return scope.subject
    return bearer_token(headers)


async def check_rate_limit(
    request: web.Request,
    settings: Settings,
    principal: Principal,
    operations: int,
    *,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Spend `operations` tokens of the caller's bucket, or raise `RateLimitedError`.

    Accepted credentials are counted per credential (a digest of the token or admin key;
    for the team's own sign-in tokens, of the user they name);
    anything else per client address, so invented tokens do not each get a fresh bucket.
    `headers` are where the credential came from when not the request's (a WebSocket's
    `connection_init` payload).
    """
    limiter = request.app.get(RATE_LIMITER)
    if limiter is None:
        return
    kind = principal_kind(principal)
    sent = request.headers if headers is None else headers
    identity = _identity(principal, sent) if kind != "anonymous" else None
    key = bucket_key(kind, identity or request.remote or "unknown")
    verdict = await limiter.take(key, _limit(settings, kind), operations)
    if not verdict.allowed:
        metrics.RATE_LIMITED.labels(kind).inc()
        raise RateLimitedError(verdict.retry_after_seconds)


def _stripe_limit(settings: Settings, kind: str) -> Limit:
    if kind == "admin":
        return Limit(settings.admin_stripe_calls_per_second, settings.admin_stripe_calls_burst)
    return Limit(settings.stripe_calls_per_second, settings.stripe_calls_burst)


def stripe_budget_for(
    request: web.Request, settings: Settings, principal: Principal
) -> StripeBudget:
    """The request's Stripe budget: `max_stripe_calls_per_request`, and each call charged to
    the caller's Stripe bucket and, when it acts for a customer, that customer's."""
    limiter = request.app.get(RATE_LIMITER)
    if limiter is None:
        return StripeBudget(settings.max_stripe_calls_per_request)
    kind = principal_kind(principal)
    identity = _identity(principal, request.headers) if kind != "anonymous" else None
    buckets = [
        (
            bucket_key(f"stripe-{kind}", identity or request.remote or "unknown"),
            _stripe_limit(settings, kind),
        )
    ]
    scope = principal.scope if principal.problem is None else None
    if scope is not None:
        per_customer = Limit(
            settings.customer_stripe_calls_per_second, settings.customer_stripe_calls_burst
        )
        buckets.append((bucket_key("stripe-customer", scope.customer_id), per_customer))

    async def charge() -> float | None:
        for key, limit in buckets:
            verdict = await limiter.take(key, limit)
            if not verdict.allowed:
                metrics.RATE_LIMITED.labels("stripe").inc()
                return verdict.retry_after
        return None

    return StripeBudget(settings.max_stripe_calls_per_request, charge)


def refusal_response(exc: HTTPException, max_batch_operations: int) -> web.Response:
    """A refused request as a GraphQL error response with a code."""
    if isinstance(exc, RateLimitedError):
        note_refused(RATE_LIMITED)
        return error_response(
            429,
            RATE_LIMITED,
            exc.reason,
            headers={"Retry-After": str(exc.retry_after)},
            retryAfter=exc.retry_after,
        )
    code, message = _CODES_BY_STATUS.get(exc.status_code, BAD_REQUEST), exc.reason
    if exc.reason == "Too many operations":
        code = TOO_MANY_OPERATIONS
        message = f"A batch may hold at most {max_batch_operations} operations."
    elif exc.reason == "Batching is not enabled":
        code = BATCHING_DISABLED
        message = "Batched requests (a JSON array of operations) are turned off."
    note_refused(code)
    return error_response(exc.status_code, code, message)


__all__ = [
    "RATE_LIMITER",
    "RateLimitedError",
    "check_rate_limit",
    "principal_kind",
    "refusal_response",
    "stripe_budget_for",
]
