"""Shared set-up for the billing emulator tests: a small catalog, clocks, paying customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import stripe

DAY = 86_400
# Stripe writes quantities as `2 \u00d7 Pro` (a multiplication sign).
TIMES = "\u00d7"


def ts(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


# 1 Apr 2026 -> 1 May 2026 is exactly 30 days: prorations are easy to check by hand.
APRIL_1 = ts(2026, 4, 1)
MAY_1 = ts(2026, 5, 1)


@dataclass
class Catalog:
    basic: stripe.Product
    pro: stripe.Product
    basic_monthly: stripe.Price  # $10 / month
    pro_monthly: stripe.Price  # $20 / month
    pro_yearly: stripe.Price  # $200 / year
    seat_monthly: stripe.Price  # $30 / month, per seat (on Pro)


async def make_catalog(client: stripe.StripeClient) -> Catalog:
    basic = await client.v1.products.create_async({"name": "Basic"})
    pro = await client.v1.products.create_async({"name": "Pro"})

    async def price(product: str, amount: int, interval: str) -> stripe.Price:
        return await client.v1.prices.create_async(
            {
                "product": product,
                "unit_amount": amount,
                "currency": "usd",
                "recurring": {"interval": interval},
            }
        )

    return Catalog(
        basic=basic,
        pro=pro,
        basic_monthly=await price(basic.id, 1000, "month"),
        pro_monthly=await price(pro.id, 2000, "month"),
        pro_yearly=await price(pro.id, 20000, "year"),
        seat_monthly=await price(pro.id, 3000, "month"),
    )


async def make_clock(client: stripe.StripeClient, frozen_time: int = APRIL_1) -> str:
    clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": frozen_time})
    return clock.id


async def make_customer(
    client: stripe.StripeClient, clock: str | None = None, card: str | None = "pm_card_visa"
) -> stripe.Customer:
    params: dict[str, object] = {"email": "payer@example.com", "name": "Ada Payer"}
    if clock is not None:
        params["test_clock"] = clock
    if card is not None:
        params["payment_method"] = card
        params["invoice_settings"] = {"default_payment_method": card}
    return await client.v1.customers.create_async(params)  # type: ignore[arg-type]


async def advance(client: stripe.StripeClient, clock: str, to: int) -> None:
    await client.v1.test_helpers.test_clocks.advance_async(clock, {"frozen_time": to})
