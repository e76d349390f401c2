"""The live-event bus's interface: webhooks publish, each customer's live view subscribes.

Two backends implement it (`memory.InMemoryBus`, `redis_bus.RedisBus`; `create_bus` picks
one). Either way, every process fans events out to its own subscribers through bounded
queues: a subscriber that stops reading loses its *oldest* events (counted in `dropped`)
instead of growing memory without limit.

Use from a GraphQL subscription resolver::

    async with bus.subscribe(customer_id) as events:
        async for event in events:
            yield event

`async with` guarantees the subscription is live before the block starts and is released
when it ends. Plain `async for event in bus.subscribe(customer_id)` also works; it is
released when a read is cancelled, the iterator is dropped, or the bus closes. As with an
async generator, cancelling a pending read ends the stream: to wait with a deadline, wrap
the whole loop (`asyncio.timeout`), not a single `anext`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

    from .events import LiveEvent

logger = logging.getLogger(__name__)

# Per subscriber: enough for a burst (an invoice cycle fires a handful of events).
QUEUE_SIZE = 100


class BusClosedError(RuntimeError):
    """The bus was closed (the app is shutting down)."""


class Subscription:
    """One subscriber's stream of a customer's live events; an async iterator."""

    def __init__(self, bus: EventBus, customer_id: str, queue_size: int) -> None:
        self.customer_id = customer_id
        # Events this subscriber lost because it fell `queue_size` events behind.
        self.dropped = 0
        self._bus = bus
        self._queue_size = queue_size
        # Unbounded on purpose: the bound is enforced by `_offer`, so the end marker always fits.
        self._queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue()
        self._opened = False
        self._ended = False

    @property
    def pending(self) -> int:
        """Events queued and not read yet."""
        return self._queue.qsize() - (1 if self._ended and self._queue.qsize() else 0)

    async def open(self) -> Subscription:
        """Wait until events published from now on are certain to arrive."""
        if not self._opened and not self._ended:
            await self._bus._open(self)
            self._opened = True
        return self

    async def aclose(self) -> None:
        """Stop receiving; iteration ends after the events already queued."""
        if not self._ended:
            self._bus._release(self)
            self._end()

    async def __aenter__(self) -> Subscription:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> LiveEvent:
        await self.open()
        try:
            event = await self._queue.get()
        except asyncio.CancelledError:
            # As with an async generator, a cancelled read ends the stream (this is how a
            # server stops a GraphQL subscription): release it now, not at garbage collection.
            await self.aclose()
            raise
        if event is None:
            self._queue.put_nowait(None)  # stay ended for any later call
            raise StopAsyncIteration
        return event

    def _offer(self, event: LiveEvent) -> None:
        if self._ended:
            return
        if self._queue.qsize() >= self._queue_size:
            self._queue.get_nowait()
            self.dropped += 1
            self._bus.dropped += 1
            if self.dropped == 1:
                logger.warning(
                    "live events for %s are dropped: the subscriber reads too slowly",
                    self.customer_id,
                )
        self._queue.put_nowait(event)

    def _end(self) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(None)


class EventBus(ABC):
    """Publish `LiveEvent`s; subscribe to one customer's."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        # Weak: a subscription its consumer dropped without closing disappears by itself.
        self._subscribers: dict[str, weakref.WeakSet[Subscription]] = {}
        self._queue_size = queue_size
        self._closed = False
        # Events lost to slow subscribers, over all of them.
        self.dropped = 0

    @abstractmethod
    async def publish(self, event: LiveEvent) -> None:
        """Hand `event` to every subscriber of `event.customer_id`, in any instance."""

    def subscribe(self, customer_id: str) -> Subscription:
        """A stream of `customer_id`'s events; nothing published for others reaches it."""
        self._check_open()
        subscription = Subscription(self, customer_id, self._queue_size)
        self._subscribers.setdefault(customer_id, weakref.WeakSet()).add(subscription)
        return subscription

    def subscriber_count(self, customer_id: str) -> int:
        """Live subscriptions to `customer_id` in this process."""
        return len(self._subscribers.get(customer_id, ()))

    async def close(self) -> None:
        """End every subscription and release the backend; publishing afterwards fails."""
        if self._closed:
            return
        self._closed = True
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                subscription._end()
        self._subscribers.clear()
        await self._shutdown()

    # -- for backends ------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise BusClosedError("the live-event bus is closed")

    def _deliver(self, event: LiveEvent) -> int:
        """Queue `event` for this process's subscribers of its customer; how many got it."""
        subscribers = self._subscribers.get(event.customer_id)
        if subscribers is None:
            return 0
        receivers = list(subscribers)
        if not receivers:
            del self._subscribers[event.customer_id]
            self._idle(event.customer_id)
        for subscription in receivers:
            subscription._offer(event)
        return len(receivers)

    def _release(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.customer_id)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[subscription.customer_id]
            self._idle(subscription.customer_id)

    async def _open(self, subscription: Subscription) -> None:
        """Make `subscription` live (a backend may need to ask its server first)."""
        self._check_open()

    @abstractmethod
    def _idle(self, customer_id: str) -> None:
        """No subscriber to `customer_id` is left in this process."""

    @abstractmethod
    async def _shutdown(self) -> None:
        """Release the backend's connections."""
