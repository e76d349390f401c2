"""Signed webhook delivery of every event to the registered endpoints, as Stripe sends it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .state import Emulator, Obj

RETRY_DELAYS = (0.5, 2.0, 5.0)


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value: `t=<unix>,v1=<hex hmac-sha256 of "t.payload">`."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


class WebhookDeliverer:
    """Posts each new event to every enabled endpoint that subscribed to its type."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.deliveries: list[dict[str, Any]] = []
        emu.event_listeners.append(self._on_event)

    def register(self, url: str, secret: str | None = None) -> Obj:
        """An endpoint created outside the API (the CLI's --webhook-url)."""
        return self.emu.create(
            "we",
            "webhook_endpoint",
            {
                "api_version": None,
                "application": None,
                "description": "Registered at start-up",
                "enabled_events": ["*"],
                "metadata": {},
                "secret": secret or "whsec_" + secrets.token_hex(16),
                "status": "enabled",
                "url": url,
            },
        )

    def _on_event(self, event: Obj) -> None:
        for endpoint in self.emu.find("webhook_endpoint"):
            wanted = endpoint["enabled_events"]
            if endpoint["status"] == "enabled" and ("*" in wanted or event["type"] in wanted):
                event["pending_webhooks"] += 1
                try:
                    task = asyncio.get_running_loop().create_task(self._deliver(endpoint, event))
                except RuntimeError:
                    return  # no loop: state built outside a server (the seed)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _deliver(self, endpoint: Obj, event: Obj) -> None:
        payload = json.dumps(self.emu.render(event))
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
            await asyncio.sleep(delay)
            status = 0
            try:
                async with self._session.post(
                    endpoint["url"],
                    data=payload,
                    headers={
                        "Content-Type": "application/json; charset=utf-8",
                        "Stripe-Signature": sign(payload, endpoint["secret"]),
                        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    },
                ) as response:
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            self.deliveries.append(
                {
                    "event": event["id"],
                    "endpoint": endpoint["id"],
                    "attempt": attempt + 1,
                    "status": status,
                }
            )
            if 200 <= status < 300:
                break
        else:
            # Every attempt failed: `GET /v1/events?delivery_success=false` lists it.
            event["_delivery_failed"] = True
        event["pending_webhooks"] = max(0, event["pending_webhooks"] - 1)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
