"""`previewSubscriptionUpdate`: Stripe's invoice preview for a change the policy allows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

PREVIEW = """query($input: UpdateSubscriptionInput!) {
  previewSubscriptionUpdate(input: $input) {
    preview {
      subscriptionId priceId quantity scheduled effectiveAt prorationDate currency
      prorationAmount invoicedNow amountDue
      prorationLines { amount proration description price { id } }
      invoice { id amountDue lines { amount proration } }
    }
    userErrors { code message field }
  }
}"""


async def _preview(gateway: RunningGateway, token: str, **fields: Any) -> dict[str, Any]:
    result = await gateway.post(PREVIEW, {"input": fields}, token=token)
    payload: dict[str, Any] = result.ok()["previewSubscriptionUpdate"]
    return payload


async def test_upgrade_shows_prorations(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await _preview(
        gateway, token, subscriptionId=world.alice.subscription, priceId=world.pro_monthly
    )
    assert payload["userErrors"] == []
    preview = payload["preview"]
    assert preview["subscriptionId"] == world.alice.subscription
    assert (preview["priceId"], preview["quantity"]) == (world.pro_monthly, 1)
    assert preview["scheduled"] is False
    assert preview["invoicedNow"] is False
    assert preview["prorationDate"] is not None
    lines = preview["prorationLines"]
    assert len(lines) == 2
    credit = next(line for line in lines if line["amount"] < 0)
    charge = next(line for line in lines if line["amount"] > 0)
    assert credit["price"]["id"] == world.basic_monthly
    assert charge["price"]["id"] == world.pro_monthly
    # Unused Basic time is worth less than the same time on Pro.
    assert 0 < -credit["amount"] < charge["amount"]
    assert preview["prorationAmount"] == credit["amount"] + charge["amount"]
    assert preview["amountDue"] == preview["invoice"]["amountDue"]
    # Next invoice: the prorations plus a full period of Pro.
    assert preview["amountDue"] == preview["prorationAmount"] + 3000


async def test_quantity_change_and_exact_proration_date(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.alice.id)
    first = await _preview(gateway, token, subscriptionId=world.alice.subscription, quantity=3)
    assert first["userErrors"] == []
    assert first["preview"]["quantity"] == 3
    assert first["preview"]["priceId"] == world.basic_monthly
    assert first["preview"]["prorationAmount"] > 0
    again = await _preview(
        gateway,
        token,
        subscriptionId=world.alice.subscription,
        quantity=3,
        prorationDate=first["preview"]["prorationDate"],
    )
    assert again["preview"]["prorationDate"] == first["preview"]["prorationDate"]
    assert again["preview"]["prorationAmount"] == first["preview"]["prorationAmount"]


async def test_downgrade_waits_for_the_period_end(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.bob.id)
    payload = await _preview(
        gateway, token, subscriptionId=world.bob.subscription, priceId=world.basic_monthly
    )
    assert payload["userErrors"] == []
    preview = payload["preview"]
    assert preview["scheduled"] is True
    assert preview["prorationLines"] == []
    assert preview["prorationDate"] is None
    subscription = (await gateway.post("{ subscriptions { currentPeriodEnd } }", token=token)).ok()[
        "subscriptions"
    ][0]
    assert datetime.fromisoformat(preview["effectiveAt"]) == datetime.fromisoformat(
        subscription["currentPeriodEnd"]
    )
    # The invoice after the change: a period of Basic.
    assert preview["amountDue"] == 1000


async def test_refusals_name_the_field(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id)
    sub = world.alice.subscription
    cases = [
        ({"priceId": world.legacy_monthly}, "PRICE_NOT_ALLOWED", "priceId"),
        ({"quantity": 11}, "QUANTITY_NOT_ALLOWED", "quantity"),
        ({"quantity": 0}, "INVALID_INPUT", "quantity"),
        ({}, "INVALID_INPUT", None),
        ({"priceId": "price_doesnotexist"}, "PRICE_NOT_ALLOWED", "priceId"),
    ]
    for fields, code, field in cases:
        payload = await _preview(gateway, token, subscriptionId=sub, **fields)
        assert payload["preview"] is None, fields
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == (code, field), (fields, error)
        assert error["message"]


async def test_feature_off_is_refused(gateway: RunningGateway, world: World) -> None:
    token = await gateway.token_for(world.alice.id, configuration="minimal")
    payload = await _preview(
        gateway, token, subscriptionId=world.alice.subscription, priceId=world.pro_monthly
    )
    assert [e["code"] for e in payload["userErrors"]] == ["FEATURE_DISABLED"]
