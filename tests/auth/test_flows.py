"""Flow sessions (Stripe's deep links): checked at creation, limited to their one flow,
and they tell the frontend which flow it is and where to go afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import RunningGateway
    from tests.support.world import World


def _cancel_flow(subscription: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionCancel": {"subscription": subscription},
        **extra,
    }


async def _create(gateway: RunningGateway, customer: str, flow: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await gateway.create_session(customer, flowData=flow)).ok()[
        "createPortalSession"
    ]
    return payload


@pytest.fixture
async def second_subscription(stripe_client: stripe.StripeClient, world: World) -> str:
    """Alice also has Pro, so a flow about her Basic subscription has something to hide."""
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": world.alice.id, "items": [{"price": world.pro_monthly}]}
    )
    return sub.id


async def test_cancel_flow_is_limited_to_its_subscription(
    gateway: RunningGateway, world: World, second_subscription: str
) -> None:
    flow = _cancel_flow(
        world.alice.subscription,
        afterCompletion={"type": "REDIRECT", "returnUrl": "https://acme.example/bye"},
    )
    created = await _create(gateway, world.alice.id, flow)
    assert created["userErrors"] == []
    assert created["session"]["flow"] == {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": world.alice.subscription,
        "item": None,
        "afterCompletion": {
            "type": "REDIRECT",
            "returnUrl": "https://acme.example/bye",
            "customMessage": None,
        },
    }
    token = (await gateway.redeem(created["session"]["code"])).ok()["redeemPortalSession"][
        "accessToken"
    ]
    data = (
        await gateway.post(
            """query($other: ID!) {
                 session { flow { type subscriptionId afterCompletion { type returnUrl } } }
                 subscriptions { id availableActions }
                 other: subscription(id: $other) { id }
                 otherUpcoming: upcomingInvoice(subscriptionId: $other) { amountDue }
                 customer { id }
               }""",
            {"other": second_subscription},
            token=token,
        )
    ).ok()
    assert data["session"]["flow"] == {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": world.alice.subscription,
        "afterCompletion": {"type": "REDIRECT", "returnUrl": "https://acme.example/bye"},
    }
    assert data["subscriptions"] == [
        {"id": world.alice.subscription, "availableActions": ["CANCEL"]}
    ]
    assert data["other"] is None
    assert data["otherUpcoming"] is None
    assert data["customer"] == {"id": world.alice.id}
    # Browsing invoices or previewing a change is not what this session is for.
    result = await gateway.post("{ invoices { nodes { id } } }", token=token)
    assert result.error_codes == ["FLOW_RESTRICTED"]
    preview = (
        await gateway.post(
            """query($id: ID!) {
                 previewSubscriptionUpdate(input: {subscriptionId: $id, quantity: 2}) {
                   userErrors { code } } }""",
            {"id": world.alice.subscription},
            token=token,
        )
    ).ok()
    assert preview["previewSubscriptionUpdate"]["userErrors"] == [{"code": "FLOW_RESTRICTED"}]


async def test_payment_method_flow(gateway: RunningGateway, world: World) -> None:
    created = await _create(
        gateway,
        world.alice.id,
        {
            "type": "PAYMENT_METHOD_UPDATE",
            "afterCompletion": {"type": "HOSTED_CONFIRMATION", "customMessage": "Thanks!"},
        },
    )
    assert created["userErrors"] == []
    token = (await gateway.redeem(created["session"]["code"])).ok()["redeemPortalSession"][
        "accessToken"
    ]
    data = (
        await gateway.post(
            """{ session { flow { type subscriptionId afterCompletion { type customMessage } } }
                 paymentMethods { id }
                 subscriptions { availableActions } }""",
            token=token,
        )
    ).ok()
    assert data["session"]["flow"] == {
        "type": "PAYMENT_METHOD_UPDATE",
        "subscriptionId": None,
        "afterCompletion": {"type": "HOSTED_CONFIRMATION", "customMessage": "Thanks!"},
    }
    assert data["paymentMethods"] == [{"id": world.alice.card}]
    assert data["subscriptions"] == [{"availableActions": []}]


async def test_update_confirm_flow_carries_its_change(
    gateway: RunningGateway, world: World
) -> None:
    flow = {
        "type": "SUBSCRIPTION_UPDATE_CONFIRM",
        "subscriptionUpdateConfirm": {
            "subscription": world.alice.subscription,
            "items": [{"id": world.alice.item, "price": world.pro_monthly}],
        },
    }
    created = await _create(gateway, world.alice.id, flow)
    assert created["userErrors"] == []
    assert created["session"]["flow"]["item"] == {
        "id": world.alice.item,
        "priceId": world.pro_monthly,
        "quantity": None,
    }
    token = (await gateway.redeem(created["session"]["code"])).ok()["redeemPortalSession"][
        "accessToken"
    ]
    preview = """query($input: UpdateSubscriptionInput!) {
      previewSubscriptionUpdate(input: $input) {
        preview { priceId } userErrors { code field } } }"""
    allowed = (
        await gateway.post(
            preview,
            {"input": {"subscriptionId": world.alice.subscription, "priceId": world.pro_monthly}},
            token=token,
        )
    ).ok()["previewSubscriptionUpdate"]
    assert allowed == {"preview": {"priceId": world.pro_monthly}, "userErrors": []}
    other = (
        await gateway.post(
            preview,
            {"input": {"subscriptionId": world.alice.subscription, "priceId": world.basic_yearly}},
            token=token,
        )
    ).ok()["previewSubscriptionUpdate"]
    assert other["preview"] is None
    assert other["userErrors"][0]["code"] == "FLOW_RESTRICTED"


@pytest.mark.parametrize(
    ("flow", "configuration", "code", "field"),
    [
        (
            lambda w: {
                "type": "SUBSCRIPTION_UPDATE_CONFIRM",
                "subscriptionUpdateConfirm": {
                    "subscription": w.alice.subscription,
                    "items": [{"id": w.alice.item, "price": w.legacy_monthly}],
                },
            },
            None,
            "PRICE_NOT_ALLOWED",
            "flowData.subscriptionUpdateConfirm.items[0].price",
        ),
        (
            lambda w: {
                "type": "SUBSCRIPTION_UPDATE_CONFIRM",
                "subscriptionUpdateConfirm": {
                    "subscription": w.alice.subscription,
                    "items": [{"id": w.alice.item, "quantity": 40}],
                },
            },
            None,
            "QUANTITY_NOT_ALLOWED",
            "flowData.subscriptionUpdateConfirm.items[0].quantity",
        ),
        (
            lambda w: {
                "type": "SUBSCRIPTION_UPDATE_CONFIRM",
                "subscriptionUpdateConfirm": {
                    "subscription": w.alice.subscription,
                    "items": [
                        {"id": w.alice.item, "quantity": 2},
                        {"id": w.alice.item, "quantity": 3},
                    ],
                },
            },
            None,
            "INVALID_INPUT",
            "flowData.subscriptionUpdateConfirm.items",
        ),
        (
            lambda w: _cancel_flow(w.alice.subscription),
            "minimal",
            "FEATURE_DISABLED",
            "flowData",
        ),
        (
            lambda w: {"type": "PAYMENT_METHOD_UPDATE"},
            "minimal",
            "FEATURE_DISABLED",
            "flowData",
        ),
        (
            lambda w: {"type": "SUBSCRIPTION_CANCEL"},
            None,
            "INVALID_INPUT",
            "flowData.subscriptionCancel.subscription",
        ),
        (
            lambda w: _cancel_flow(w.alice.subscription, afterCompletion={"type": "REDIRECT"}),
            None,
            "INVALID_INPUT",
            "flowData.afterCompletion.returnUrl",
        ),
        (
            lambda w: {
                "type": "SUBSCRIPTION_UPDATE",
                "subscriptionCancel": {"subscription": w.alice.subscription},
            },
            None,
            "INVALID_INPUT",
            "flowData.subscriptionCancel",
        ),
    ],
)
async def test_flows_are_checked_at_creation(
    gateway: RunningGateway,
    world: World,
    flow: Any,
    configuration: str | None,
    code: str,
    field: str,
) -> None:
    fields: dict[str, Any] = {"flowData": flow(world)}
    if configuration is not None:
        fields["configuration"] = configuration
    payload = (await gateway.create_session(world.alice.id, **fields)).ok()["createPortalSession"]
    assert payload["session"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == (code, field), error
    assert error["message"]


async def test_a_canceling_subscription_cannot_start_a_cancel_flow(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    await stripe_client.v1.subscriptions.update_async(
        world.alice.subscription, {"cancel_at_period_end": True}
    )
    payload = await _create(gateway, world.alice.id, _cancel_flow(world.alice.subscription))
    assert payload["session"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["ALREADY_CANCELING"]
