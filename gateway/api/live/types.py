"""`BillingEvent`: what a live subscriber is told, a hint to refetch, never the data itself.

The event names what changed (kind, Stripe's event type, the object's id) and when. It does
not carry the changed object: the client reads it through the typed queries, which apply
the session's rules (a flow session sees one subscription), and the cache was dropped
before the event was published, so that read sees the new state.
"""

from datetime import UTC, datetime
from enum import Enum
from typing import Self

import strawberry

from ...live_bus import LiveEvent

# Gateway-made events carry ids with this prefix; Stripe's are `evt_...`.
GATEWAY_EVENT_PREFIX = "gwevt_"


@strawberry.enum(description="Which part of the customer's billing changed.")
class BillingEventKind(Enum):
    CUSTOMER = "CUSTOMER"
    SUBSCRIPTION = "SUBSCRIPTION"
    INVOICE = "INVOICE"
    PAYMENT_METHOD = "PAYMENT_METHOD"


@strawberry.enum(description="Who reported the change.")
class BillingEventSource(Enum):
    STRIPE = "STRIPE"
    GATEWAY = "GATEWAY"


@strawberry.type(description="A change to the session's customer; refetch what `kind` names.")
class BillingEvent:
    id: strawberry.ID = strawberry.field(
        description="Stripe's event id (evt_...), or the gateway's (gwevt_...) for its own writes."
    )
    kind: BillingEventKind
    type: str = strawberry.field(
        description="Stripe's event type (customer.subscription.updated), or "
        "gateway.<mutation> (gateway.cancelSubscription) for the gateway's own writes."
    )
    object_id: strawberry.ID = strawberry.field(
        description="The changed object (sub_..., in_..., pm_..., cus_...)."
    )
    occurred_at: datetime
    source: BillingEventSource

    @classmethod
    def from_live(cls, event: LiveEvent) -> Self:
        return cls(
            id=strawberry.ID(event.event_id),
            kind=BillingEventKind(event.kind.value),
            type=event.type,
            object_id=strawberry.ID(event.object_id),
            occurred_at=datetime.fromtimestamp(event.created, UTC),
            source=BillingEventSource.GATEWAY
            if event.event_id.startswith(GATEWAY_EVENT_PREFIX)
            else BillingEventSource.STRIPE,
        )
