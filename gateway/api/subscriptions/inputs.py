"""Inputs about subscriptions shared by queries and mutations."""

from datetime import datetime

import strawberry


@strawberry.input(
    description="A price and/or quantity change; `previewSubscriptionUpdate` takes it too."
)
class UpdateSubscriptionInput:
    subscription_id: strawberry.ID
    price_id: strawberry.ID | None = strawberry.field(
        default=None, description="The price to switch to (one of `availablePrices`)."
    )
    quantity: int | None = None
    quote: str | None = strawberry.field(
        default=None,
        description="The `quote` of a `previewSubscriptionUpdate` with this same input: the "
        "change is then charged exactly what that preview showed. Without one the gateway "
        "prorates as of the moment it makes the change.",
    )
    proration_date: datetime | None = strawberry.field(
        default=None,
        description="Refused (PRORATION_DATE_NOT_ACCEPTED): the gateway decides when a change "
        "is prorated. Send a preview's `quote` instead.",
        deprecation_reason="Send a preview's `quote` instead; any value is refused.",
    )
    promotion_code: str | None = strawberry.field(
        default=None, description="A promotion code as the customer types it (e.g. SUMMER20)."
    )
    client_mutation_id: str | None = strawberry.field(
        default=None,
        description="updateSubscription: any id the client chooses, echoed in the payload. "
        "Retrying a call with the same id applies it once and answers like the first call.",
    )
