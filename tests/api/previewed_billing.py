"""Helpers for judging a change preview by what Stripe then does, read through the SDK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway

DAY = 24 * 3600
PREVIEW_FIELDS = """
  subscriptionId priceId quantity scheduled effectiveAt prorationDate currency
  quote quoteExpiresAt invoicedNow amountDueNow endsTrial
  nextInvoice { amountDue currency date }
  prorationAmount amountDue
  prorationLines { amount proration description price { id } }
  invoice { id amountDue lines { amount proration } }
"""
PREVIEW = f"""query($input: UpdateSubscriptionInput!) {{
  previewSubscriptionUpdate(input: $input) {{
    preview {{ {PREVIEW_FIELDS} }}
    userErrors {{ code message field }}
  }}
}}"""


async def preview(gateway: RunningGateway, token: str, **fields: Any) -> dict[str, Any]:
    result = await gateway.post(PREVIEW, {"input": fields}, token=token)
    payload: dict[str, Any] = result.ok()["previewSubscriptionUpdate"]
    return payload


def unix(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp())


@dataclass(frozen=True)
class Clocked:
    customer: str
    subscription: str
    clock: str
    start: int


async def clocked_customer(
    client: stripe.StripeClient,
    price: str,
    *,
    quantity: int = 1,
    trial_days: int = 0,
    start: int = 1_780_000_000,  # a fixed moment: the periods do not depend on today's date
    email: str = "quote@example.com",
    name: str | None = None,
    own_card: bool = False,
) -> Clocked:
    """A customer with a card on a new test clock, subscribed to `price` from the clock's start.
    The subscription charges the customer's default card, or with `own_card` names that card
    as its own default."""
    clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": start})
    details: dict[str, Any] = {
        "email": email,
        "test_clock": clock.id,
        "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},
    }
    if name is not None:
        details["name"] = name
    customer = await client.v1.customers.create_async(details)  # type: ignore[arg-type]
    params: dict[str, Any] = {
        "customer": customer.id,
        "items": [{"price": price, "quantity": quantity}],
    }
    if trial_days:
        params["trial_period_days"] = trial_days
    if own_card:
        assert customer.invoice_settings is not None, customer
        params["default_payment_method"] = customer.invoice_settings.default_payment_method
    sub = await client.v1.subscriptions.create_async(params)  # type: ignore[arg-type]
    return Clocked(customer.id, sub.id, clock.id, start)


async def advance(client: stripe.StripeClient, clocked: Clocked, seconds: int) -> None:
    if seconds > 0:
        await client.v1.test_helpers.test_clocks.advance_async(
            clocked.clock, {"frozen_time": clocked.start + seconds}
        )


async def invoice_ids(client: stripe.StripeClient, customer: str) -> set[str]:
    page = await client.v1.invoices.list_async({"customer": customer, "limit": 100})
    return {invoice.id for invoice in page.data if invoice.id}


async def assert_billed_as_previewed(
    client: stripe.StripeClient,
    customer: str,
    subscription: str,
    shown: dict[str, Any],
    before: set[str],
) -> None:
    """Stripe's state after the change matches the preview: charged now, next invoice, trial."""
    page = await client.v1.invoices.list_async({"customer": customer, "limit": 100})
    new = [invoice for invoice in page.data if invoice.id not in before]
    if shown["invoicedNow"]:
        assert len(new) == 1, (shown, new)
        assert new[0].amount_due == shown["amountDueNow"], (shown, new[0])
        assert new[0].status == "paid"
    else:
        assert new == [], (shown, new)
        assert shown["amountDueNow"] == 0
    sub = await client.v1.subscriptions.retrieve_async(subscription)
    upcoming = await client.v1.invoices.create_preview_async(
        {"customer": customer, "subscription": subscription}
    )
    assert upcoming.amount_due == shown["nextInvoice"]["amountDue"], (shown, upcoming)
    item = sub["items"].data[0]
    assert item.current_period_end == unix(shown["nextInvoice"]["date"]), (shown, item)
    if shown["endsTrial"]:
        assert sub.status == "active"
    if shown["scheduled"]:
        assert unix(shown["effectiveAt"]) == item.current_period_end
