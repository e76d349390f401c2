"""The gateway's one key-value store: in memory for one process, Redis when instances share it.

Both backends go through aiocache with the JSON serializer, so the code path is the same
and only JSON-able values (Stripe's wire JSON, session records) are ever stored.

Customer data is cached under keys that carry a per-customer *generation*; a write for
that customer bumps the generation (`invalidate_customer`), which orphans every older
entry at once without scanning or deleting keys. Orphans expire by their own TTL.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any, TypeVar

from aiocache import SimpleMemoryCache

from ..observability.metrics import CACHE_LOOKUPS, cache_kind
from .backends import backend_for
from .decoded_json import DecodedJson, as_decoded

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

T = TypeVar("T")
Json = Any
# Generation counters outlive the entries they guard so a bump is never forgotten early.
GENERATION_TTL_SECONDS = 7 * 24 * 3600
# Shared data kept under a scope generation (`Cache.scoped_cached`); customer ids are `cus_...`,
# so `gen:scope:<name>` never meets a customer's `gen:<id>`.
SCOPE_PREFIX = "scope:"
_STORE_UNLESS_MOVED = """
if tonumber(redis.call('GET', KEYS[2]) or '0') ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
"""


def events_key(customer_id: str) -> str:
    """The counter of events applied to a customer's cached data (`cache_updates.py`)."""
    return f"events:{customer_id}"


def _text(raw: Any) -> Any:
    """The stored text as it is (decoded later, by `DecodedJson`)."""
    return raw


def _counter(raw: object) -> int:
    if isinstance(raw, bytes):
        raw = raw.decode()
    return int(raw) if isinstance(raw, int | str) else 0


class Cache:
    """Typed wrapper over an aiocache backend; every method awaits one or two backend calls."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._decoded = DecodedJson()
        # The memory backend's own dict: a warm read looks there directly (aiocache's
        # call layers cost more than the lookup, several times per request).
        self._memory: dict[str, Any] | None = (
            None if self.shared else getattr(backend, "_cache", None)
        )

    @classmethod
    def from_url(cls, url: str | None) -> Cache:
        """`redis://host:port/db` for a shared store; `None` or `memory://` for this process."""
        return cls(backend_for(url))

    @property
    def shared(self) -> bool:
        return not isinstance(self._backend, SimpleMemoryCache)

    @property
    def redis(self) -> Any | None:
        """The redis-py client when the store is Redis (for atomic scripts), else None."""
        return self._backend.client if self.shared else None

    async def get(self, key: str) -> Json | None:
        return await self._backend.get(key)

    async def set(self, key: str, value: Json, ttl: float | None = None) -> None:
        await self._backend.set(key, value, ttl=ttl if ttl and ttl > 0 else None)

    async def delete(self, key: str) -> bool:
        return bool(await self._backend.delete(key))

    async def take(self, key: str) -> Json | None:
        """Read and remove `key`; of concurrent takers only the one whose delete won gets it."""
        value = await self._backend.get(key)
        if value is None:
            return None
        removed = await self._backend.delete(key)
        return value if removed else None

    async def increment(self, key: str, ttl: float | None = None) -> int:
        value = int(await self._backend.increment(key, 1))
        if ttl:
            await self._backend.expire(key, ttl)
        return value

    async def ping(self) -> bool:
        """True when the backend answers (readiness)."""
        try:
            await self._backend.exists("ping")
        except Exception:  # the backend's own connection errors vary by client
            logger.warning("cache backend does not answer", exc_info=True)
            return False
        return True

    async def close(self) -> None:
        await self._backend.close()

    # -- customer data -------------------------------------------------------
    async def generation(self, customer_id: str) -> int:
        return await self.counter(f"gen:{customer_id}")

    async def invalidate_customer(self, customer_id: str) -> None:
        """Forget everything cached for this customer (call after every write for them)."""
        await self.increment(f"gen:{customer_id}", GENERATION_TTL_SECONDS)

    async def customer_cached(
        self,
        customer_id: str,
        kind: str,
        ttl: float,
        load: Callable[[], Awaitable[Json]],
        build: Callable[[Json], T] = as_decoded,
        *,
        keep: Callable[[Json], bool] | None = None,
    ) -> T:
        """`build` of `load()`'s JSON for this customer, cached for `ttl` seconds (0 = always
        load). The JSON is what is cached; while it is unchanged, reads share one `build`
        result (`DecodedJson`): `build` is a module-level function returning frozen models.

        `keep` says whether a loaded value may be stored: a read by id passes "it is this
        customer's", so someone else's object is never cached under the caller and answers
        exactly like a missing one (neither is cached, both cost one Stripe request), and a
        caller cannot fill the cache with objects that are not theirs.

        A failing backend never fails the read: the value is loaded from Stripe instead.
        """
        if ttl <= 0:
            return build(await load())
        try:
            key = f"cus:{customer_id}:{await self.generation(customer_id)}:{kind}"
        except Exception:
            logger.warning("cache read failed; loading from Stripe", exc_info=True)
            return build(await load())
        return await self._read_through(
            key, cache_kind(kind), ttl, load, build, keep, guard=events_key(customer_id)
        )

    async def customer_peek(
        self, customer_id: str, kind: str, build: Callable[[Json], T] = as_decoded
    ) -> T | None:
        """What `customer_cached` would answer from the cache alone; None when it would load.

        For reads that can fetch several kinds in one Stripe request when any is missing.
        """
        try:
            key = f"cus:{customer_id}:{await self.generation(customer_id)}:{kind}"
            text = await self._lookup(key, cache_kind(kind))
        except Exception:
            logger.warning("cache read failed; loading from Stripe", exc_info=True)
            return None
        if text is None:
            return None
        value: T = self._decoded.decode(key, text, build)
        return value

    async def cached(
        self,
        key: str,
        ttl: float,
        load: Callable[[], Awaitable[Json]],
        build: Callable[[Json], T] = as_decoded,
    ) -> T:
        """`build` of `load()`'s JSON under a shared key (catalog, configurations), cached for
        `ttl` (see `customer_cached`)."""
        if ttl <= 0:
            return build(await load())
        return await self._read_through(key, cache_kind(key), ttl, load, build)

    async def _read_through(
        self,
        key: str,
        kind: str,
        ttl: float,
        load: Callable[[], Awaitable[Json]],
        build: Callable[[Json], T],
        keep: Callable[[Json], bool] | None = None,
        *,
        guard: str | None = None,
    ) -> T:
        try:
            text = await self._lookup(key, kind)
            seen = None if text is not None or guard is None else await self.counter(guard)
        except Exception:
            logger.warning("cache read failed; loading from Stripe", exc_info=True)
            return build(await load())
        if text is not None:
            value: T = self._decoded.decode(key, text, build)
            return value
        loaded = await load()
        if keep is not None and not keep(loaded):
            return build(loaded)
        try:
            if guard is None or seen is None:
                await self._backend.set(key, loaded, ttl=ttl)
            else:
                await self._store_unless_moved(key, loaded, ttl, guard, seen)
        except Exception:
            logger.warning("cache write failed", exc_info=True)
        return build(loaded)

    def stored_key(self, key: str) -> str:
        """The backend's own name for `key` (with the namespace), for atomic scripts."""
        name: str = self._backend.build_key(key)
        return name

    async def expires_in(self, key: str) -> float:
        """Seconds until `key` expires (0 when absent or kept forever): an update in place
        keeps a document's expiry, the bound on its staleness (`cache_updates.py`)."""
        redis = self.redis
        if redis is not None:
            millis = int(await redis.pttl(self.stored_key(key)))
            return millis / 1000 if millis > 0 else 0.0
        timer = self._backend._handlers.get(self.stored_key(key))
        if timer is None:
            return 0.0
        return max(0.0, float(timer.when()) - asyncio.get_running_loop().time())

    async def counter(self, key: str) -> int:
        """A counter kept with `increment` (0 when absent)."""
        # Counters are raw integers in memory and digit strings in Redis, never JSON documents.
        if self._memory is not None:
            return _counter(self._memory.get(self.stored_key(key)))
        return int(await self._backend.get(key, loads_fn=_counter) or 0)

    async def _store_unless_moved(
        self, key: str, loaded: Json, ttl: float, guard: str, seen: int
    ) -> None:
        """Store a document loaded while the counter `guard` read `seen`, unless it moved
        meanwhile: an event for the customer was applied during the load, and the loaded
        state may be older than the event's (`cache_updates.py`). Atomic on both backends."""
        redis = self.redis
        if redis is None:
            # The memory backend never suspends between these two calls: nothing interleaves.
            if await self.counter(guard) == seen:
                await self._backend.set(key, loaded, ttl=ttl)
            return
        await redis.eval(
            _STORE_UNLESS_MOVED,
            2,
            self.stored_key(key),
            self.stored_key(guard),
            json.dumps(loaded),
            seen,
            max(1, int(ttl * 1000)),
        )

    async def _lookup(self, key: str, kind: str) -> Any:
        """The cached text under `key` (None when absent), counted as a hit or a miss."""
        if self._memory is not None:
            text = self._memory.get(self.stored_key(key))
        else:
            text = await self._backend.get(key, loads_fn=_text)
        CACHE_LOOKUPS.labels(kind, "miss" if text is None else "hit").inc()
        return text

    # -- once-only markers and shared scopes --------------------------------------
    async def add_once(self, key: str, value: Json, ttl: float) -> bool:
        """Store `value` under `key` unless it exists; True only for the caller that stored it.

        Atomic on both backends (Redis `SET NX`), so instances sharing Redis agree on who was
        first (webhook deduplication relies on it).
        """
        try:
            await self._backend.add(key, value, ttl=ttl)
        except ValueError:  # aiocache's signal that the key already exists
            return False
        return True

    async def scoped_cached(
        self,
        scope: str,
        key: str,
        ttl: float,
        load: Callable[[], Awaitable[Json]],
        build: Callable[[Json], T] = as_decoded,
    ) -> T:
        """`cached`, under a key that carries `scope`'s generation (billing's catalog, say).

        `invalidate_scope(scope)` then forgets every entry of the scope at once, the way
        `invalidate_customer` does for one customer.
        """
        try:
            generation = await self.scope_generation(scope)
        except Exception:
            logger.warning("cache read failed; loading from Stripe", exc_info=True)
            return build(await load())
        return await self.cached(f"{scope}:{generation}:{key}", ttl, load, build)

    async def scope_generation(self, scope: str) -> int:
        """The generation `invalidate_scope(scope)` bumps (to notice another instance's bump)."""
        return await self.generation(f"{SCOPE_PREFIX}{scope}")

    async def invalidate_scope(self, scope: str) -> None:
        """Forget every entry cached through `scoped_cached(scope, ...)` at once."""
        await self.increment(f"gen:{SCOPE_PREFIX}{scope}", GENERATION_TTL_SECONDS)
