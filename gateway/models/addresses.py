"""Postal addresses and shipping details, as customers and invoices carry them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .stripe_fields import value_of


@dataclass(frozen=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Address | None:
        if obj is None:
            return None
        return cls(**{name: value_of(obj, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Shipping:
    name: str
    address: Address | None
    phone: str | None = None

    @classmethod
    def from_stripe(cls, obj: Any) -> Shipping | None:
        if obj is None:
            return None
        return cls(
            name=value_of(obj, "name", ""),
            address=Address.from_stripe(value_of(obj, "address")),
            phone=value_of(obj, "phone"),
        )
