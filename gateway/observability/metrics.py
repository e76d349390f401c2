"""Prometheus metrics, served at `/metrics`.

Module-level collectors in the default registry (the usual Prometheus pattern): one
process, one set of series, whatever number of apps it runs. Labels are bounded and never
carry what a caller chose: Stripe paths are route templates (every segment that is not one
of Stripe's path words is `{id}`), cache kinds drop the ids they carry, and error codes
come from the API's fixed enums.
"""

from __future__ import annotations

import functools
import hmac
import re
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler

REQUESTS = Counter(
    "gateway_graphql_requests",
    "GraphQL HTTP requests served, by outcome (ok, errors, refused, failed).",
    ["outcome"],
)
REQUEST_SECONDS = Histogram(
    "gateway_graphql_request_duration_seconds",
    "Time to answer a GraphQL HTTP request.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
ERRORS = Counter(
    "gateway_graphql_errors",
    "Errors answered: top-level `extensions.code`s and payload `userErrors` codes.",
    ["code"],
)
STRIPE_REQUESTS = Counter(
    "gateway_stripe_requests",
    "HTTP requests sent to Stripe (each retry counts), by method, path and outcome.",
    ["method", "path", "outcome"],
)
STRIPE_SECONDS = Histogram(
    "gateway_stripe_request_duration_seconds",
    "Time of one HTTP request to Stripe.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
STRIPE_SHORT_CIRCUITED = Counter(
    "gateway_stripe_short_circuited",
    "Stripe calls failed fast because the breaker was open, by reason.",
    ["reason"],
)
STRIPE_BREAKER_OPEN = Gauge(
    "gateway_stripe_breaker_open",
    "1 while Stripe calls fail fast after repeated failures.",
)
STRIPE_BUDGET = Counter(
    "gateway_stripe_account_budget",
    "Stripe requests through the account-wide budget, by kind (read, write) and outcome "
    "(granted at once, waited for a token, refused with RATE_LIMITED).",
    ["kind", "outcome"],
)
CACHE_LOOKUPS = Counter(
    "gateway_cache_lookups",
    "Cache reads in front of Stripe, by kind of data and result (hit or miss).",
    ["kind", "result"],
)
RATE_LIMITED = Counter(
    "gateway_rate_limited",
    "Requests refused by a rate limit, by kind of caller.",
    ["principal"],
)

# The words of the Stripe paths the gateway calls (and a few neighbours). A path's label
# keeps these and turns every other segment into `{id}`: ids come from callers, and a
# caller-chosen string must never become a label value, whatever its shape.
_PATH_WORDS = frozenset(
    {
        "v1",
        "advance",
        "attach",
        "billing_portal",
        "cancel",
        "configurations",
        "confirm",
        "coupons",
        "create_preview",
        "customers",
        "detach",
        "discount",
        "invoices",
        "lines",
        "pay",
        "payment_methods",
        "prices",
        "products",
        "promotion_codes",
        "release",
        "resume",
        "search",
        "sessions",
        "setup_intents",
        "subscription_items",
        "subscription_schedules",
        "subscriptions",
        "tax_ids",
        "test_clocks",
        "test_helpers",
    }
)
# Longer paths (none that the gateway calls) share one label.
_MAX_SEGMENTS = 6
_CACHE_KIND = re.compile(r"[a-z_]{1,40}")


def stripe_path(path: str) -> str:
    """`/v1/subscriptions/sub_123abcDEF` -> `/v1/subscriptions/{id}`: a route template."""
    segments = path.split("?", 1)[0].strip("/").split("/")
    if len(segments) > _MAX_SEGMENTS:
        return "other"
    return "/" + "/".join(s if s in _PATH_WORDS else "{id}" for s in segments)


def cache_kind(kind: str) -> str:
    """`subscription:sub_123` -> `subscription` (ids never become label values)."""
    return _kind_label(kind.split(":", 1)[0])


@functools.lru_cache(maxsize=64)
def _kind_label(head: str) -> str:
    # Several lookups per request ask about the same few kinds.
    return head if _CACHE_KIND.fullmatch(head) else "other"


def exposition() -> tuple[bytes, str]:
    """The metrics page and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


def metrics_handler(token: str | None) -> Handler:
    """`GET /metrics`; with `token`, only for `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode() if token else None

    async def handler(request: web.Request) -> web.StreamResponse:
        if expected is not None:
            presented = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(presented, expected):
                return web.Response(status=401, text="Send the metrics token as a bearer token.")
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


__all__ = [
    "CACHE_LOOKUPS",
    "ERRORS",
    "RATE_LIMITED",
    "REQUESTS",
    "REQUEST_SECONDS",
    "STRIPE_BREAKER_OPEN",
    "STRIPE_REQUESTS",
    "STRIPE_SECONDS",
    "STRIPE_SHORT_CIRCUITED",
    "cache_kind",
    "exposition",
    "metrics_handler",
    "stripe_path",
]
