"""The backends behind the key-value store: in-process memory, or Redis when instances share it.

Both go through aiocache with the JSON serializer, so only JSON-able values are stored.
"""

from __future__ import annotations

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


def backend_for(url: str | None) -> Any:
    """The aiocache backend for `url`: `redis://` / `rediss://`, else in-process memory."""
    parts = urlsplit(url or "memory://")
    options: dict[str, Any] = {"serializer": JsonSerializer(), "namespace": NAMESPACE}
    if parts.scheme not in ("redis", "rediss"):
        # No I/O to bound: aiocache's per-call timeout would only cost a task and a timer.
        return SimpleMemoryCache(**options, timeout=None)
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
