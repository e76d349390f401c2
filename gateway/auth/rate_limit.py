"""Token buckets per caller: each access token, each admin key, each client address.

A bucket holds up to `burst` tokens and refills at `per_second`; a request takes one token
per GraphQL operation and is refused, with how long to wait, when the bucket is short.

In memory the buckets belong to one process. With Redis they are shared by every instance
and updated by one Lua script, so the read-refill-take-write step is atomic (no two
instances can spend the same token) and timed by Redis's own clock (instances' clocks may
disagree). A true bucket rather than INCR-with-expiry windows: windows let a caller spend
twice the limit across a window boundary, a bucket never more than `burst` at once.
If Redis fails, requests are let through (and the failure logged): the limit protects the
gateway and Stripe, and refusing every customer because of a cache blip protects neither.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..store import Cache

logger = logging.getLogger(__name__)

KEY_PREFIX = "gateway:ratelimit:"
# In memory, buckets idle this long are full again anyway and may be forgotten.
MAX_MEMORY_BUCKETS = 100_000

# KEYS[1] bucket; ARGV rate per second, burst, cost. Returns {allowed, seconds to wait}.
_TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


@dataclass(frozen=True)
class Limit:
    per_second: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_second > 0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the request would be allowed (0 when it is).
    retry_after: float = 0.0

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, at least 1: what `Retry-After` carries."""
        return max(1, math.ceil(self.retry_after))


def bucket_key(kind: str, identity: str) -> str:
    """A bucket's key: the caller's kind and a digest of who they are (never the secret)."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return f"{kind}:{digest}"


class RateLimiter:
    def __init__(self, cache: Cache, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._redis: Any | None = cache.redis
        self._script: Any | None = None
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def take(self, key: str, limit: Limit, cost: int = 1) -> Verdict:
        """Take `cost` tokens from `key`'s bucket, or say how long until it could."""
        if not limit.enabled:
            return Verdict(True)
        # A batch larger than the burst could never be served; it empties the bucket instead.
        cost = min(cost, limit.burst)
        if self._redis is None:
            return self._take_in_memory(key, limit, cost)
        try:
            return await self._take_in_redis(key, limit, cost)
        except Exception:  # redis-py's errors vary by failure; any of them means "no verdict"
            logger.warning("rate limit store failed; letting the request through", exc_info=True)
            return Verdict(True)

    def _take_in_memory(self, key: str, limit: Limit, cost: int) -> Verdict:
        now = self._clock()
        tokens, at = self._buckets.pop(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + max(0.0, now - at) * limit.per_second)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > MAX_MEMORY_BUCKETS:
            self._buckets.popitem(last=False)
        if allowed:
            return Verdict(True)
        return Verdict(False, (cost - tokens) / limit.per_second)

    async def _take_in_redis(self, key: str, limit: Limit, cost: int) -> Verdict:
        assert self._redis is not None
        if self._script is None:
            self._script = self._redis.register_script(_TAKE)
        allowed, wait = await self._script(
            keys=[KEY_PREFIX + key], args=[limit.per_second, limit.burst, cost]
        )
        if isinstance(wait, bytes):
            wait = wait.decode()
        return Verdict(bool(int(allowed)), float(wait))


__all__ = ["Limit", "RateLimiter", "Verdict", "bucket_key"]
