"""Resuming a paused subscription charges at once: `previewSubscriptionResume` shows what,
and its quote makes `resumeSubscription` charge exactly that or refuse without resuming.

Judged by Stripe's state read through the SDK (status, the invoices issued), not by the
gateway's answers alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
MONTH = {"interval": "MONTH", "intervalCount": 1}
PREVIEW = """query($id: ID!) { previewSubscriptionResume(subscriptionId: $id) {
  preview {
    subscriptionId currency invoicedNow amountDueNow prorationAmount periodEnd
    quote quoteExpiresAt
    lines { amount proration periodStart periodEnd }
    invoice { amountDue total }
  }
  userErrors { code message field }
} }"""
UPDATE_PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) { preview { quote } userErrors { code field } }
}"""


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def stamp(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


async def clock_of(client: stripe.StripeClient, customer_id: str) -> tuple[str, int]:
    customer = await client.v1.customers.retrieve_async(customer_id, {"expand": ["test_clock"]})
    clock: Any = customer.test_clock
    return str(clock.id), int(clock.frozen_time)


async def preview(gateway: RunningGateway, token: str, subscription_id: str) -> dict[str, Any]:
    result = await gateway.post(PREVIEW, {"id": subscription_id}, token=token)
    payload: dict[str, Any] = result.ok()["previewSubscriptionResume"]
    return payload


async def pause_for_a_month(gateway: RunningGateway, token: str, subscription_id: str) -> None:
    paused = await mutate(
        gateway, token, "pauseSubscription", subscriptionId=subscription_id, pauseFor=MONTH
    )
    assert paused["userErrors"] == []


async def invoices_of(client: stripe.StripeClient, subscription_id: str) -> list[Any]:
    page = await client.v1.invoices.list_async({"subscription": subscription_id, "limit": 100})
    return list(page.data)


async def advance(client: stripe.StripeClient, clock_id: str, to: int) -> None:
    await client.v1.test_helpers.test_clocks.advance_async(clock_id, {"frozen_time": to})


async def test_resume_charges_what_the_preview_showed(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Ten days into a month's pause: the preview shows the new period, less the credit the
    pause left, and the period's end; resuming with its quote charges exactly that."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    clock_id, now = await clock_of(stripe_client, world.alice.id)
    await advance(stripe_client, clock_id, now + 10 * DAY)
    shown = await preview(gateway, token, sub)
    assert shown["userErrors"] == []
    figures = shown["preview"]
    assert (figures["subscriptionId"], figures["currency"], figures["invoicedNow"]) == (
        sub,
        "usd",
        True,
    )
    assert figures["amountDueNow"] == figures["invoice"]["amountDue"]
    assert 0 < figures["amountDueNow"] <= 1000
    credits = [line for line in figures["lines"] if line["proration"]]
    assert figures["prorationAmount"] == sum(line["amount"] for line in credits)
    assert figures["prorationAmount"] < 0, figures["lines"]
    assert figures["amountDueNow"] == 1000 + figures["prorationAmount"]
    resumed_at = now + 10 * DAY
    assert stamp(figures["periodEnd"]) > resumed_at + 27 * DAY
    before = {i.id for i in await invoices_of(stripe_client, sub)}
    # Nothing moved: the preview charged nobody.
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "paused"

    resumed = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=figures["quote"]
    )
    assert resumed["userErrors"] == []
    assert resumed["subscription"]["status"] == "ACTIVE"
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert stored.status == "active"
    assert stored["items"].data[0].current_period_end == stamp(figures["periodEnd"])
    issued = [i for i in await invoices_of(stripe_client, sub) if i.id not in before]
    assert [(i.amount_due, i.amount_paid, i.status) for i in issued] == [
        (figures["amountDueNow"], figures["amountDueNow"], "paid")
    ]


async def test_a_quote_refused_when_resuming_would_charge_something_else(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """The business gives the paused subscription a coupon after the preview: resuming would
    charge less than shown, so the quote is refused and nothing resumes; a new preview's
    quote then resumes at the new figure."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    stale = (await preview(gateway, token, sub))["preview"]
    coupon = await stripe_client.v1.coupons.create_async(
        {"amount_off": 20, "currency": "usd", "duration": "once"}
    )
    await stripe_client.v1.subscriptions.update_async(sub, {"discounts": [{"coupon": coupon.id}]})
    before = {i.id for i in await invoices_of(stripe_client, sub)}
    refused = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=stale["quote"]
    )
    assert codes(refused) == [("QUOTE_EXPIRED", "quote")]
    assert "Preview again" in refused["userErrors"][0]["message"]
    assert refused["subscription"] is None
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "paused"
    assert {i.id for i in await invoices_of(stripe_client, sub)} == before

    fresh = (await preview(gateway, token, sub))["preview"]
    assert fresh["amountDueNow"] == stale["amountDueNow"] - 20
    resumed = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=fresh["quote"]
    )
    assert resumed["userErrors"] == []
    issued = [i for i in await invoices_of(stripe_client, sub) if i.id not in before]
    assert [i.amount_due for i in issued] == [fresh["amountDueNow"]]


async def test_a_quote_refused_after_the_subscription_changed(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """The business moves the paused subscription to another price after the preview."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    stale = (await preview(gateway, token, sub))["preview"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    await stripe_client.v1.subscriptions.update_async(
        sub,
        {
            "items": [{"id": stored["items"].data[0].id, "price": world.pro_monthly}],
            "proration_behavior": "none",
        },
    )
    before = {i.id for i in await invoices_of(stripe_client, sub)}
    refused = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=stale["quote"]
    )
    assert codes(refused) == [("QUOTE_EXPIRED", "quote")]
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "paused"
    assert {i.id for i in await invoices_of(stripe_client, sub)} == before


async def test_a_stale_quote_after_the_scheduled_resume_charges_nothing_more(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Stripe resumed the subscription at its date; the old quote resumes nothing."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    shown = (await preview(gateway, token, sub))["preview"]
    clock_id, now = await clock_of(stripe_client, world.alice.id)
    await advance(stripe_client, clock_id, now + 40 * DAY)
    before = [i.id for i in await invoices_of(stripe_client, sub)]
    again = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=shown["quote"]
    )
    assert codes(again) == [("NOT_PAUSED", "subscriptionId")], again
    assert [i.id for i in await invoices_of(stripe_client, sub)] == before
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "active"


async def test_no_preview_of_resuming_what_is_not_paused(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.alice.id)
    shown = await preview(gateway, token, world.alice.subscription)
    assert codes(shown) == [("NOT_PAUSED", "subscriptionId")]
    assert shown["preview"] is None


async def test_quotes_of_others_and_of_other_changes_are_refused(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """Another customer's subscription reads as missing; a quote from another subscription,
    another customer, another kind of change, made up, or expired resumes nothing."""
    alice = await gateway.token_for(world.alice.id)
    bob = await gateway.token_for(world.bob.id)
    # A quote for another kind of change, issued while Bob's subscription was active.
    update_quote = await gateway.post(
        UPDATE_PREVIEW,
        {"input": {"subscriptionId": world.bob.subscription, "quantity": 2}},
        token=bob,
    )
    other_change = update_quote.ok()["previewSubscriptionUpdate"]["preview"]["quote"]
    await pause_for_a_month(gateway, alice, world.alice.subscription)
    await pause_for_a_month(gateway, bob, world.bob.subscription)
    foreign = await preview(gateway, bob, world.alice.subscription)
    assert codes(foreign) == [("NOT_FOUND", "subscriptionId")]
    alices = (await preview(gateway, alice, world.alice.subscription))["preview"]["quote"]
    bobs = (await preview(gateway, bob, world.bob.subscription))["preview"]["quote"]
    attempts: list[tuple[str, str, str, str]] = [
        (bob, world.bob.subscription, alices, "QUOTE_INVALID"),
        (alice, world.alice.subscription, bobs, "QUOTE_INVALID"),
        (bob, world.alice.subscription, alices, "NOT_FOUND"),
        (bob, world.bob.subscription, bobs[:-2] + "AA", "QUOTE_INVALID"),
        (bob, world.bob.subscription, "x" * 5000, "QUOTE_INVALID"),
        (bob, world.bob.subscription, other_change, "QUOTE_MISMATCH"),
    ]
    for token, sub, quote, code in attempts:
        payload = await mutate(
            gateway, token, "resumeSubscription", subscriptionId=sub, quote=quote
        )
        assert [c for c, _ in codes(payload)] == [code], (sub, code, payload)
    for sub in (world.alice.subscription, world.bob.subscription):
        assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "paused"
    # A resume quote does not confirm an update either.
    crossed = await mutate(
        gateway,
        bob,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        quantity=2,
        quote=bobs,
    )
    assert codes(crossed) == [("QUOTE_MISMATCH", "quote")]
    gateway.clock.advance(gateway.settings.quote_ttl_seconds + 1)
    expired = await mutate(
        gateway, bob, "resumeSubscription", subscriptionId=world.bob.subscription, quote=bobs
    )
    assert codes(expired) == [("QUOTE_EXPIRED", "quote")]
    assert (await stripe_client.v1.subscriptions.retrieve_async(world.bob.subscription)).status == (
        "paused"
    )


async def test_a_retried_resume_with_its_quote_charges_once(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    shown = (await preview(gateway, token, sub))["preview"]
    before = {i.id for i in await invoices_of(stripe_client, sub)}
    answers = [
        await mutate(
            gateway,
            token,
            "resumeSubscription",
            subscriptionId=sub,
            quote=shown["quote"],
            clientMutationId="resume-1",
        )
        for _ in range(2)
    ]
    assert [a["userErrors"] for a in answers] == [[], []]
    assert [a["subscription"]["status"] for a in answers] == ["ACTIVE", "ACTIVE"]
    issued = [i for i in await invoices_of(stripe_client, sub) if i.id not in before]
    assert [i.amount_paid for i in issued] == [shown["amountDueNow"]]


async def test_a_resume_whose_answer_was_lost_charged_what_was_shown(
    gateway: RunningGateway,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
) -> None:
    """Stripe resumed, but its answer never came back: the gateway reads Stripe again and
    answers with the resume; the charge is the previewed one, made once."""
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    await pause_for_a_month(gateway, token, sub)
    shown = (await preview(gateway, token, sub))["preview"]
    before = {i.id for i in await invoices_of(stripe_client, sub)}
    emulator.runtime.faults.configure(
        {
            "rules": [
                {
                    "method": "POST",
                    "path": f"/v1/subscriptions/{sub}/resume",
                    "rate_drop_after": 1.0,
                }
            ]
        }
    )
    try:
        resumed = await mutate(
            gateway, token, "resumeSubscription", subscriptionId=sub, quote=shown["quote"]
        )
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert resumed["userErrors"] == []
    assert resumed["subscription"]["status"] == "ACTIVE"
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "active"
    issued = [i for i in await invoices_of(stripe_client, sub) if i.id not in before]
    assert [i.amount_paid for i in issued] == [shown["amountDueNow"]]


async def test_resuming_paused_collection_previews_no_charge(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A business's paused payment collection resumes without an invoice: the preview says
    nothing is charged now and the period's end is the current one."""
    sub = world.alice.subscription
    _, now = await clock_of(stripe_client, world.alice.id)
    await stripe_client.v1.subscriptions.update_async(
        sub, {"pause_collection": {"behavior": "void", "resumes_at": now + 20 * DAY}}
    )
    token = await gateway.token_for(world.alice.id)
    shown = await preview(gateway, token, sub)
    assert shown["userErrors"] == []
    figures = shown["preview"]
    stored = await stripe_client.v1.subscriptions.retrieve_async(sub)
    assert (figures["invoicedNow"], figures["amountDueNow"], figures["lines"]) == (False, 0, [])
    assert figures["invoice"] is None
    assert stamp(figures["periodEnd"]) == stored["items"].data[0].current_period_end
    resumed = await mutate(
        gateway, token, "resumeSubscription", subscriptionId=sub, quote=figures["quote"]
    )
    assert resumed["userErrors"] == []
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).pause_collection is None
