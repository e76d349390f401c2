"""One read per key per request, shared by every field that asks for it.

What Strawberry's DataLoader gave the per-customer loaders, without what they did not use:
each of their batches holds one key (every key is fetched on its own), so a batch's future,
its scheduling callback and its dispatch task were pure overhead on every warm request.
A load starts its fetch as a task at once (it runs on the loop's next turn, as a
DataLoader's batch did); later loads of the same key share that task. A cancelled read is
started again by the next load.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Hashable

K = TypeVar("K", bound="Hashable")
V = TypeVar("V")


class RequestMemo(Generic[K, V]):
    __slots__ = ("_fetch", "_started")

    def __init__(self, fetch: Callable[[K], Awaitable[V]]) -> None:
        self._fetch = fetch
        self._started: dict[K, asyncio.Future[V]] = {}

    def load(self, key: K) -> asyncio.Future[V]:
        started = self._started.get(key)
        if started is None or started.cancelled():
            started = self._started[key] = asyncio.ensure_future(self._fetch(key))
        return started

    def prime(self, key: K, value: V) -> None:
        """Later loads of `key` get `value` (a read already done, e.g. a write's answer)."""
        done = asyncio.get_running_loop().create_future()
        done.set_result(value)
        self._started[key] = done

    def clear_all(self) -> None:
        self._started.clear()


__all__ = ["RequestMemo"]
