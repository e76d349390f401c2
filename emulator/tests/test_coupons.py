from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import stripe
from stripe_emulator.errors import StripeError
from stripe_emulator.resources.coupons import redeem
from stripe_emulator.resources.promotion_codes import usable_promotion_code

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def test_coupon_lifecycle(stripe_client: stripe.StripeClient) -> None:
    coupons = stripe_client.v1.coupons
    percent = await coupons.create_async(
        {"percent_off": 25.5, "duration": "repeating", "duration_in_months": 3, "name": "Spring"}
    )
    assert percent.percent_off == 25.5
    assert percent.amount_off is None
    assert percent.duration == "repeating"
    assert percent.duration_in_months == 3
    assert percent.valid is True
    assert percent.times_redeemed == 0
    fixed = await coupons.create_async(
        {"id": "TENOFF", "amount_off": 1000, "currency": "USD", "duration": "once"}
    )
    assert fixed.id == "TENOFF"
    assert fixed.currency == "usd"
    renamed = await coupons.update_async("TENOFF", {"name": "Ten off", "metadata": {"k": "v"}})
    assert renamed.name == "Ten off"
    listed = await coupons.list_async()
    assert [c.id for c in listed.data] == ["TENOFF", percent.id]
    deleted = await coupons.delete_async("TENOFF")
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as gone:
        await coupons.retrieve_async("TENOFF")
    assert gone.value.http_status == 404


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"percent_off": 120}, "percent_off"),
        ({"amount_off": 500}, "currency"),
        ({"duration": "repeating", "percent_off": 10}, "duration_in_months"),
        ({"duration": "once", "duration_in_months": 2, "percent_off": 10}, "duration_in_months"),
        ({"duration": "once"}, "percent_off"),
        ({"percent_off": 10, "applies_to": {"products": ["prod_nope"]}}, "applies_to[products][0]"),
    ],
)
async def test_coupon_validation(
    stripe_client: stripe.StripeClient, params: dict[str, Any], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.coupons.create_async(params)  # type: ignore[arg-type]
    assert exc.value.param == param


async def test_max_redemptions_make_a_coupon_invalid(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 10, "max_redemptions": 1})
    redeem(emulator.emu, coupon.id)
    used = await stripe_client.v1.coupons.retrieve_async(coupon.id)
    assert used.times_redeemed == 1
    assert used.valid is False
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.promotion_codes.create_async(
            {"promotion": {"type": "coupon", "coupon": coupon.id}}
        )
    assert exc.value.code == "coupon_expired"


async def test_promotion_codes(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 20, "duration": "forever"})
    codes = stripe_client.v1.promotion_codes
    fall = await codes.create_async(
        {
            "code": "FALL20",
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "restrictions": {"minimum_amount": 1000, "minimum_amount_currency": "usd"},
        }
    )
    assert fall.id.startswith("promo_")
    assert fall.active is True
    assert fall.promotion.type == "coupon"
    assert fall.promotion.coupon == coupon.id
    assert fall.restrictions.first_time_transaction is False
    assert fall.restrictions.minimum_amount == 1000
    generated = await codes.create_async({"promotion": {"type": "coupon", "coupon": coupon.id}})
    assert generated.code.isalnum()
    with pytest.raises(stripe.InvalidRequestError) as clash:
        await codes.create_async(
            {"code": "fall20", "promotion": {"type": "coupon", "coupon": coupon.id}}
        )
    assert "already exists" in str(clash.value.user_message)
    found = await codes.list_async({"code": "fall20"})
    assert [p.id for p in found.data] == [fall.id]
    by_coupon = await codes.list_async({"coupon": coupon.id})
    assert len(by_coupon.data) == 2
    off = await codes.update_async(fall.id, {"active": False})
    assert off.active is False
    assert [p.id for p in (await codes.list_async({"active": False})).data] == [fall.id]
    expanded = await codes.retrieve_async(generated.id, {"expand": ["promotion.coupon"]})
    assert isinstance(expanded.promotion.coupon, stripe.Coupon)
    assert expanded.promotion.coupon.percent_off == 20
    assert usable_promotion_code(emulator.emu, generated.id, None, "discounts[0][promotion_code]")
    with pytest.raises(StripeError, match="not active"):
        usable_promotion_code(emulator.emu, fall.id, None, "discounts[0][promotion_code]")


async def test_customer_restricted_code(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 5})
    ada = await stripe_client.v1.customers.create_async({"email": "ada@example.com"})
    code = await stripe_client.v1.promotion_codes.create_async(
        {
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "customer": ada.id,
            "max_redemptions": 3,
        }
    )
    assert code.customer == ada.id
    assert usable_promotion_code(emulator.emu, code.id, ada.id, "p")["id"] == code.id
    with pytest.raises(StripeError, match="cannot be redeemed by this customer"):
        usable_promotion_code(emulator.emu, code.id, "cus_other", "p")
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.promotion_codes.create_async(
            {"promotion": {"type": "coupon", "coupon": "nope"}}
        )
    assert missing.value.param == "promotion[coupon]"


async def test_a_first_purchase_code_is_only_for_customers_without_transactions(
    stripe_client: stripe.StripeClient,
) -> None:
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 50})
    code = await stripe_client.v1.promotion_codes.create_async(
        {
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "code": "FIRSTBUY",
            "restrictions": {"first_time_transaction": True},
        }
    )
    product = await stripe_client.v1.products.create_async({"name": "Plan"})
    price = await stripe_client.v1.prices.create_async(
        {
            "product": product.id,
            "unit_amount": 1000,
            "currency": "usd",
            "recurring": {"interval": "month"},
        }
    )
    newcomer = await stripe_client.v1.customers.create_async(
        {
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    first = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": newcomer.id,
            "items": [{"price": price.id}],
            "discounts": [{"promotion_code": code.id}],
        }
    )
    invoice = await stripe_client.v1.invoices.retrieve_async(str(first.latest_invoice))
    assert (invoice.status, invoice.amount_paid) == ("paid", 500)
    # Now the customer has paid once: the code is not theirs any more, on any subscription.
    second = await stripe_client.v1.subscriptions.create_async(
        {"customer": newcomer.id, "items": [{"price": price.id}]}
    )
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.subscriptions.update_async(
            second.id, {"discounts": [{"promotion_code": code.id}]}
        )
    assert refused.value.param == "discounts[0][promotion_code]"
    assert "prior transactions" in str(refused.value.user_message)
    assert (await stripe_client.v1.promotion_codes.retrieve_async(code.id)).times_redeemed == 1
