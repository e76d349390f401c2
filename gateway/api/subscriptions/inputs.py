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
