"""Customers, their payment methods and tax ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .addresses import Address, Shipping
from .stripe_fields import id_of, value_of


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    customer_id: str | None
    type: str
    card: Card | None
    created: int = 0

    @classmethod
    def from_stripe(cls, obj: Any) -> PaymentMethod:
        card = value_of(obj, "card")
        return cls(
            id=value_of(obj, "id"),
            customer_id=id_of(value_of(obj, "customer")),
            type=value_of(obj, "type", "card"),
            card=(
                Card(
                    brand=value_of(card, "brand", "unknown"),
                    last4=value_of(card, "last4", ""),
                    exp_month=int(value_of(card, "exp_month", 0)),
                    exp_year=int(value_of(card, "exp_year", 0)),
                )
                if card is not None
                else None
            ),
            created=int(value_of(obj, "created", 0)),
        )


@dataclass(frozen=True)
class TaxId:
    id: str
    customer_id: str | None
    type: str
    value: str
    verification_status: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> TaxId:
        owner = value_of(obj, "owner")
        customer = value_of(obj, "customer") or value_of(owner, "customer")
        return cls(
            id=value_of(obj, "id"),
            customer_id=id_of(customer),
            type=value_of(obj, "type", ""),
            value=value_of(obj, "value", ""),
            verification_status=value_of(value_of(obj, "verification"), "status"),
        )


@dataclass(frozen=True)
class Customer:
    id: str
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    shipping: Shipping | None
    default_payment_method_id: str | None
    preferred_locales: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    test_clock_id: str | None = None
    # The test clock's frozen time, when the customer came with `test_clock` expanded.
    test_clock_time: int | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Customer:
        settings = value_of(obj, "invoice_settings")
        clock = value_of(obj, "test_clock")
        return cls(
            id=value_of(obj, "id"),
            email=value_of(obj, "email"),
            name=value_of(obj, "name"),
            phone=value_of(obj, "phone"),
            address=Address.from_stripe(value_of(obj, "address")),
            shipping=Shipping.from_stripe(value_of(obj, "shipping")),
            default_payment_method_id=id_of(value_of(settings, "default_payment_method")),
            preferred_locales=tuple(value_of(obj, "preferred_locales", []) or []),
            metadata=dict(value_of(obj, "metadata", {}) or {}),
            test_clock_id=id_of(clock),
            test_clock_time=(
                None if clock is None or isinstance(clock, str) else value_of(clock, "frozen_time")
            ),
        )
