"""Every query, for a redeemed portal session, over HTTP against the emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World


@pytest.fixture
async def alice(gateway: RunningGateway, world: World) -> str:
    return await gateway.token_for(world.alice.id, returnUrl="https://acme.example/back")


async def test_session_describes_customer_configuration_and_expiry(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    data = (
        await gateway.post(
            """{ session {
                   id customerId returnUrl locale expiresAt flow { type }
                   customer { email }
                   configuration {
                     id defaultReturnUrl
                     businessProfile { headline privacyPolicyUrl termsOfServiceUrl }
                     features {
                       customerUpdate { enabled allowedUpdates }
                       invoiceHistory { enabled }
                       paymentMethodUpdate { enabled }
                       subscriptionCancel { enabled mode prorationBehavior
                                            cancellationReason { enabled options } }
                       subscriptionPause { enabled indefinite
                                           intervalOptions { interval intervalCount } }
                       subscriptionUpdate { enabled defaultAllowedUpdates prorationBehavior }
                     }
                   }
                 } }""",
            token=alice,
        )
    ).ok()
    session = data["session"]
    assert session["id"].startswith("ps_")
    assert session["customerId"] == world.alice.id
    assert session["customer"] == {"email": "alice@example.com"}
    assert session["returnUrl"] == "https://acme.example/back"
    assert session["flow"] is None
    assert session["expiresAt"] is not None
    config = session["configuration"]
    assert config["id"] == "full"
    assert config["businessProfile"]["headline"] == "Acme billing"
    features = config["features"]
    assert features["invoiceHistory"] == {"enabled": True}
    assert set(features["customerUpdate"]["allowedUpdates"]) == {
        "EMAIL",
        "NAME",
        "ADDRESS",
        "SHIPPING",
        "PHONE",
        "TAX_ID",
    }
    assert features["subscriptionCancel"] == {
        "enabled": True,
        "mode": "AT_PERIOD_END",
        "prorationBehavior": "NONE",
        "cancellationReason": {"enabled": True, "options": ["TOO_EXPENSIVE", "UNUSED", "OTHER"]},
    }
    assert features["subscriptionPause"] == {
        "enabled": True,
        "indefinite": False,
        "intervalOptions": [{"interval": "MONTH", "intervalCount": 1}],
    }
    assert features["subscriptionUpdate"]["defaultAllowedUpdates"] == ["PRICE", "QUANTITY"]


async def test_session_return_url_falls_back_to_the_configuration(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.bob.id)
    data = (await gateway.post("{ session { returnUrl } }", token=token)).ok()
    assert data["session"]["returnUrl"] == "https://acme.example/account"


async def test_customer_details_tax_ids_and_default_payment_method(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    data = (
        await gateway.post(
            """{ customer {
                   id email name phone preferredLocales
                   address { line1 city postalCode country }
                   shipping { name }
                   taxIds { id type value verificationStatus }
                   defaultPaymentMethod { id isDefault card { brand last4 expMonth expYear } }
                 } }""",
            token=alice,
        )
    ).ok()
    customer = data["customer"]
    assert customer["id"] == world.alice.id
    assert (customer["email"], customer["name"], customer["phone"]) == (
        "alice@example.com",
        "Alice",
        None,
    )
    assert customer["address"] == {
        "line1": "1 Main St",
        "city": "Berlin",
        "postalCode": "10115",
        "country": "DE",
    }
    assert customer["shipping"] is None
    assert [(t["id"], t["type"], t["value"]) for t in customer["taxIds"]] == [
        (world.alice.tax_id, "eu_vat", "DE123456789")
    ]
    default = customer["defaultPaymentMethod"]
    assert default["id"] == world.alice.card
    assert default["isDefault"] is True
    assert default["card"]["brand"] == "visa"
    assert default["card"]["last4"] == "4242"


async def test_subscriptions_with_items_prices_products_and_actions(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    data = (
        await gateway.post(
            """{ subscriptions {
                   id status currency collectionMethod cancelAtPeriodEnd cancelAt isCanceling
                   isPaused pauseCollection { behavior } trialEnd scheduledChange { effectiveAt }
                   currentPeriodStart currentPeriodEnd
                   items { id quantity currentPeriodEnd
                           price { id unitAmount currency type interval intervalCount
                                   product { id name active } } }
                   availableActions
                   unavailableActions { action code message }
                   availablePrices { id }
                 } }""",
            token=alice,
        )
    ).ok()
    [sub] = data["subscriptions"]
    assert sub["id"] == world.alice.subscription
    assert sub["status"] == "ACTIVE"
    assert sub["collectionMethod"] == "CHARGE_AUTOMATICALLY"
    assert (sub["cancelAtPeriodEnd"], sub["isCanceling"], sub["isPaused"]) == (False, False, False)
    assert sub["pauseCollection"] is None
    assert sub["scheduledChange"] is None
    assert sub["currentPeriodEnd"] == sub["items"][0]["currentPeriodEnd"]
    [item] = sub["items"]
    assert item["id"] == world.alice.item
    assert item["quantity"] == 1
    assert item["price"] == {
        "id": world.basic_monthly,
        "unitAmount": 1000,
        "currency": "usd",
        "type": "RECURRING",
        "interval": "MONTH",
        "intervalCount": 1,
        "product": {"id": world.basic_product, "name": "Basic", "active": True},
    }
    assert set(sub["availableActions"]) == {"CANCEL", "SWITCH_PRICE", "CHANGE_QUANTITY", "PAUSE"}
    unavailable = {u["action"]: u["code"] for u in sub["unavailableActions"]}
    assert unavailable == {
        "RENEW": "NOT_CANCELING",
        "RESUME": "NOT_PAUSED",
        "APPLY_PROMOTION_CODE": "FEATURE_DISABLED",
        "UNDO_SCHEDULED_CHANGE": "NO_SCHEDULED_CHANGE",
        "PAY_INVOICE": "INVOICE_NOT_PAYABLE",
    }
    assert {p["id"] for p in sub["availablePrices"]} == {world.basic_yearly, world.pro_monthly}


async def test_subscription_by_id_and_canceling_state(
    gateway: RunningGateway, world: World, alice: str, stripe_client: stripe.StripeClient
) -> None:
    await stripe_client.v1.subscriptions.update_async(
        world.alice.subscription, {"cancel_at_period_end": True}
    )
    query = """query($id: ID!) { subscription(id: $id) {
                 id isCanceling cancelAtPeriodEnd availableActions } }"""
    data = (await gateway.post(query, {"id": world.alice.subscription}, token=alice)).ok()
    sub = data["subscription"]
    assert sub["id"] == world.alice.subscription
    assert sub["isCanceling"] is True
    assert sub["cancelAtPeriodEnd"] is True
    assert sub["availableActions"] == ["RENEW"]
    missing = (await gateway.post(query, {"id": "sub_doesnotexist"}, token=alice)).ok()
    assert missing["subscription"] is None


async def test_invoices_paginate_with_cursors(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    query = """query($first: Int!, $after: String) {
                 invoices(first: $first, after: $after) {
                   edges { cursor node { id } }
                   nodes { id number status currency amountDue amountPaid total subtotal tax
                           created periodStart periodEnd paidAt hostedInvoiceUrl invoicePdf
                           subscriptionId billingReason hasMoreLines
                           lines { id description amount currency quantity proration
                                   periodStart periodEnd price { id product { name } } } }
                   pageInfo { hasNextPage endCursor }
                 } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gateway.post(query, {"first": 2, "after": after}, token=alice)).ok()
        invoices = page["invoices"]
        seen += [node["id"] for node in invoices["nodes"]]
        assert [e["node"]["id"] for e in invoices["edges"]] == [n["id"] for n in invoices["nodes"]]
        pages += 1
        if not invoices["pageInfo"]["hasNextPage"]:
            break
        after = invoices["pageInfo"]["endCursor"]
        assert after == invoices["edges"][-1]["cursor"]
    assert seen == list(world.alice.invoices)
    assert len(seen) >= 4
    assert pages == (len(seen) + 1) // 2
    first = (await gateway.post(query, {"first": 1}, token=alice)).ok()["invoices"]["nodes"][0]
    assert first["status"] == "PAID"
    assert first["subscriptionId"] == world.alice.subscription
    assert first["hostedInvoiceUrl"].startswith("http")
    assert first["invoicePdf"].startswith("http")
    assert first["amountPaid"] == first["total"] == 1000
    [line] = first["lines"]
    assert line["amount"] == 1000
    assert line["proration"] is False
    assert line["price"] == {"id": world.basic_monthly, "product": {"name": "Basic"}}


async def test_invoice_page_size_is_bounded(gateway: RunningGateway, alice: str) -> None:
    result = await gateway.post("{ invoices(first: 500) { nodes { id } } }", token=alice)
    assert result.error_codes == ["INVALID_INPUT"]
    result = await gateway.post('{ invoices(after: "garbage") { nodes { id } } }', token=alice)
    assert result.error_codes == ["INVALID_INPUT"]


async def test_invoice_by_id(gateway: RunningGateway, world: World, alice: str) -> None:
    query = "query($id: ID!) { invoice(id: $id) { id number total status } }"
    invoice_id = world.alice.invoices[-1]
    data = (await gateway.post(query, {"id": invoice_id}, token=alice)).ok()
    assert data["invoice"]["id"] == invoice_id
    assert data["invoice"]["status"] == "PAID"
    assert (await gateway.post(query, {"id": "in_nope"}, token=alice)).ok() == {"invoice": None}


async def test_invoice_history_off_is_reported(
    gateway_factory: GatewayFactory, world: World
) -> None:
    gateway = await gateway_factory.start(world.configurations())
    token = await gateway.token_for(world.alice.id, configuration="minimal")
    result = await gateway.post("{ invoices { nodes { id } } }", token=token)
    assert result.error_codes == ["FEATURE_DISABLED"]
    assert result.data == {"invoices": None}
    result = await gateway.post(
        "query($id: ID!) { invoice(id: $id) { id } }", {"id": world.alice.invoices[0]}, token=token
    )
    assert result.error_codes == ["FEATURE_DISABLED"]
    assert result.data == {"invoice": None}


async def test_upcoming_invoice(gateway: RunningGateway, world: World, alice: str) -> None:
    query = """query($id: ID!) { upcomingInvoice(subscriptionId: $id) {
                 id amountDue total currency periodStart periodEnd subscriptionId
                 lines { amount description price { id } } } }"""
    data = (await gateway.post(query, {"id": world.alice.subscription}, token=alice)).ok()
    upcoming = data["upcomingInvoice"]
    assert upcoming["id"] is None
    assert upcoming["amountDue"] == 1000
    assert upcoming["subscriptionId"] == world.alice.subscription
    assert [line["price"]["id"] for line in upcoming["lines"]] == [world.basic_monthly]
    via_subscription = (
        await gateway.post("{ subscriptions { upcomingInvoice { amountDue } } }", token=alice)
    ).ok()
    assert via_subscription["subscriptions"][0]["upcomingInvoice"] == {"amountDue": 1000}


async def test_payment_methods(gateway: RunningGateway, world: World, alice: str) -> None:
    data = (
        await gateway.post(
            "{ paymentMethods { id type isDefault created card { brand last4 } } }", token=alice
        )
    ).ok()
    [card] = data["paymentMethods"]
    assert card["id"] == world.alice.card
    assert card["type"] == "card"
    assert card["isDefault"] is True
    assert card["card"] == {"brand": "visa", "last4": "4242"}


async def test_payment_methods_need_the_feature(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id, configuration="minimal")
    result = await gateway.post("{ paymentMethods { id } }", token=token)
    assert result.error_codes == ["FEATURE_DISABLED"]


async def test_the_default_payment_method_is_shown_exactly_when_payment_methods_are(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    query = "{ customer { id defaultPaymentMethod { card { last4 } } } }"
    shown = (await gateway.post(query, token=alice)).ok()
    assert shown["customer"]["defaultPaymentMethod"] == {"card": {"last4": "4242"}}
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    cancel_flow = await gateway.token_for(
        world.alice.id,
        flowData={
            "type": "SUBSCRIPTION_CANCEL",
            "subscriptionCancel": {"subscription": world.alice.subscription},
        },
    )
    for token, code in ((minimal, "FEATURE_DISABLED"), (cancel_flow, "FLOW_RESTRICTED")):
        listed = await gateway.post("{ paymentMethods { id } }", token=token)
        assert listed.error_codes == [code]
        hidden = await gateway.post(query, token=token)
        assert hidden.error_codes == [code], hidden.body
        assert hidden.data["customer"] == {"id": world.alice.id, "defaultPaymentMethod": None}
    card_flow = await gateway.token_for(world.alice.id, flowData={"type": "PAYMENT_METHOD_UPDATE"})
    in_flow = (await gateway.post(query, token=card_flow)).ok()
    assert in_flow["customer"]["defaultPaymentMethod"] == {"card": {"last4": "4242"}}


async def test_plans_list_the_configured_products_and_prices(
    gateway: RunningGateway, world: World, alice: str
) -> None:
    data = (
        await gateway.post(
            """{ plans { product { id name }
                         prices { id unitAmount interval currency }
                         adjustableQuantity { enabled minimum maximum } } }""",
            token=alice,
        )
    ).ok()
    plans = {plan["product"]["name"]: plan for plan in data["plans"]}
    assert set(plans) == {"Basic", "Pro"}
    assert [p["id"] for p in plans["Basic"]["prices"]] == [world.basic_monthly, world.basic_yearly]
    assert plans["Basic"]["adjustableQuantity"] == {"enabled": True, "minimum": 1, "maximum": 10}
    assert plans["Pro"]["prices"] == [
        {"id": world.pro_monthly, "unitAmount": 3000, "interval": "MONTH", "currency": "usd"}
    ]
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    assert (await gateway.post("{ plans { product { id } } }", token=minimal)).ok() == {"plans": []}
