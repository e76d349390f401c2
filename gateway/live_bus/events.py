"""The live event the gateway publishes when a Stripe webhook changes a customer's data.

A `LiveEvent` is small and self-contained so it can cross processes (Redis pub/sub) as JSON.
It carries Stripe's `created` and the object as the event saw it, because Stripe does not
deliver events in order: a subscriber keeps, per `object_id`, the newest `created` it has
applied and discards anything older (see `gateway.live_bus.ordering.LatestOnly`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class LiveEventKind(StrEnum):
    """Which part of a customer's billing changed; a subscriber refetches that part."""

    CUSTOMER = "CUSTOMER"
    SUBSCRIPTION = "SUBSCRIPTION"
    INVOICE = "INVOICE"
    PAYMENT_METHOD = "PAYMENT_METHOD"


@dataclass(frozen=True)
class LiveEvent:
    """One Stripe event, reduced to what a customer's live view needs."""

    customer_id: str
    kind: LiveEventKind
    # Stripe's event type, e.g. `customer.subscription.updated`.
    type: str
    # The Stripe event id (`evt_...`): the same event is never published twice.
    event_id: str
    # The id of the changed object (`sub_...`, `in_...`, `pm_...`, `cus_...`).
    object_id: str
    # Stripe's `created` of the event (Unix seconds): the ordering key.
    created: int
    # The object as the event saw it (Stripe's wire JSON).
    object: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> str:
        return json.dumps(
            {
                "customer_id": self.customer_id,
                "kind": self.kind.value,
                "type": self.type,
                "event_id": self.event_id,
                "object_id": self.object_id,
                "created": self.created,
                "object": self.object,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> LiveEvent:
        """The event `to_json` wrote; `ValueError` naming the field when it is malformed."""
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("a live event must be a JSON object")
        for name, kind in (
            ("customer_id", str),
            ("kind", str),
            ("type", str),
            ("event_id", str),
            ("object_id", str),
            ("created", int),
            ("object", dict),
        ):
            if type(data.get(name)) is not kind:  # exact: `True` is not a `created`
                raise ValueError(f"live event field {name!r} must be a {kind.__name__}")
        return cls(
            customer_id=data["customer_id"],
            kind=LiveEventKind(data["kind"]),
            type=data["type"],
            event_id=data["event_id"],
            object_id=data["object_id"],
            created=data["created"],
            object=data["object"],
        )
