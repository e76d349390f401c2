"""The whole stack for a synchronous state machine: the emulator, a served gateway that
receives the emulator's signed webhooks, and the Stripe SDK, all on one private event loop.

Hypothesis's rule-based machines call plain methods; each step runs its coroutine to the
end on this loop (`Stack.run`), so servers, webhook deliveries and the SDK share it.
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import stripe
from aiohttp import web
from pydantic import SecretStr
from stripe_emulator.app import RUNTIME, Runtime, create_app
from stripe_emulator.state import Emulator

from gateway.webhooks.handler import WEBHOOK_PATH
from tests.support.gateway import GatewayFactory, RunningGateway
from tests.support.world import World, build_world

if TYPE_CHECKING:
    from collections.abc import Coroutine, Iterator

T = TypeVar("T")
API_KEY = "sk_test_invariants_0123456789"
WEBHOOK_SECRET = "whsec_invariants_0123456789abcdef"
SETTLE_SECONDS = 5.0
POLL_SECONDS = 0.002


def configurations(world: World) -> list[dict[str, Any]]:
    """The world's `full` portal (prorations on the next invoice, cancel at period end) and
    two variants: `invoice_now` (prorations invoiced at once, cancel now with a prorated
    credit) and `no_proration` (changes never prorated, cancel now without a credit)."""
    full = next(c for c in world.configurations() if c["id"] == "full")
    full["features"]["subscription_pause"] = {
        "enabled": True,
        "duration": {
            "type": "interval_options",
            "interval_options": [
                {"interval": "week", "interval_count": 1},
                {"interval": "month", "interval_count": 1},
            ],
        },
    }

    def variant(config_id: str, proration: str, cancel_prorates: bool) -> dict[str, Any]:
        copied = copy.deepcopy(full)
        copied.update(id=config_id, is_default=False)
        features = copied["features"]
        features["subscription_update"]["proration_behavior"] = proration
        features["subscription_cancel"].update(
            mode="immediately",
            proration_behavior="create_prorations" if cancel_prorates else "none",
        )
        return copied

    return [
        full,
        variant("invoice_now", "always_invoice", cancel_prorates=True),
        variant("no_proration", "none", cancel_prorates=False),
    ]


CONFIGURATION_IDS = ("full", "invoice_now", "no_proration")


@dataclass
class Stack:
    loop: asyncio.Runner
    runtime: Runtime
    stripe: stripe.StripeClient
    gateway: RunningGateway
    world: World

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run(coroutine)

    async def settled(self) -> None:
        """Every webhook so far has reached the gateway (the emulator delivers them in the
        background), so the gateway's cache has heard of every change made at Stripe."""
        for _ in range(int(SETTLE_SECONDS / POLL_SECONDS)):
            if not any(e["pending_webhooks"] for e in self.runtime.emu.find("event")):
                return
            await asyncio.sleep(POLL_SECONDS)
        raise AssertionError(f"webhooks still undelivered after {SETTLE_SECONDS} s")

    def faults(self, rules: list[dict[str, Any]]) -> None:
        """Replace the emulator's injected faults (an empty list: none)."""
        self.runtime.faults.configure({"seed": 0, "rules": rules})


async def _serve(exits: AsyncExitStack, app: web.Application) -> str:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    exits.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return f"http://127.0.0.1:{port}"


async def _start(exits: AsyncExitStack, tmp: Path) -> tuple[Runtime, stripe.StripeClient, Any]:
    app = create_app(Emulator(seed=7))
    url = await _serve(exits, app)
    http = stripe.AIOHTTPClient()
    exits.push_async_callback(http.close_async)
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": url}, http_client=http, max_network_retries=0
    )
    world = await build_world(client)
    factory = GatewayFactory(url, tmp)
    exits.push_async_callback(factory.close)
    # No SDK retries: an injected fault reaches the gateway's own handling of it.
    gateway = await factory.start(
        configurations(world),
        rate_limit_per_second=0,
        stripe_max_retries=0,
        webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    runtime = app[RUNTIME]
    assert runtime.deliverer is not None
    runtime.deliverer.register(gateway.url + WEBHOOK_PATH, WEBHOOK_SECRET)
    return runtime, client, (gateway, world)


def open_stack() -> Iterator[Stack]:
    """A generator fixture body: yields a running stack, then stops everything."""
    with tempfile.TemporaryDirectory() as tmp, asyncio.Runner() as loop:
        exits = AsyncExitStack()
        runtime, client, (gateway, world) = loop.run(_start(exits, Path(tmp)))
        try:
            yield Stack(loop, runtime, client, gateway, world)
        finally:
            loop.run(exits.aclose())
