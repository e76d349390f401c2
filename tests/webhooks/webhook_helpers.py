"""Helpers for webhook tests: Stripe-shaped events, signatures, endpoints on loopback."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import warnings
from typing import TYPE_CHECKING, Any

import aiohttp
import stripe
from aiohttp import web

from gateway.webhooks import WEBHOOK_PATH
from gateway.webhooks.handler import StripeWebhooks, webhook_routes

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from gateway.live_bus import EventBus, LiveEvent, Subscription
    from gateway.store import Cache

SECRET = "whsec_test_5f2b0c9e1d7a4b3c8e6f0a1b2c3d4e5f"
WAIT_SECONDS = 5.0
_ids = itertools.count(1)


def make_event(
    event_type: str,
    obj: dict[str, Any],
    *,
    previous: dict[str, Any] | None = None,
    created: int | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A Stripe event envelope as Stripe sends it."""
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id or f"evt_test_{next(_ids):06d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def signature(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    return str(stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp))


async def next_event(subscription: Subscription) -> LiveEvent:
    async with asyncio.timeout(WAIT_SECONDS):
        return await anext(subscription)


class Endpoint:
    """The webhook endpoint of one gateway instance, served on a loopback port."""

    def __init__(self, url: str, webhooks: StripeWebhooks, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.webhooks = webhooks
        self.http = http

    async def post(self, body: str | bytes, headers: dict[str, str]) -> tuple[int, Any]:
        async with self.http.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.json()

    async def deliver(
        self, event: dict[str, Any], *, secret: str = SECRET, timestamp: int | None = None
    ) -> tuple[int, Any]:
        """Post `event` signed the way Stripe signs it."""
        payload = json.dumps(event)
        return await self.post(
            payload,
            {
                "Content-Type": "application/json",
                "Stripe-Signature": signature(payload, secret, timestamp),
            },
        )


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Run `app` on a free loopback port; returns its runner and base URL."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


class Instances:
    """Starts gateway instances (endpoint apps) and closes them with the test."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http
        self._runners: list[web.AppRunner] = []

    async def start(self, *, cache: Cache, bus: EventBus, secret: str | None = SECRET) -> Endpoint:
        app = web.Application()
        webhooks = webhook_routes(app, secret=secret, cache=cache, bus=bus)
        runner, base = await serve(app)
        self._runners.append(runner)
        return Endpoint(base + WEBHOOK_PATH, webhooks, self.http)

    async def close(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


async def close_cache(cache: Cache) -> None:
    """`Cache.close`, minus the DeprecationWarning aiocache 0.12's Redis backend triggers.

    aiocache calls redis-py's deprecated `close()` (redis-py wants `aclose()`); the
    connection is still closed, so the warning alone is silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Call to deprecated close", category=DeprecationWarning
        )
        await cache.close()


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait until `check()` holds: for state in another process or task that signals nothing."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            if await check():
                return
            await asyncio.sleep(0.01)
