"""Small shared types: addresses, page info, and Stripe timestamps as DateTime."""

from datetime import UTC, datetime
from typing import Self

import strawberry

from ... import models


def timestamp(value: int | None) -> datetime | None:
    """A Stripe Unix timestamp as an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, UTC)


def required_timestamp(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None = strawberry.field(description="Two-letter country code (ISO 3166-1).")

    @classmethod
    def from_model(cls, address: models.Address | None) -> Self | None:
        if address is None:
            return None
        return cls(
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            state=address.state,
            postal_code=address.postal_code,
            country=address.country,
        )


@strawberry.type
class Shipping:
    name: str
    phone: str | None
    address: Address | None

    @classmethod
    def from_model(cls, shipping: models.Shipping | None) -> Self | None:
        if shipping is None:
            return None
        return cls(
            name=shipping.name, phone=shipping.phone, address=Address.from_model(shipping.address)
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page.")
