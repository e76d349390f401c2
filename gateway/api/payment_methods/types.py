"""PaymentMethod and its card details (never the number: Stripe only has last4)."""

from datetime import datetime
from typing import Self

import strawberry

from ... import models
from ..common.types import required_timestamp


@strawberry.type
class Card:
    brand: str = strawberry.field(description="visa, mastercard, amex, ... (Stripe's value).")
    last4: str
    exp_month: int
    exp_year: int


@strawberry.type
class PaymentMethod:
    id: strawberry.ID
    type: str = strawberry.field(description="Stripe's payment method type: card, sepa_debit, ...")
    card: Card | None
    is_default: bool = strawberry.field(
        description="Whether this is the customer's default for invoices and subscriptions."
    )
    created: datetime

    @classmethod
    def from_model(cls, pm: models.PaymentMethod, default_id: str | None) -> Self:
        card = pm.card
        return cls(
            id=strawberry.ID(pm.id),
            type=pm.type,
            card=(
                Card(
                    brand=card.brand,
                    last4=card.last4,
                    exp_month=card.exp_month,
                    exp_year=card.exp_year,
                )
                if card is not None
                else None
            ),
            is_default=pm.id == default_id,
            created=required_timestamp(pm.created),
        )
