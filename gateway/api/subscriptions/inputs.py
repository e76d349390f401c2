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
    proration_date: datetime | None = strawberry.field(
        default=None,
        description="Prorate as of this moment; pass a preview's `prorationDate` to get the "
        "exact amounts it showed.",
    )
    promotion_code: str | None = strawberry.field(
        default=None, description="A promotion code as the customer types it (e.g. SUMMER20)."
    )
    client_mutation_id: str | None = strawberry.field(
        default=None,
        description="updateSubscription: any id the client chooses, echoed in the payload. "
        "Retrying a call with the same id applies it once and answers like the first call.",
    )
