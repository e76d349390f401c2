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

    def record(self, method: str, path: str, route: str, status: int, outcome: str) -> None:
        if len(self.entries) >= self.limit:
            del self.entries[: self.limit // 10]
        self.entries.append(
            {
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "outcome": outcome,
                "at": time.time(),
            }
        )

    def summary(self) -> dict[str, Any]:
        by_route = Counter(f"{e['method']} {e['route']}" for e in self.entries)
        return {"total": len(self.entries), "by_route": dict(by_route), "requests": self.entries}

    def reset(self) -> None:
        self.entries.clear()
