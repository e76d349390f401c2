"""`payInvoice` attacked from outside: double submits, lost answers, retries, invoices in every
state, stale reads and the actions the API offers, judged by Stripe's state read through the
SDK afterwards (how many payments the invoice has, what they took, its status)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, mutate
from tests.api.test_mutations_invoices import PAY, past_due_customer

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

PAY_PATH = "/v1/invoices/.*/pay"
DAY = 24 * 3600
ACTIONS = """{ subscriptions { id status latestInvoiceId availableActions }
               invoices(first: 20) { nodes { id status availableActions } } }"""


async def payments(client: stripe.StripeClient, invoice: str) -> list[int]:
    """The amounts Stripe took for `invoice`, one per successful payment."""
    found = await client.v1.invoice_payments.list_async({"invoice": invoice})
    return [p.amount_paid or 0 for p in found.data if p.status == "paid"]


async def working_card(client: stripe.StripeClient, customer: str) -> str:
    visa = await client.v1.payment_methods.attach_async("pm_card_visa", {"customer": customer})
    await client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": visa.id}}
    )
    return visa.id


async def test_a_double_click_pays_once_and_the_second_click_says_why(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    token = await gateway.token_for(customer)
    # Five submits at once, no clientMutationId (a button clicked repeatedly).
    answers = await asyncio.gather(
        *(mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice) for _ in range(5))
    )
    paid = [a for a in answers if not a["userErrors"]]
    refused = [a for a in answers if a["userErrors"]]
    assert len(paid) >= 1
    assert all(a["invoice"]["status"] == "PAID" for a in paid)
    # Any later click is told the invoice is paid, not that its input was wrong.
    for answer in refused:
        assert codes(answer) == [("INVOICE_NOT_PAYABLE", "invoiceId")], answer
        assert answer["userErrors"][0]["message"] == "This invoice is already paid."
    found = await stripe_client.v1.invoices.retrieve_async(invoice)
    assert (found.status, found.amount_paid, found.amount_remaining) == ("paid", 1000, 0)
    assert await payments(stripe_client, invoice) == [1000]
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "active"


async def test_concurrent_retries_of_one_call_pay_once_and_answer_alike(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, _, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    token = await gateway.token_for(customer)
    answers = await asyncio.gather(
        *(
            mutate(
                gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="c1"
            )
            for _ in range(4)
        )
    )
    for answer in answers:
        assert answer["userErrors"] == [], answer
        assert answer["invoice"]["status"] == "PAID"
    assert await payments(stripe_client, invoice) == [1000]


async def test_a_lost_answer_with_stripe_unreadable_then_a_retry_pays_once(
    gateway: RunningGateway,
    world: World,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    token = await gateway.token_for(customer)
    single = f'{{ invoice(id: "{invoice}") {{ id status }} }}'
    assert (await gateway.post(single, token=token)).ok()["invoice"]["status"] == "OPEN"
    # Stripe takes the payment, the answer is lost, and the re-read fails too.
    emulator.runtime.faults.configure(
        {
            "rules": [
                {"method": "POST", "path": PAY_PATH, "rate_drop_after": 1.0},
                {"method": "GET", "path": "/v1/invoices/.*", "rate_500": 1.0},
            ]
        }
    )
    try:
        lost = await mutate(
            gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="r1"
        )
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert codes(lost) == [("STRIPE_UNAVAILABLE", None)]
    assert await payments(stripe_client, invoice) == [1000]
    # The same call again: the truth (it is paid), and nothing more is taken.
    retried = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="r1"
    )
    assert retried["userErrors"] == [
        {
            "code": "INVOICE_NOT_PAYABLE",
            "message": "This invoice is already paid.",
            "field": "invoiceId",
        }
    ]
    # A new call (no id) is told it is paid; nothing more is taken.
    fresh = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(fresh) == [("INVOICE_NOT_PAYABLE", "invoiceId")]
    assert await payments(stripe_client, invoice) == [1000]
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "active"


async def test_a_decline_then_a_new_card_and_a_retry_of_the_same_id(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, _, invoice = await past_due_customer(stripe_client, world)
    token = await gateway.token_for(customer)
    declined = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="d1"
    )
    assert codes(declined) == [("CARD_DECLINED", "paymentMethodId")]
    card = await working_card(stripe_client, customer)
    # A new card, a new attempt: a new id pays.
    retried = await mutate(
        gateway,
        token,
        "payInvoice",
        select=PAY,
        invoiceId=invoice,
        paymentMethodId=card,
        clientMutationId="d2",
    )
    assert retried["userErrors"] == []
    assert await payments(stripe_client, invoice) == [1000]


async def draft_void_uncollectible(
    client: stripe.StripeClient, world: World
) -> tuple[str, dict[str, str]]:
    """A customer with a working card and one renewal invoice in each state Stripe has besides
    open and paid (collection paused with each behaviour in turn, a month apart)."""
    start = int(time.time()) - 100 * DAY
    clock = await client.v1.test_helpers.test_clocks.create_async({"frozen_time": start})
    customer = await client.v1.customers.create_async(
        {
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": world.basic_monthly}]}
    )
    made: dict[str, str] = {}
    for month, behavior in enumerate(("keep_as_draft", "mark_uncollectible", "void"), 1):
        await client.v1.subscriptions.update_async(
            sub.id,
            {"pause_collection": {"behavior": behavior}},
        )
        await client.v1.test_helpers.test_clocks.advance_async(
            clock.id, {"frozen_time": start + month * 31 * DAY}
        )
        latest = str((await client.v1.subscriptions.retrieve_async(sub.id)).latest_invoice)
        made[behavior] = latest
    states = {b: (await client.v1.invoices.retrieve_async(i)).status for b, i in made.items()}
    assert states == {
        "keep_as_draft": "draft",
        "mark_uncollectible": "uncollectible",
        "void": "void",
    }
    await client.v1.subscriptions.update_async(sub.id, {"pause_collection": ""})
    return customer.id, {
        "draft": made["keep_as_draft"],
        "uncollectible": made["mark_uncollectible"],
        "void": made["void"],
    }


async def test_only_what_is_offered_is_payable_and_everything_offered_pays(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, made = await draft_void_uncollectible(stripe_client, world)
    token = await gateway.token_for(customer)
    shown = (await gateway.post(ACTIONS, token=token)).ok()
    offered = {i["id"]: i["availableActions"] for i in shown["invoices"]["nodes"]}
    # A draft is not shown in the history (Stripe's portal lists finalized invoices only).
    assert made["draft"] not in offered or offered[made["draft"]] == []
    assert offered[made["void"]] == []
    assert offered[made["uncollectible"]] == ["PAY"]
    for state in ("draft", "void"):
        refused = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=made[state])
        assert codes(refused) == [("INVOICE_NOT_PAYABLE", "invoiceId")], state
    after = {s: (await stripe_client.v1.invoices.retrieve_async(i)).status for s, i in made.items()}
    assert after == {"draft": "draft", "void": "void", "uncollectible": "uncollectible"}
    # Every invoice offered PAY pays, and takes exactly what it said was due.
    for invoice_id, actions in offered.items():
        if actions != ["PAY"]:
            continue
        due = (await stripe_client.v1.invoices.retrieve_async(invoice_id)).amount_remaining
        answer = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice_id)
        assert answer["userErrors"] == [], answer
        assert await payments(stripe_client, invoice_id) == [due]
        assert (await stripe_client.v1.invoices.retrieve_async(invoice_id)).status == "paid"


async def test_an_invoice_voided_behind_the_gateways_back(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, _, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    token = await gateway.token_for(customer)
    # The page is read (and cached) while the invoice is open...
    (await gateway.post(ACTIONS, token=token)).ok()
    single = f'{{ invoice(id: "{invoice}") {{ id status availableActions }} }}'
    assert (await gateway.post(single, token=token)).ok()["invoice"]["status"] == "OPEN"
    # ...then support voids it in the dashboard (its webhook not delivered yet).
    await stripe_client.v1.invoices.void_invoice_async(invoice)
    answer: dict[str, Any] = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice
    )
    assert codes(answer) == [("INVOICE_NOT_PAYABLE", "invoiceId")], answer
    assert "void" in answer["userErrors"][0]["message"]
    assert await payments(stripe_client, invoice) == []
    # And the next read shows the truth, not the cached open invoice.
    reread = (await gateway.post(single, token=token)).ok()["invoice"]
    assert (reread["status"], reread["availableActions"]) == ("VOID", [])


async def test_hostile_invoice_ids_read_like_missing_ones(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, _, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    token = await gateway.token_for(customer)
    bob = world.bob.invoices[0]
    for hostile in (
        f"{bob}/pay",
        f"{invoice}/../{bob}",
        f"{bob}?expand[]=customer",
        "in_" + "x" * 5000,
        f"{invoice}\x00",
        invoice.upper(),
        f"{bob}#",
    ):
        answer = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=hostile)
        assert codes(answer) in ([("NOT_FOUND", "invoiceId")], [("INVALID_INPUT", "invoiceId")]), (
            hostile,
            answer,
        )
    assert await payments(stripe_client, invoice) == []
    assert (await stripe_client.v1.invoices.retrieve_async(bob)).status == "paid"


async def test_paying_the_open_invoice_of_a_canceled_subscription(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    await working_card(stripe_client, customer)
    await stripe_client.v1.subscriptions.cancel_async(sub)
    due = await stripe_client.v1.invoices.retrieve_async(invoice)
    token = await gateway.token_for(customer)
    offered = (await gateway.post(ACTIONS, token=token)).ok()
    actions = {i["id"]: i["availableActions"] for i in offered["invoices"]["nodes"]}
    answer = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice)
    if due.status == "open":
        # Still owed: offered, paid exactly what was due, and the subscription stays ended.
        assert actions[invoice] == ["PAY"]
        assert answer["userErrors"] == [], answer
        assert await payments(stripe_client, invoice) == [due.amount_remaining]
        assert answer["subscription"]["status"] == "CANCELED"
    else:
        assert actions[invoice] == []
        assert codes(answer) == [("INVOICE_NOT_PAYABLE", "invoiceId")]
        assert await payments(stripe_client, invoice) == []
    assert (await stripe_client.v1.subscriptions.retrieve_async(sub)).status == "canceled"
