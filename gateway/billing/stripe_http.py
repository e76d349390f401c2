"""The SDK's aiohttp transport, observed: every Stripe request is timed, counted (into the
request being served and into metrics) and fed to the breaker, which can refuse it first.
Before any of that, each call is spent from the request's budget of Stripe calls
(`stripe_budget.py`), which may refuse it: a refused call is never sent and never reaches
the breaker (one caller's limit must not make Stripe look down for everyone).

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
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
import stripe

from ..observability import metrics
from ..observability.request_record import count_stripe_request
from .breaker import Breaker, Failure
from .errors import NotSent
from .stripe_budget import spend

if TYPE_CHECKING:
    from collections.abc import Mapping

FAST_FAIL_MESSAGE = "Stripe calls are failing fast after repeated failures."
BROKEN_ANSWER_MESSAGE = "The connection to Stripe failed while reading its answer."


class ObservedHTTPClient(stripe.AIOHTTPClient):
    def __init__(self, *, breaker: Breaker, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.breaker = breaker

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
        await spend(method, urlsplit(url).path)
        blocked = self.breaker.blocking()
        if blocked is not None:
            metrics.STRIPE_SHORT_CIRCUITED.labels(blocked.value).inc()
            if blocked is Failure.RATE_LIMITED:
                raise stripe.RateLimitError(FAST_FAIL_MESSAGE, http_status=429)
            raise NotSent(FAST_FAIL_MESSAGE, should_retry=False)  # type: ignore[no-untyped-call]
        return await super().request_with_retries_async(
            method, url, headers, post_data, max_network_retries, _usage=_usage
        )

    async def request_async(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        post_data: Any = None,
    ) -> tuple[bytes, int, Mapping[str, str]]:
        count_stripe_request()
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
