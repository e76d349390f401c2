"""Previewing a change that replaces one already queued for the period end.

The gateway's subscription schedule, not the subscription, decides what the period end
bills, so the preview must show the invoice under the new queued change, not the old one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import mutate

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World

PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview { scheduled quote amountDueNow nextInvoice { amountDue date } }
    userErrors { code message field }
  }
}"""


async def _preview(gateway: RunningGateway, token: str, **fields: Any) -> dict[str, Any]:
    result = await gateway.post(PREVIEW, {"input": fields}, token=token)
    payload: dict[str, Any] = result.ok()["previewSubscriptionUpdate"]
    assert payload["userErrors"] == [], payload
    preview: dict[str, Any] = payload["preview"]
    return preview


async def test_a_change_replacing_a_queued_one_previews_its_own_invoice(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    sub = world.bob.subscription
    # Pro ($30) to two seats of Basic ($20): a decrease, queued for the period end.
    first = await _preview(
        gateway, token, subscriptionId=sub, priceId=world.basic_monthly, quantity=2
    )
    assert (first["scheduled"], first["nextInvoice"]["amountDue"]) == (True, 2000)
    done = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        priceId=world.basic_monthly,
        quantity=2,
        quote=first["quote"],
    )
    assert done["userErrors"] == []

    # One seat instead: the queued change is replaced, and the preview says so.
    second = await _preview(
        gateway, token, subscriptionId=sub, priceId=world.basic_monthly, quantity=1
    )
    assert second["scheduled"] is True
    assert (second["amountDueNow"], second["nextInvoice"]["amountDue"]) == (0, 1000)
    replaced = await mutate(
        gateway,
        token,
        "updateSubscription",
        subscriptionId=sub,
        priceId=world.basic_monthly,
        quantity=1,
        quote=second["quote"],
    )
    assert replaced["userErrors"] == []
    upcoming = await stripe_client.v1.invoices.create_preview_async({"subscription": sub})
    assert upcoming.amount_due == second["nextInvoice"]["amountDue"]
