"""The account's Stripe budget: the most requests per second all instances together send.

Stripe limits the whole account (about 100 requests/s in live mode, 25 in test mode),
shared with the merchant's own backend, and answers 429 beyond it; a throttled account
fails the merchant's checkout too. So every request the gateway is about to send (each
attempt, retries included) first takes a token from one bucket for the account: in Redis
when instances share it (one atomic script, on Redis's own clock, so instances need not
agree on the time), else in this process.

Writes go before reads: a read may only take a token while more than a reserve is left
(a share of the burst), a write may take the last one. A read that cannot get a token
within `read_wait` seconds is refused with RATE_LIMITED (nothing is sent); a write waits up
to `write_wait`. Requests per second are thus bounded by `rate` (plus the burst once).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ErrorCode
from ..observability import metrics
from .stripe_budget import StripeCallRefused

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..settings import Settings
    from ..store import Cache

BUCKET_KEY = "stripe-account-budget"
# The share of the burst only writes may use.
WRITE_RESERVE_SHARE = 0.25
# Reads Stripe spells as POST change nothing: they wait like reads.
_READ_POSTS = ("/create_preview",)
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens - 1 >= keep then
  tokens = tokens - 1
else
  wait = math.ceil((keep + 1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
"""


def is_write(method: str, path: str) -> bool:
    return method.lower() != "get" and not path.endswith(_READ_POSTS)


@dataclass
class _LocalBucket:
    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = -1.0
    at: float = field(default=0.0)

    def take(self, keep: float) -> float:
        """0 when a token was taken, else the seconds until one could be."""
        now = self.clock()
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.rate)
        self.at = now
        if self.tokens - 1 >= keep:
            self.tokens -= 1
            return 0.0
        return (keep + 1 - self.tokens) / self.rate


class AccountBudget:
    """One token per Stripe request, for the whole account (see the module's docstring)."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        read_wait: float,
        write_wait: float,
        cache: Cache | None = None,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.read_wait = read_wait
        self.write_wait = write_wait
        self.reserve = math.floor(self.burst * WRITE_RESERVE_SHARE) if self.burst > 1 else 0
        self._cache = cache if cache is not None and cache.redis is not None else None
        self._local = _LocalBucket(rate, float(self.burst))

    @classmethod
    def from_settings(cls, settings: Settings, cache: Cache) -> AccountBudget | None:
        """The budget the settings ask for; None when it is off (0 per second)."""
        if settings.stripe_account_requests_per_second <= 0:
            return None
        return cls(
            rate=settings.stripe_account_requests_per_second,
            burst=settings.stripe_account_burst,
            read_wait=settings.stripe_account_read_wait_seconds,
            write_wait=settings.stripe_timeout_seconds,
            cache=cache,
        )

    @property
    def shared(self) -> bool:
        return self._cache is not None

    async def _take(self, keep: float) -> float:
        if self._cache is None:
            return self._local.take(keep)
        redis = self._cache.redis
        millis = await redis.eval(  # type: ignore[union-attr]
            _TAKE, 1, self._cache.stored_key(BUCKET_KEY), self.rate, self.burst, keep
        )
        return int(millis) / 1000

    async def acquire(self, method: str, path: str) -> None:
        """Take a token for one request, waiting within the bound; else `StripeCallRefused`."""
        write = is_write(method, path)
        kind = "write" if write else "read"
        keep = 0 if write else self.reserve
        bound = self.write_wait if write else self.read_wait
        deadline = time.monotonic() + bound
        waited = False
        while True:  # bounded: each pass sleeps, and the deadline ends it
            wait = await self._take(keep)
            if wait <= 0:
                metrics.STRIPE_BUDGET.labels(kind, "waited" if waited else "granted").inc()
                return
            if time.monotonic() + wait > deadline:
                metrics.STRIPE_BUDGET.labels(kind, "refused").inc()
                seconds = max(1, math.ceil(wait))
                raise StripeCallRefused(
                    ErrorCode.RATE_LIMITED,
                    "The billing service is busy right now (this account's Stripe requests "
                    f"per second are used up). Try again in {seconds} second(s).",
                    seconds,
                )
            waited = True
            await asyncio.sleep(wait)


__all__ = ["AccountBudget", "is_write"]
