"""`payInvoice` over HTTP: the way back from a failed payment, judged by Stripe's state read
through the SDK (invoice and subscription status) after every call."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

DAY = 24 * 3600
PAY = """clientMutationId
invoice { id status amountPaid amountRemaining availableActions }
subscription { id status availableActions }
paymentMethod { id card { last4 } }"""
STATE = """{ subscriptions { id status latestInvoiceId availableActions }
             invoices(first: 5) { nodes { id status availableActions } } }"""


async def past_due_customer(client: stripe.StripeClient, world: World) -> tuple[str, str, str]:
    """A customer whose renewal was declined: (customer, subscription, open invoice).

    Their card is Stripe's 4000 0000 0000 0341, which attaches fine and declines every charge.
    """
    clock = await client.v1.test_helpers.test_clocks.create_async(
        {"frozen_time": int(time.time()) - 40 * DAY}
    )
    customer = await client.v1.customers.create_async(
        {
            "email": "carol@example.com",
            "test_clock": clock.id,
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": world.basic_monthly}]}
    )
    # Then the card is replaced by one that fails, and the first one removed.
    first = str(customer.invoice_settings.default_payment_method)  # type: ignore[union-attr]
    failing = await client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer.id}
    )
    await client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": failing.id}}
    )
    await client.v1.payment_methods.detach_async(first)
    await client.v1.test_helpers.test_clocks.advance_async(
        clock.id, {"frozen_time": int(time.time()) - 40 * DAY + 31 * DAY + 3600}
    )
    late = await client.v1.subscriptions.retrieve_async(sub.id)
    assert late.status == "past_due"
    return customer.id, sub.id, str(late.latest_invoice)


async def stripe_state(client: stripe.StripeClient, sub: str, invoice: str) -> tuple[str, str]:
    found = await client.v1.invoices.retrieve_async(invoice)
    return str(found.status), (await client.v1.subscriptions.retrieve_async(sub)).status


async def test_a_past_due_customer_adds_a_card_and_pays(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    token = await gateway.token_for(customer)
    state = (await gateway.post(STATE, token=token)).ok()
    [shown] = state["subscriptions"]
    assert (shown["status"], shown["latestInvoiceId"]) == ("PAST_DUE", invoice)
    assert "PAY_INVOICE" in shown["availableActions"]
    open_invoice = next(i for i in state["invoices"]["nodes"] if i["id"] == invoice)
    assert (open_invoice["status"], open_invoice["availableActions"]) == ("OPEN", ["PAY"])
    paid_before = [i for i in state["invoices"]["nodes"] if i["status"] == "PAID"]
    assert paid_before
    assert all(i["availableActions"] == [] for i in paid_before)

    # The failing default card: declined with the card's message; nothing changed in Stripe.
    declined = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(declined) == [("CARD_DECLINED", "paymentMethodId")]
    assert declined["userErrors"][0]["message"] == "Your card was declined."
    assert declined["invoice"] is None
    assert await stripe_state(stripe_client, sub, invoice) == ("open", "past_due")

    # A working card made the default does not pay the invoice by itself...
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )
    made_default = await mutate(gateway, token, "setDefaultPaymentMethod", paymentMethodId=visa.id)
    assert made_default["userErrors"] == []
    assert await stripe_state(stripe_client, sub, invoice) == ("open", "past_due")

    # ...paying does, and the subscription is active again.
    paid = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="pay-1"
    )
    assert paid["userErrors"] == []
    assert paid["invoice"] == {
        "id": invoice,
        "status": "PAID",
        "amountPaid": 1000,
        "amountRemaining": 0,
        "availableActions": [],
    }
    assert paid["subscription"]["status"] == "ACTIVE"
    assert "PAY_INVOICE" not in paid["subscription"]["availableActions"]
    assert paid["paymentMethod"] == {"id": visa.id, "card": {"last4": "4242"}}
    assert await stripe_state(stripe_client, sub, invoice) == ("paid", "active")
    attempts = (await stripe_client.v1.invoices.retrieve_async(invoice)).attempt_count

    # A retry answers like the first call and charges nothing more; a new call is refused.
    retried = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, clientMutationId="pay-1"
    )
    assert retried["userErrors"] == []
    assert (retried["invoice"]["status"], retried["subscription"]["status"]) == ("PAID", "ACTIVE")
    again = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(again) == [("INVOICE_NOT_PAYABLE", "invoiceId")]
    assert (await stripe_client.v1.invoices.retrieve_async(invoice)).attempt_count == attempts


async def test_a_chosen_card_and_other_peoples_objects(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    token = await gateway.token_for(customer)
    missing = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId="in_doesnotexist")
    bobs = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=world.bob.invoices[0])
    assert codes(missing) == codes(bobs) == [("NOT_FOUND", "invoiceId")]
    assert missing["userErrors"][0]["message"] == bobs["userErrors"][0]["message"]
    blank = await mutate(gateway, token, "payInvoice", select=PAY, invoiceId=" ")
    assert codes(blank) == [("INVALID_INPUT", "invoiceId")]
    # Bob's card reads exactly like one that does not exist, and charges nobody.
    for card in (world.bob.card, "pm_doesnotexist"):
        refused = await mutate(
            gateway, token, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=card
        )
        assert refused["userErrors"] == [
            {
                "code": "NOT_FOUND",
                "message": "Payment method not found.",
                "field": "paymentMethodId",
            }
        ]
    assert await stripe_state(stripe_client, sub, invoice) == ("open", "past_due")
    # Bob's invoice is untouched too.
    bob_invoice = await stripe_client.v1.invoices.retrieve_async(world.bob.invoices[0])
    assert bob_invoice.status == "paid"
    # A card of theirs that is not the default, chosen explicitly.
    spare = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": customer}
    )
    paid = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=spare.id
    )
    assert paid["userErrors"] == []
    assert paid["paymentMethod"] == {"id": spare.id, "card": {"last4": "4444"}}
    assert await stripe_state(stripe_client, sub, invoice) == ("paid", "active")


async def test_paying_follows_the_configuration_and_the_flow(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    history_only = variant(
        full_configuration(world),
        "history-only",
        payment_method_update={"enabled": False},
        subscription_update={"enabled": False},
    )
    gateway = await gateway_factory.start([*world.configurations(), history_only])
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    spare = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )

    minimal = await gateway.token_for(customer, configuration="minimal")
    off = await mutate(gateway, minimal, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(off) == [("FEATURE_DISABLED", None)]
    cancel_flow = await gateway.token_for(
        customer,
        flowData={"type": "SUBSCRIPTION_CANCEL", "subscriptionCancel": {"subscription": sub}},
    )
    in_cancel = await mutate(gateway, cancel_flow, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(in_cancel) == [("FLOW_RESTRICTED", None)]
    state = (await gateway.post("{ subscriptions { availableActions } }", token=minimal)).ok()
    assert "PAY_INVOICE" not in state["subscriptions"][0]["availableActions"]

    # Invoice history without payment method management: the default card only, and the
    # payload does not show it (as `paymentMethods` would not).
    history = await gateway.token_for(customer, configuration="history-only")
    chosen = await mutate(
        gateway, history, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=spare.id
    )
    assert codes(chosen) == [("FEATURE_DISABLED", "paymentMethodId")]
    declined = await mutate(gateway, history, "payInvoice", select=PAY, invoiceId=invoice)
    assert codes(declined) == [("CARD_DECLINED", "paymentMethodId")]
    assert await stripe_state(stripe_client, sub, invoice) == ("open", "past_due")

    # The payment method flow (the link a failed-payment email opens) fixes the card and pays.
    card_flow = await gateway.token_for(customer, flowData={"type": "PAYMENT_METHOD_UPDATE"})
    paid = await mutate(
        gateway, card_flow, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=spare.id
    )
    assert paid["userErrors"] == []
    assert paid["paymentMethod"] == {"id": spare.id, "card": {"last4": "4242"}}
    assert await stripe_state(stripe_client, sub, invoice) == ("paid", "active")


async def test_no_card_at_all_is_said_before_stripe_is_asked(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    customer, _, invoice = await past_due_customer(stripe_client, world)
    cards = await stripe_client.v1.payment_methods.list_async(
        {"customer": customer, "type": "card"}
    )
    for card in cards.data:
        await stripe_client.v1.payment_methods.detach_async(card.id)
    token = await gateway.token_for(customer)
    payload: dict[str, Any] = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice
    )
    assert codes(payload) == [("PAYMENT_METHOD_REQUIRED", "paymentMethodId")]
    found = await stripe_client.v1.invoices.retrieve_async(invoice)
    assert (found.status, found.attempt_count) == ("open", 1)


async def test_a_payment_whose_answer_was_lost_is_reported_as_it_happened(
    gateway: RunningGateway,
    world: World,
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
) -> None:
    customer, sub, invoice = await past_due_customer(stripe_client, world)
    visa = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_visa", {"customer": customer}
    )
    token = await gateway.token_for(customer)
    blank = await mutate(
        gateway, token, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=" "
    )
    assert codes(blank) == [("INVALID_INPUT", "paymentMethodId")]
    # Stripe takes the payment, then the connection drops before the answer arrives.
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": "/v1/invoices/.*/pay", "rate_drop_after": 1.0}]}
    )
    try:
        paid = await mutate(
            gateway, token, "payInvoice", select=PAY, invoiceId=invoice, paymentMethodId=visa.id
        )
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert paid["userErrors"] == []
    assert paid["invoice"]["status"] == "PAID"
    assert paid["subscription"]["status"] == "ACTIVE"
    assert await stripe_state(stripe_client, sub, invoice) == ("paid", "active")
    # Then a payment Stripe never saw: the error says so, and the invoice is still open.
    _, sub2, invoice2 = await past_due_customer(stripe_client, world)
    other = await gateway.token_for(
        str((await stripe_client.v1.invoices.retrieve_async(invoice2)).customer)
    )
    emulator.runtime.faults.configure(
        {"rules": [{"method": "POST", "path": "/v1/invoices/.*/pay", "rate_drop": 1.0}]}
    )
    try:
        lost = await mutate(gateway, other, "payInvoice", select=PAY, invoiceId=invoice2)
    finally:
        emulator.runtime.faults.configure({"rules": []})
    assert codes(lost) == [("STRIPE_UNAVAILABLE", None)]
    assert await stripe_state(stripe_client, sub2, invoice2) == ("open", "past_due")
