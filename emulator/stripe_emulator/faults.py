"""Injected latency and failures, so tests and benchmarks can see how a client copes."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["ok", "429", "500", "drop", "drop_after", "500_after"]


@dataclass
class FaultRule:
    """Applies to requests whose method and path match; rates are probabilities 0..1."""

    method: str = "*"
    path: str = ".*"
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_429: float = 0.0
    rate_500: float = 0.0
    # Connection closed before the request is applied.
    rate_drop: float = 0.0
    # Request applied, then the connection closed before the answer: the case
    # idempotency keys exist for.
    rate_drop_after: float = 0.0
    # Request applied, then answered with a 500, which Stripe saves under the idempotency
    # key like any result: a retry with the same key gets the 500 again, so only reading
    # the object tells whether the change happened.
    rate_500_after: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and re.fullmatch(self.path, path) is not None


@dataclass
class Faults:
    rules: list[FaultRule] = field(default_factory=list)
    injected: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def configure(self, spec: dict[str, Any]) -> None:
        """Replace the rules: `{"seed": 1, "rules": [{"path": "/v1/.*", "rate_500": 0.1}]}`."""
        if "seed" in spec:
            self.rng = random.Random(spec["seed"])
        self.rules = [FaultRule(**rule) for rule in spec.get("rules", [])]
        self.injected = {}

    def delay_seconds(self, method: str, path: str) -> float:
        total = 0.0
        for rule in self.rules:
            if rule.matches(method, path) and (rule.latency_ms or rule.jitter_ms):
                jitter = self.rng.uniform(-rule.jitter_ms, rule.jitter_ms)
                total += max(0.0, rule.latency_ms + jitter) / 1000
        return total

    def draw(self, method: str, path: str) -> Outcome:
        for rule in self.rules:
            if not rule.matches(method, path):
                continue
            roll = self.rng.random()
            for outcome, rate in (
                ("429", rule.rate_429),
                ("500", rule.rate_500),
                ("drop", rule.rate_drop),
                ("drop_after", rule.rate_drop_after),
                ("500_after", rule.rate_500_after),
            ):
                if roll < rate:
                    self.injected[outcome] = self.injected.get(outcome, 0) + 1
                    return outcome  # type: ignore[return-value]
                roll -= rate
        return "ok"
