"""How a customer saves a payment method."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .stripe_fields import id_of, value_of

SetupIntentStatus = Literal[
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "canceled",
    "succeeded",
]


@dataclass(frozen=True)
class SetupIntent:
    """How a customer saves a payment method: the browser confirms it with `client_secret`."""

    id: str
    customer_id: str | None
    status: SetupIntentStatus
    client_secret: str | None
    payment_method_id: str | None
    created: int = 0
    metadata: dict[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def from_stripe(cls, obj: Any) -> SetupIntent:
        return cls(
            id=value_of(obj, "id"),
            customer_id=id_of(value_of(obj, "customer")),
            status=value_of(obj, "status", "requires_payment_method"),
            client_secret=value_of(obj, "client_secret"),
            payment_method_id=id_of(value_of(obj, "payment_method")),
            created=int(value_of(obj, "created", 0)),
            metadata={
                str(k): str(v) for k, v in dict(value_of(obj, "metadata", None) or {}).items()
            },
        )
