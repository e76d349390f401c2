from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import aiohttp
import pytest
import stripe

if TYPE_CHECKING:
    from stripe.params.billing_portal import (
        ConfigurationCreateParamsFeatures,
        SessionCreateParams,
    )
    from stripe_emulator.testing import RunningEmulator

NO_DEFAULT = (
    "No configuration provided and your test mode default configuration has not been created."
)
ALL_ON: ConfigurationCreateParamsFeatures = {
    "customer_update": {"enabled": True, "allowed_updates": ["email"]},
    "invoice_history": {"enabled": True},
    "payment_method_update": {"enabled": True},
    "subscription_cancel": {"enabled": True},
    "subscription_pause": {"enabled": True},
}


async def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return await client.v1.customers.create_async({"name": "Ada", "email": "ada@example.com"})


async def _config(
    client: stripe.StripeClient, features: Any = None
) -> stripe.billing_portal.Configuration:
    return await client.v1.billing_portal.configurations.create_async(
        {"features": features or ALL_ON, "default_return_url": "https://acme.test/account"}
    )


async def test_session_uses_the_default_configuration(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as none:
        await stripe_client.v1.billing_portal.sessions.create_async({"customer": customer.id})
    assert NO_DEFAULT in str(none.value.user_message)
    config = await _config(stripe_client)
    session = await stripe_client.v1.billing_portal.sessions.create_async(
        {"customer": customer.id, "locale": "de"}
    )
    assert session.id.startswith("bps_")
    assert session.object == "billing_portal.session"
    assert session.configuration == config.id
    assert session.customer == customer.id
    assert session.locale == "de"
    assert session.flow is None
    assert session.return_url == "https://acme.test/account"
    assert session.url.startswith(emulator.url + "/p/session/test_")
    assert emulator.emu.find("event")[0]["type"] == "billing_portal.session.created"
    async with aiohttp.ClientSession() as http, http.get(session.url) as page:
        assert page.status == 200
        assert "Signed in as Ada" in await page.text()
    expanded = await stripe_client.v1.billing_portal.sessions.create_async(
        {"customer": customer.id, "return_url": "https://acme.test/x", "expand": ["configuration"]}
    )
    assert isinstance(expanded.configuration, stripe.billing_portal.Configuration)
    assert expanded.return_url == "https://acme.test/x"


async def test_session_errors(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    config = await _config(stripe_client)
    sessions = stripe_client.v1.billing_portal.sessions
    with pytest.raises(stripe.InvalidRequestError) as nobody:
        await sessions.create_async({"customer": "cus_nope"})
    assert nobody.value.code == "resource_missing"
    assert nobody.value.param == "customer"
    with pytest.raises(stripe.InvalidRequestError) as no_customer:
        await sessions.create_async({"configuration": config.id})
    assert no_customer.value.param == "customer"
    with pytest.raises(stripe.InvalidRequestError) as no_config:
        await sessions.create_async({"customer": customer.id, "configuration": "bpc_nope"})
    assert no_config.value.param == "configuration"
    await stripe_client.v1.billing_portal.configurations.update_async(config.id, {"active": False})
    with pytest.raises(stripe.InvalidRequestError) as inactive:
        await sessions.create_async({"customer": customer.id, "configuration": config.id})
    assert "not active" in str(inactive.value.user_message)


async def test_simple_flows(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    await _config(stripe_client)
    session = await stripe_client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer.id,
            "flow_data": {
                "type": "payment_method_update",
                "after_completion": {
                    "type": "redirect",
                    "redirect": {"return_url": "https://acme.test/done"},
                },
            },
        }
    )
    assert session.flow is not None
    assert session.flow.type == "payment_method_update"
    assert session.flow.after_completion.type == "redirect"
    assert session.flow.after_completion.redirect is not None
    assert session.flow.after_completion.redirect.return_url == "https://acme.test/done"
    assert session.flow.subscription_cancel is None
    plain = await stripe_client.v1.billing_portal.sessions.create_async(
        {"customer": customer.id, "flow_data": {"type": "customer_update"}}
    )
    assert plain.flow is not None
    assert plain.flow.after_completion.type == "portal_homepage"


async def test_flow_needs_its_feature(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    config = await _config(stripe_client, {"invoice_history": {"enabled": True}})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "configuration": config.id,
                "flow_data": {"type": "payment_method_update"},
            }
        )
    assert exc.value.param == "flow_data[type]"
    assert "features[payment_method_update]" in str(exc.value.user_message)


async def test_after_completion_rules(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    await _config(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "flow_data": {
                    "type": "payment_method_update",
                    "after_completion": {"type": "redirect"},
                },
            }
        )
    assert exc.value.param == "flow_data[after_completion][redirect]"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {"customer": customer.id, "flow_data": {"type": "subscription_cancel"}}
        )
    assert missing.value.param == "flow_data[subscription_cancel]"
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await stripe_client.v1.billing_portal.sessions.create_async(
            {
                "customer": customer.id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": "sub_nope"},
                },
            }
        )
    assert foreign.value.code == "resource_missing"
    assert foreign.value.param == "flow_data[subscription_cancel][subscription]"


async def _subscribed(
    client: stripe.StripeClient,
) -> tuple[stripe.Customer, stripe.Subscription, Any]:
    """A customer on a monthly plan, and a configuration allowing a switch within it."""
    customer = await client.v1.customers.create_async(
        {
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    product = await client.v1.products.create_async({"name": "Team"})
    prices = {}
    for name, amount, interval in (
        ("basic", 1000, "month"),
        ("plus", 2000, "month"),
        ("yearly", 20000, "year"),
    ):
        prices[name] = await client.v1.prices.create_async(
            {
                "product": product.id,
                "currency": "usd",
                "unit_amount": amount,
                "recurring": {"interval": interval},
            }
        )
    sub = await client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": prices["basic"].id}]}
    )
    await client.v1.billing_portal.configurations.create_async(
        {
            "features": {
                **ALL_ON,
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price"],
                    "products": [
                        {"product": product.id, "prices": [prices["basic"].id, prices["yearly"].id]}
                    ],
                },
            }
        }
    )
    return customer, sub, prices


async def test_subscription_flows(stripe_client: stripe.StripeClient) -> None:
    customer, sub, prices = await _subscribed(stripe_client)
    sessions = stripe_client.v1.billing_portal.sessions
    cancel = await sessions.create_async(
        {
            "customer": customer.id,
            "flow_data": {
                "type": "subscription_cancel",
                "subscription_cancel": {"subscription": sub.id},
            },
        }
    )
    assert cancel.flow is not None
    assert cancel.flow.subscription_cancel is not None
    assert cancel.flow.subscription_cancel.subscription == sub.id
    assert cancel.flow.subscription_cancel.retention is None
    update = await sessions.create_async(
        {
            "customer": customer.id,
            "flow_data": {
                "type": "subscription_update",
                "subscription_update": {"subscription": sub.id},
            },
        }
    )
    assert update.flow is not None
    assert update.flow.subscription_update is not None
    item = sub["items"].data[0].id
    confirm = await sessions.create_async(
        {
            "customer": customer.id,
            "flow_data": {
                "type": "subscription_update_confirm",
                "subscription_update_confirm": {
                    "subscription": sub.id,
                    "items": [{"id": item, "price": prices["basic"].id, "quantity": 2}],
                },
            },
        }
    )
    assert confirm.flow is not None
    assert confirm.flow.subscription_update_confirm is not None
    assert confirm.flow.subscription_update_confirm.items[0].quantity == 2
    other = await _customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await sessions.create_async(
            {
                "customer": other.id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": sub.id},
                },
            }
        )
    assert foreign.value.code == "resource_missing"
    assert str(foreign.value.user_message) == f"No such subscription: '{sub.id}'"


async def test_update_confirm_rules(stripe_client: stripe.StripeClient) -> None:
    customer, sub, prices = await _subscribed(stripe_client)
    item = sub["items"].data[0].id

    async def confirm(items: list[dict[str, Any]]) -> stripe.InvalidRequestError:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.billing_portal.sessions.create_async(
                cast(
                    "SessionCreateParams",
                    {
                        "customer": customer.id,
                        "flow_data": {
                            "type": "subscription_update_confirm",
                            "subscription_update_confirm": {"subscription": sub.id, "items": items},
                        },
                    },
                )
            )
        return exc.value

    not_allowed = await confirm([{"id": item, "price": prices["plus"].id}])
    config = (await stripe_client.v1.billing_portal.configurations.list_async()).data[0]
    assert str(not_allowed.user_message) == (
        f"The item `{item}` cannot be updated to price `{prices['plus'].id}` because the "
        f"configuration `{config.id}` does not include the price in its "
        "`features[subscription_update][products]`."
    )
    other_interval = await confirm([{"id": item, "price": prices["yearly"].id}])
    assert other_interval.param == "flow_data[subscription_update_confirm][items][0][price]"
    assert "different billing interval" in str(other_interval.user_message)
    two = await confirm([{"id": item, "quantity": 1}, {"id": item, "quantity": 2}])
    assert two.param == "flow_data[subscription_update_confirm][items]"
    wrong_item = await confirm([{"id": "si_nope", "quantity": 2}])
    assert wrong_item.code == "resource_missing"


async def test_retention_offer_and_ended_subscriptions(stripe_client: stripe.StripeClient) -> None:
    customer, sub, _ = await _subscribed(stripe_client)
    sessions = stripe_client.v1.billing_portal.sessions
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 50, "duration": "once"})
    offer = await sessions.create_async(
        {
            "customer": customer.id,
            "flow_data": {
                "type": "subscription_cancel",
                "subscription_cancel": {
                    "subscription": sub.id,
                    "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": coupon.id}},
                },
            },
        }
    )
    assert offer.flow is not None
    assert offer.flow.subscription_cancel is not None
    retention = offer.flow.subscription_cancel.retention
    assert retention is not None
    assert retention.coupon_offer is not None
    assert retention.coupon_offer.coupon == coupon.id
    with pytest.raises(stripe.InvalidRequestError) as bad_coupon:
        await sessions.create_async(
            {
                "customer": customer.id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {
                        "subscription": sub.id,
                        "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "nope"}},
                    },
                },
            }
        )
    assert (
        bad_coupon.value.param == "flow_data[subscription_cancel][retention][coupon_offer][coupon]"
    )
    await stripe_client.v1.subscriptions.cancel_async(sub.id)
    with pytest.raises(stripe.InvalidRequestError) as ended:
        await sessions.create_async(
            {
                "customer": customer.id,
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": sub.id},
                },
            }
        )
    assert ended.value.param == "flow_data[subscription_cancel][subscription]"
    assert "canceled" in str(ended.value.user_message)
