"""Fail fast while Stripe is down or rate-limiting us, instead of queueing on timeouts.

After `threshold` failed Stripe requests in a row (a 5xx, a 429, or no answer at all) the
breaker opens: for `cooldown` seconds every Stripe call fails at once with the reason of
the last failure. Then calls go through again; one more failure reopens it straight away,
one success closes it. Each process keeps its own breaker (its own view of Stripe).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ..observability import metrics

if TYPE_CHECKING:
    from collections.abc import Callable


class Failure(StrEnum):
    UNAVAILABLE = "unavailable"
    RATE_LIMITED = "rate_limited"


@dataclass
class Breaker:
    threshold: int = 5
    cooldown: float = 5.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    last_failure: Failure | None = None
    open_until: float = field(default=0.0)
    # The account's Stripe budget (account_budget.py) refusing: not a Stripe failure, and
    # every instance shares it, so it is reported but never opens the breaker.
    budget_refusals: int = 0
    budget_refused_at: float | None = None

    def blocking(self) -> Failure | None:
        """The reason calls fail fast now, or None when they may go to Stripe."""
        if self.threshold <= 0 or self.failures < self.threshold:
            return None
        if self.clock() >= self.open_until:
            return None  # trial: the next outcome closes or reopens it
        return self.last_failure

    def succeeded(self) -> None:
        if self.failures:
            self.failures = 0
            self.last_failure = None
            metrics.STRIPE_BREAKER_OPEN.set(0)

    def failed(self, kind: Failure) -> None:
        self.failures += 1
        self.last_failure = kind
        if self.threshold > 0 and self.failures >= self.threshold:
            self.open_until = self.clock() + self.cooldown
            metrics.STRIPE_BREAKER_OPEN.set(1)

    def budget_refused(self) -> None:
        self.budget_refusals += 1
        self.budget_refused_at = self.clock()

    def budget_note(self) -> str | None:
        """Whether the account's Stripe budget refused requests lately (readiness says so)."""
        if self.budget_refused_at is None or self.clock() - self.budget_refused_at > max(
            self.cooldown, 60.0
        ):
            return None
        return (
            "The account's Stripe budget is used up: reads are refused with RATE_LIMITED "
            f"({self.budget_refusals} refused so far); raise "
            "GATEWAY_STRIPE_ACCOUNT_REQUESTS_PER_SECOND if Stripe's limit allows."
        )

    def describe(self) -> str | None:
        """Why Stripe calls fail fast right now (readiness reports it), or None."""
        reason = self.blocking()
        if reason is None:
            return None
        wait = max(0.0, self.open_until - self.clock())
        what = "rate-limiting" if reason is Failure.RATE_LIMITED else "failing"
        return (
            f"Stripe is {what}: {self.failures} requests in a row failed; "
            f"calls fail fast for {wait:.1f} s more."
        )


__all__ = ["Breaker", "Failure"]
