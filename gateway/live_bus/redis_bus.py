"""The live-event bus across instances, over Redis pub/sub.

One channel per customer (`gateway:live:<customer id>`): Redis routes each event only to
the instances that have a subscriber for that customer, so an instance's traffic grows
with its own connected customers, not with every event of the account. Each instance
holds one pub/sub connection: it subscribes a customer's channel when its first local
subscriber for that customer arrives and unsubscribes when the last one leaves, and a
reader task fans messages out to the local subscribers.

Pub/sub is at-most-once: an event published while an instance's connection is down is
not replayed to it. A live view therefore treats events as hints and its first render
(and any reconnect) as the source of truth.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ..observability.tracing import trace_redis
from .base import QUEUE_SIZE, EventBus
from .events import LiveEvent

if TYPE_CHECKING:
    from .base import Subscription

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "gateway:live:"
# How long a subscriber waits for Redis to confirm its channel before giving up.
SUBSCRIBE_TIMEOUT_SECONDS = 5.0
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)


class BusUnavailableError(RuntimeError):
    """Redis did not confirm a subscription in time."""


class RedisBus(EventBus):
    def __init__(
        self,
        url: str,
        *,
        queue_size: int = QUEUE_SIZE,
        channel_prefix: str = CHANNEL_PREFIX,
    ) -> None:
        super().__init__(queue_size)
        self._prefix = channel_prefix
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url)
        trace_redis(self._redis)
        self._pubsub: Any = self._redis.pubsub()
        # Customers whose channel this instance subscribed (confirmed or not).
        self._channels: set[str] = set()
        # Per customer, one future per SUBSCRIBE sent, resolved by Redis's confirmation.
        self._confirmations: dict[str, collections.deque[asyncio.Future[None]]] = {}
        self._ready: dict[str, asyncio.Future[None]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def channel(self, customer_id: str) -> str:
        return self._prefix + customer_id

    async def publish(self, event: LiveEvent) -> None:
        self._check_open()
        await self._redis.publish(self.channel(event.customer_id), event.to_json())

    async def _open(self, subscription: Subscription) -> None:
        self._check_open()
        customer_id = subscription.customer_id
        async with self._lock:
            if customer_id not in self._channels:
                ready = asyncio.get_running_loop().create_future()
                waiting = self._confirmations.setdefault(customer_id, collections.deque())
                waiting.append(ready)
                try:
                    await self._pubsub.subscribe(self.channel(customer_id))
                except BaseException:
                    # Not sent: no confirmation will come for this one.
                    waiting.remove(ready)
                    ready.cancel()
                    raise
                self._ready[customer_id] = ready
                self._channels.add(customer_id)
                self._start_reader()
            ready = self._ready[customer_id]
        try:
            async with asyncio.timeout(SUBSCRIBE_TIMEOUT_SECONDS):
                await asyncio.shield(ready)
        except TimeoutError as exc:
            raise BusUnavailableError(
                f"Redis did not confirm the live-event channel of {customer_id} "
                f"within {SUBSCRIBE_TIMEOUT_SECONDS} s"
            ) from exc

    def _idle(self, customer_id: str) -> None:
        if self._closed or customer_id not in self._channels:
            return
        task = asyncio.get_running_loop().create_task(self._unsubscribe(customer_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _unsubscribe(self, customer_id: str) -> None:
        async with self._lock:
            # A subscriber may have arrived since: then the channel stays.
            if self.subscriber_count(customer_id) or customer_id not in self._channels:
                return
            self._channels.discard(customer_id)
            self._ready.pop(customer_id, None)
            try:
                await self._pubsub.unsubscribe(self.channel(customer_id))
            except (RedisError, OSError):
                logger.warning("could not unsubscribe %s", customer_id, exc_info=True)

    def _start_reader(self) -> None:
        if self._reader is None:
            self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        failures = 0
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
                if message is not None:
                    self._on_message(message)
            except (RedisError, OSError):
                logger.warning("live-event connection to Redis lost; reconnecting")
            except Exception:
                # The reader must outlive any one bad message, or every subscriber goes silent.
                logger.exception("live-event reader failed; continuing")
            else:
                failures = 0
                continue
            await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
            failures += 1

    def _on_message(self, message: dict[str, Any]) -> None:
        channel = message.get("channel")
        if isinstance(channel, bytes):
            channel = channel.decode()
        if not isinstance(channel, str) or not channel.startswith(self._prefix):
            return
        customer_id = channel[len(self._prefix) :]
        if message["type"] == "subscribe":
            waiting = self._confirmations.get(customer_id)
            if waiting:
                ready = waiting.popleft()
                if not ready.done():
                    ready.set_result(None)
            if not waiting:
                self._confirmations.pop(customer_id, None)
        elif message["type"] == "message":
            try:
                event = LiveEvent.from_json(message["data"])
            except ValueError:
                logger.warning("ignored a malformed live event on %s", channel, exc_info=True)
                return
            if event.customer_id == customer_id:
                self._deliver(event)

    async def _shutdown(self) -> None:
        pending = [task for task in (self._reader, *self._tasks) if task is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for waiting in self._confirmations.values():
            for ready in waiting:
                ready.cancel()
        await self._pubsub.aclose()
        await self._redis.aclose()
