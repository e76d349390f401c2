"""The subscription root: `billingEvents`, the session customer's billing changes as they happen.

Fed by Stripe's webhooks (any instance may receive them; with Redis they reach every
instance) and by the gateway's own writes. The root type is named `LiveUpdates` because
`Subscription` is already the name of Stripe's subscription object in this schema.
"""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from ..context import Info
from .stream import billing_events
from .types import BillingEvent, BillingEventKind


@strawberry.type(name="LiveUpdates")
class LiveUpdates:
    @strawberry.subscription(
        description="Changes to the session's customer, subscriptions, invoices and payment "
        "methods; each event says what to refetch. Only over WebSocket (graphql-transport-ws), "
        "with the token in the connection_init payload. Ends with an error when the session does."
    )
    async def billing_events(
        self,
        info: Info,
        kinds: Annotated[
            list[BillingEventKind] | None,
            strawberry.argument(description="Only these kinds (all when left out)."),
        ] = None,
    ) -> AsyncGenerator[BillingEvent, None]:
        return await billing_events(info.context, kinds)


__all__ = ["LiveUpdates"]
