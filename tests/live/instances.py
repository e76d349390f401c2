"""Helpers for the live tests: a started gateway with its app, and waiting on its live state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr

from gateway.app import SERVICES
from gateway.live_bus.redis_bus import CHANNEL_PREFIX
from gateway.webhooks import WEBHOOK_PATH

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import redis.asyncio as aioredis
    from aiohttp import web
    from stripe_emulator.app import Runtime

    from gateway.api.context import Services
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

SECRET = "whsec_live_tests_0b1c2d3e4f5a6b7c8d9e0f1a"
WAIT_SECONDS = 5.0


@dataclass
class Instance:
    gateway: RunningGateway
    runner: web.AppRunner
    redis: aioredis.Redis | None

    @property
    def app(self) -> web.Application:
        return self.runner.app

    @property
    def url(self) -> str:
        return self.gateway.url

    @property
    def webhook_url(self) -> str:
        return self.gateway.url + WEBHOOK_PATH

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    async def until_subscribed(self, customer_id: str, count: int = 1) -> None:
        """Wait until `count` live subscriptions to the customer are listening here.

        With Redis, also until Redis itself routes the customer's channel to this instance,
        so an event published from now on, by any instance, reaches them.
        """

        async def listening() -> bool:
            if self.services.bus.subscriber_count(customer_id) < count:
                return False
            if self.redis is None:
                return True
            channel = CHANNEL_PREFIX + customer_id
            ((_, listeners),) = await self.redis.pubsub_numsub(channel)
            return int(listeners) >= 1

        await eventually(listening)


@dataclass(frozen=True)
class Pair:
    a: Instance
    b: Instance

    @property
    def shared(self) -> bool:
        return self.a is not self.b


async def start_instance(
    factory: GatewayFactory,
    world: World,
    redis_url: str | None,
    redis: aioredis.Redis | None,
) -> Instance:
    gateway = await factory.start(
        world.configurations(),
        redis_url=redis_url,
        webhook_secret=SecretStr(SECRET),
    )
    return Instance(gateway, factory.runners[-1], redis)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = WAIT_SECONDS) -> None:
    """Wait until `check()` holds (state another task or process changes without a signal)."""
    async with asyncio.timeout(seconds):
        while True:
            if await check():
                return
            await asyncio.sleep(0.01)


async def settled(runtime: Runtime) -> None:
    """Every event the emulator recorded so far has been delivered (or given up on)."""

    async def delivered() -> bool:
        return not any(event["pending_webhooks"] for event in runtime.emu.find("event"))

    await eventually(delivered)
