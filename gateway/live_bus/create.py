"""Choosing the live-event bus from the Redis URL: this process alone, or across instances."""

from __future__ import annotations

from .base import QUEUE_SIZE, EventBus
from .memory import InMemoryBus


def create_bus(redis_url: str | None, *, queue_size: int = QUEUE_SIZE) -> EventBus:
    """`InMemoryBus` without a URL (or `memory://`), else a `RedisBus` on that server."""
    if not redis_url or redis_url.startswith("memory://"):
        return InMemoryBus(queue_size)
    from .redis_bus import RedisBus  # imports redis only when it is used

    return RedisBus(redis_url, queue_size=queue_size)
