"""A cancel flow's retention offer: the coupon is checked when the session is created, and a
customer who accepts it keeps the subscription with the coupon applied, as on Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate
from tests.api.previewed_billing import DAY, advance, clocked_customer, invoice_ids

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World

ACCEPT = """mutation($i: AcceptRetentionOfferInput!) { acceptRetentionOffer(input: $i) {
  subscription { id cancelAtPeriodEnd } afterCompletion { type returnUrl }
  userErrors { code message field } } }"""
BACK = "https://acme.example/kept"


def cancel_flow(subscription: str, coupon: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionCancel": {
            "subscription": subscription,
            "retention": {"type": "COUPON_OFFER", "coupon": coupon},
        },
        **extra,
    }


async def accept(gateway: RunningGateway, token: str, subscription: str) -> Any:
    answer = await gateway.post(ACCEPT, {"i": {"subscriptionId": subscription}}, token=token)
    return answer.ok()["acceptRetentionOffer"]


async def test_accepting_the_offer_applies_the_coupon_and_keeps_the_subscription(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon = await stripe_client.v1.coupons.create_async(
        {"percent_off": 30, "duration": "repeating", "duration_in_months": 3}
    )
    sub = world.alice.subscription
    token = await gateway.token_for(
        world.alice.id,
        flowData=cancel_flow(
            sub, coupon.id, afterCompletion={"type": "REDIRECT", "returnUrl": BACK}
        ),
    )
    shown = (await gateway.post("{ session { flow { retentionCoupon } } }", token=token)).ok()
    assert shown["session"]["flow"]["retentionCoupon"] == coupon.id
    done = await accept(gateway, token, sub)
    assert done["userErrors"] == []
    assert done["subscription"] == {"id": sub, "cancelAtPeriodEnd": False}
    assert done["afterCompletion"] == {"type": "REDIRECT", "returnUrl": BACK}
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub, {"expand": ["discounts"]})
    assert stored.status == "active"
    assert stored.cancel_at_period_end is False
    applied = [d.source.coupon for d in stored.discounts if not isinstance(d, str)]
    assert [c if isinstance(c, str) or c is None else c.id for c in applied] == [coupon.id]
    # Once: a second acceptance adds nothing.
    again = await accept(gateway, token, sub)
    assert codes(again) == [("PROMOTION_CODE_ALREADY_APPLIED", "subscriptionId")]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert len(stored.discounts) == 1


async def test_the_offer_belongs_to_its_flow_and_its_subscription(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 50, "duration": "once"})
    other = await stripe_client.v1.subscriptions.create_async(
        {"customer": world.alice.id, "items": [{"price": world.pro_monthly}]}
    )
    token = await gateway.token_for(
        world.alice.id, flowData=cancel_flow(world.alice.subscription, coupon.id)
    )
    assert codes(await accept(gateway, token, other.id)) == [("FLOW_RESTRICTED", "subscriptionId")]
    plain = await gateway.token_for(world.alice.id)
    assert codes(await accept(gateway, plain, world.alice.subscription)) == [
        ("FLOW_RESTRICTED", None)
    ]
    no_offer = await gateway.token_for(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {"subscription": world.alice.subscription},
        },
    )
    assert codes(await accept(gateway, no_offer, world.alice.subscription)) == [
        ("FLOW_RESTRICTED", None)
    ]
    # Canceled first: the offer was for keeping it.
    late = await gateway.token_for(
        world.bob.id,
        flowData=cancel_flow(
            world.bob.subscription, coupon.id, afterCompletion={"type": "HOSTED_CONFIRMATION"}
        ),
    )
    canceled = await mutate(
        gateway, late, "cancelSubscription", subscriptionId=world.bob.subscription
    )
    assert canceled["userErrors"] == []
    assert codes(await accept(gateway, late, world.bob.subscription)) == [
        ("ALREADY_CANCELING", "subscriptionId")
    ]
    for sub in (world.alice.subscription, other.id, world.bob.subscription):
        stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
        assert not stored.discounts, sub


async def test_a_bogus_or_spent_retention_coupon_is_refused_when_the_session_is_created(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    sub = world.alice.subscription
    field = "flowData.subscriptionCancel.retention.coupon"
    bogus = await gateway.create_session(world.alice.id, flowData=cancel_flow(sub, "NOPE"))
    errors = bogus.ok()["createPortalSession"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", field)]
    assert "NOPE" in errors[0]["message"]
    spent = await stripe_client.v1.coupons.create_async(
        {"percent_off": 10, "duration": "once", "max_redemptions": 1}
    )
    await stripe_client.v1.subscriptions.update_async(
        world.bob.subscription, {"discounts": [{"coupon": spent.id}]}
    )
    refused = await gateway.create_session(world.alice.id, flowData=cancel_flow(sub, spent.id))
    errors = refused.ok()["createPortalSession"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", field)]


async def test_confirm_flow_discounts_are_checked_when_the_session_is_created(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 10, "duration": "once"})
    inactive = await stripe_client.v1.promotion_codes.create_async(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "GONE10", "active": False}
    )
    theirs = await stripe_client.v1.promotion_codes.create_async(
        {
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "code": "BOBONLY",
            "customer": world.bob.id,
        }
    )

    def confirm(discount: dict[str, str]) -> dict[str, Any]:
        return {
            "type": "SUBSCRIPTION_UPDATE_CONFIRM",
            "subscriptionUpdateConfirm": {
                "subscription": world.alice.subscription,
                "items": [{"id": world.alice.item, "quantity": 3}],
                "discounts": [discount],
            },
        }

    base = "flowData.subscriptionUpdateConfirm.discounts[0]"
    for discount, expected in (
        ({"coupon": "NOPE"}, ("NOT_FOUND", f"{base}.coupon")),
        ({"promotionCode": "promo_nope"}, ("NOT_FOUND", f"{base}.promotionCode")),
        ({"promotionCode": inactive.id}, ("INVALID_INPUT", f"{base}.promotionCode")),
        ({"promotionCode": theirs.id}, ("INVALID_INPUT", f"{base}.promotionCode")),
    ):
        answer = await gateway.create_session(world.alice.id, flowData=confirm(discount))
        errors = answer.ok()["createPortalSession"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [expected], discount
    token = await gateway.token_for(world.alice.id, flowData=confirm({"coupon": coupon.id}))
    done = await mutate(
        gateway, token, "updateSubscription", subscriptionId=world.alice.subscription, quantity=3
    )
    assert done["userErrors"] == []


OFFER = """{ session { flow { retentionOffer {
  id name percentOff amountOff currency duration durationInMonths } } } }"""


async def test_the_offer_carries_the_coupons_terms(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """What the portal words as "20% off for 3 months", "$5.00 off once", "10% off forever"."""
    sub = world.alice.subscription
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"percent_off": 20, "duration": "repeating", "duration_in_months": 3, "name": "Stay"},
            {
                "name": "Stay",
                "percentOff": 20.0,
                "amountOff": None,
                "currency": None,
                "duration": "REPEATING",
                "durationInMonths": 3,
            },
        ),
        (
            {"amount_off": 500, "currency": "usd", "duration": "once"},
            {
                "name": None,
                "percentOff": None,
                "amountOff": 500,
                "currency": "usd",
                "duration": "ONCE",
                "durationInMonths": None,
            },
        ),
        (
            {"percent_off": 12.5, "duration": "forever"},
            {
                "name": None,
                "percentOff": 12.5,
                "amountOff": None,
                "currency": None,
                "duration": "FOREVER",
                "durationInMonths": None,
            },
        ),
    ]
    for params, terms in cases:
        coupon = await stripe_client.v1.coupons.create_async(params)  # type: ignore[arg-type]
        token = await gateway.token_for(world.alice.id, flowData=cancel_flow(sub, coupon.id))
        offer = (await gateway.post(OFFER, token=token)).ok()["session"]["flow"]["retentionOffer"]
        assert offer == {"id": coupon.id, **terms}


async def test_an_offer_whose_coupon_was_deleted_since_shows_no_terms(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 20, "duration": "once"})
    token = await gateway.token_for(
        world.alice.id, flowData=cancel_flow(world.alice.subscription, coupon.id)
    )
    await stripe_client.v1.coupons.delete_async(coupon.id)
    data = (await gateway.post(OFFER, token=token)).ok()
    assert data["session"]["flow"]["retentionOffer"] is None
    # A session without an offer has none either.
    plain = await gateway.token_for(world.alice.id)
    assert (await gateway.post(OFFER, token=plain)).ok()["session"]["flow"] is None


async def test_the_offer_waits_until_a_queued_change_is_undone(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A customer who queued fewer seats, then is offered 30% off for 3 months on the way to
    canceling: the queued change would start a new phase without the coupon (charged in
    full a month later), so the offer is refused until the change is undone, and then
    charged as offered at the period end."""
    account = await clocked_customer(stripe_client, world.basic_monthly, quantity=3)
    plain = await gateway.token_for(account.customer)
    queued = await mutate(
        gateway, plain, "updateSubscription", subscriptionId=account.subscription, quantity=1
    )
    assert queued["subscription"]["scheduledChange"] is not None, queued
    coupon = await stripe_client.v1.coupons.create_async(
        {"percent_off": 30, "duration": "repeating", "duration_in_months": 3}
    )
    token = await gateway.token_for(
        account.customer, flowData=cancel_flow(account.subscription, coupon.id)
    )
    refused = await accept(gateway, token, account.subscription)
    assert codes(refused) == [("SUBSCRIPTION_NOT_ELIGIBLE", "subscriptionId")]
    assert "undo it" in refused["userErrors"][0]["message"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(account.subscription)
    assert stored.discounts == []
    undone = await mutate(
        gateway, plain, "undoScheduledChange", subscriptionId=account.subscription
    )
    assert undone["userErrors"] == []
    assert (await accept(gateway, token, account.subscription))["userErrors"] == []
    before = await invoice_ids(stripe_client, account.customer)
    await advance(stripe_client, account, 31 * DAY + 3600)
    page = await stripe_client.v1.invoices.list_async({"customer": account.customer})
    renewal = [
        i for i in page.data if i.id not in before and i.billing_reason == "subscription_cycle"
    ]
    assert [(i.subtotal, i.amount_due) for i in renewal] == [(3000, 2100)], renewal
