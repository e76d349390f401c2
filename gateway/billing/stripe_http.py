"""The SDK's aiohttp transport, observed: every Stripe request is timed, counted (into the
request being served and into metrics) and fed to the breaker, which can refuse it first.
Before any of that, each call is spent from the request's budget of Stripe calls
(`stripe_budget.py`), and each attempt takes a slot of the account's budget
(`account_budget.py`); either may refuse it: a refused call is never sent and never counts
as a Stripe failure (one caller's limit must not make Stripe look down for everyone).

The SDK's own retry loop (`max_network_retries`, same idempotency key each time) runs
above `request_async`, so each attempt counts once and a retried failure counts as many
failures as attempts were made.

The SDK turns a failure to connect or to get the response headers into a retryable
`APIConnectionError`, but not one while reading the body (a timeout or a dropped
connection half-way): those escape as aiohttp or timeout errors. They are the same
failure to the gateway, so they are converted here and retried like the others.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
import stripe

from ..observability import metrics
from ..observability.request_record import count_stripe_request
from ..observability.tracing import client_span, mark_failed
from .breaker import Breaker, Failure
from .errors import NotSent
from .stripe_budget import StripeCallRefused, spend

if TYPE_CHECKING:
    from .account_budget import AccountBudget

if TYPE_CHECKING:
    from collections.abc import Mapping

# Attempts of the Stripe call being traced (the SDK's retry loop sends each one).
ATTEMPTS: ContextVar[int] = ContextVar("stripe_attempts", default=0)
FAST_FAIL_MESSAGE = "Stripe calls are failing fast after repeated failures."
BROKEN_ANSWER_MESSAGE = "The connection to Stripe failed while reading its answer."


class ObservedHTTPClient(stripe.AIOHTTPClient):
    def __init__(
        self, *, breaker: Breaker, account: AccountBudget | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.breaker = breaker
        self.account = account

    async def request_with_retries_async(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        post_data: Any = None,
        max_network_retries: int | None = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[Any, int, Any]:
        parts = urlsplit(url)
        await spend(method, parts.path)
        blocked = self.breaker.blocking()
        if blocked is not None:
            metrics.STRIPE_SHORT_CIRCUITED.labels(blocked.value).inc()
            if blocked is Failure.RATE_LIMITED:
                raise stripe.RateLimitError(FAST_FAIL_MESSAGE, http_status=429)
            raise NotSent(FAST_FAIL_MESSAGE, should_retry=False)  # type: ignore[no-untyped-call]
        route = metrics.stripe_path(parts.path)
        attributes = {
            "http.request.method": method.upper(),
            "url.template": route,
            "server.address": parts.hostname or "",
        }
        with client_span(f"stripe {method.upper()} {route}", attributes) as span:
            if span is None:
                return await super().request_with_retries_async(
                    method, url, headers, post_data, max_network_retries, _usage=_usage
                )
            attempts = ATTEMPTS.set(0)
            try:
                answer = await super().request_with_retries_async(
                    method, url, headers, post_data, max_network_retries, _usage=_usage
                )
            except Exception as exc:
                mark_failed(span, type(exc).__name__)
                raise
            finally:
                span.set_attribute("http.request.resend_count", max(0, ATTEMPTS.get() - 1))
                ATTEMPTS.reset(attempts)
            status = answer[1]
            span.set_attribute("http.response.status_code", status)
            if status >= 400:
                mark_failed(span, f"Stripe answered {status}")
            return answer

    async def request_async(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        post_data: Any = None,
    ) -> tuple[bytes, int, Mapping[str, str]]:
        if self.account is not None:
            # Every attempt is a request Stripe counts against the account.
            try:
                await self.account.acquire(method, urlsplit(url).path)
            except StripeCallRefused:
                self.breaker.budget_refused()
                raise
        count_stripe_request()
        ATTEMPTS.set(ATTEMPTS.get() + 1)
        path = metrics.stripe_path(urlsplit(url).path)
        started = time.perf_counter()
        try:
            try:
                content, status, response_headers = await super().request_async(
                    method, url, headers, post_data
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                broken = stripe.APIConnectionError(BROKEN_ANSWER_MESSAGE, should_retry=True)
                raise broken from exc
        except stripe.APIConnectionError:
            self.breaker.failed(Failure.UNAVAILABLE)
            metrics.STRIPE_REQUESTS.labels(method.upper(), path, "no_answer").inc()
            raise
        finally:
            metrics.STRIPE_SECONDS.observe(time.perf_counter() - started)
        if status >= 500:
            self.breaker.failed(Failure.UNAVAILABLE)
        elif status == 429:
            self.breaker.failed(Failure.RATE_LIMITED)
        else:
            self.breaker.succeeded()
        metrics.STRIPE_REQUESTS.labels(method.upper(), path, str(status)).inc()
        return content, status, response_headers


__all__ = ["ObservedHTTPClient"]
