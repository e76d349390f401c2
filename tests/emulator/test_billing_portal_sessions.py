from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import stripe

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator

NO_DEFAULT = (
    "No configuration provided and your test mode default configuration has not been created."
)
ALL_ON: Any = {
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
