"""Every API request the emulator answered, so tests and benchmarks can count Stripe calls."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestLog:
    entries: list[dict[str, Any]] = field(default_factory=list)
    # Bounded so a long benchmark cannot grow memory without limit.
    limit: int = 100_000

    def record(
        self,
        method: str,
        path: str,
        route: str,
        status: int,
        outcome: str,
        received: float | None = None,
    ) -> None:
        """`received`: when the request arrived (before any injected latency); `at`: when
        it was answered."""
        now = time.time()
        if len(self.entries) >= self.limit:
            del self.entries[: self.limit // 10]
        self.entries.append(
            {
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "outcome": outcome,
                "received": now if received is None else received,
                "at": now,
            }
        )

    def summary(self) -> dict[str, Any]:
        by_route = Counter(f"{e['method']} {e['route']}" for e in self.entries)
        return {"total": len(self.entries), "by_route": dict(by_route), "requests": self.entries}

    def reset(self) -> None:
        self.entries.clear()


def rounds(entries: list[dict[str, Any]]) -> int:
    """How many times the client waited for Stripe one answer after another: the longest
    chain of requests each sent after the one before it was answered.

    Judged by cause rather than by gaps between answer times, so a busy machine that
    spreads one round's answers apart does not count them as several rounds.
    """
    ordered = sorted(entries, key=lambda e: float(e["received"]))
    depth: list[int] = []
    for i, entry in enumerate(ordered):
        before = [depth[j] for j in range(i) if float(ordered[j]["at"]) <= float(entry["received"])]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)
