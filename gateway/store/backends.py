"""The backends behind the key-value store: in-process memory, or Redis when instances share it.

Both go through aiocache with the JSON serializer, so only JSON-able values are stored.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiocache import SimpleMemoryCache
from aiocache.backends.redis import RedisCache
from aiocache.serializers import JsonSerializer

from ..observability.tracing import trace_redis

NAMESPACE = "gateway:"


class _Redis(RedisCache):  # type: ignore[misc]
    """aiocache's Redis backend without the redis-py calls deprecated since redis-py 5
    (`setex`, `close`), which warn on every write and on shutdown."""

    async def _set(
        self,
        key: str,
        value: Any,
        ttl: float | None = None,
        _cas_token: Any = None,
        _conn: Any = None,
    ) -> Any:
        if _cas_token is not None or ttl is None:
            return await super()._set(key, value, ttl=ttl, _cas_token=_cas_token, _conn=_conn)
        return await self.client.set(key, value, px=max(1, int(ttl * 1000)))

    async def _close(self, *args: Any, _conn: Any = None, **kwargs: Any) -> None:
        await self.client.aclose()


class _Memory(SimpleMemoryCache):  # type: ignore[misc]
    """aiocache's in-process backend whose expiry timers hold no request's context.

    `loop.call_later` keeps a copy of the caller's context (every context variable of the
    request that stored the key: its Stripe budget, its request record, ...) until the timer
    fires or is popped; a key stored for days (a live announcement, a version) kept that
    request's objects alive as long, a little more memory for every write. The expiry of a
    key needs none of it, so its timer runs in an empty context.
    """

    async def _set(
        self,
        key: str,
        value: Any,
        ttl: float | None = None,
        _cas_token: Any = None,
        _conn: Any = None,
    ) -> Any:
        if _cas_token is not None and _cas_token != self._cache.get(key):
            return 0
        self._cache[key] = value
        self._expire_in(key, ttl)
        return True

    async def _expire(self, key: str, ttl: float | None, _conn: Any = None) -> bool:
        if key not in self._cache:
            return False
        self._expire_in(key, ttl)
        return True

    def _expire_in(self, key: str, ttl: float | None) -> None:
        handle = self._handlers.pop(key, None)
        if handle is not None:
            handle.cancel()
        if ttl:
            self._handlers[key] = asyncio.get_running_loop().call_later(
                ttl, self._expired, key, context=contextvars.Context()
            )

    def _expired(self, key: str) -> None:
        self._cache.pop(key, None)
        self._handlers.pop(key, None)


def backend_for(url: str | None) -> Any:
    """The aiocache backend for `url`: `redis://` / `rediss://`, else in-process memory."""
    parts = urlsplit(url or "memory://")
    options: dict[str, Any] = {"serializer": JsonSerializer(), "namespace": NAMESPACE}
    if parts.scheme not in ("redis", "rediss"):
        # No I/O to bound: aiocache's per-call timeout would only cost a task and a timer.
        return _Memory(**options, timeout=None)
    options.update(parse_qsl(parts.query))
    if parts.path.strip("/"):
        options.update(RedisCache.parse_uri_path(parts.path))
    options.update(endpoint=parts.hostname or "127.0.0.1", port=parts.port or 6379)
    if parts.password:
        options["password"] = parts.password
    if parts.scheme == "rediss":
        options["ssl"] = True
    backend = _Redis(**options)
    trace_redis(backend.client)
    return backend
