from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def test_create_retrieve_update_list(stripe_client: stripe.StripeClient) -> None:
    created = await stripe_client.v1.customers.create_async(
        {
            "email": "ada@example.com",
            "name": "Ada",
            "metadata": {"plan": "pro"},
            "address": {"line1": "1 Main St", "country": "US"},
        }
    )
    assert created.id.startswith("cus_")
    assert created.object == "customer"
    assert created.livemode is False
    assert created.address is not None
    assert created.address.line1 == "1 Main St"
    fetched = await stripe_client.v1.customers.retrieve_async(created.id)
    assert fetched.email == "ada@example.com"
    updated = await stripe_client.v1.customers.update_async(
        created.id, {"name": "Ada L", "metadata": {"plan": ""}}
    )
    assert updated.name == "Ada L"
    assert updated.metadata is not None
    assert updated.metadata.to_dict() == {}
    page = await stripe_client.v1.customers.list_async({"limit": 1})
    assert [c.id for c in page.data] == [created.id]


async def test_errors(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.create_async({"emale": "x"})  # type: ignore[arg-type]
    assert exc.value.code == "parameter_unknown"
    assert "Received unknown parameter: emale" in str(exc.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.retrieve_async("cus_nope")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"


async def test_auth_required(emulator: RunningEmulator) -> None:
    http = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        "rk_live_bad", base_addresses={"api": emulator.url}, http_client=http
    )
    try:
        with pytest.raises(stripe.AuthenticationError):
            await client.v1.customers.list_async()
    finally:
        await http.close_async()


async def test_basic_auth_as_curl_sends_it(emulator: RunningEmulator) -> None:
    """`curl -u sk_test_...:` is how Stripe's docs call the API."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        good = {"Authorization": _basic("sk_test_emulator_0123456789")}
        async with session.get(f"{emulator.url}/v1/customers", headers=good) as response:
            assert response.status == 200
            assert (await response.json())["object"] == "list"
        bad = {"Authorization": _basic("pk_test_nope_nope")}
        async with session.get(f"{emulator.url}/v1/customers", headers=bad) as response:
            assert response.status == 401


def _basic(key: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


async def test_empty_string_clears_contact_fields(stripe_client: stripe.StripeClient) -> None:
    """Stripe clears name, phone, email and description on `''` (the spec types them `str`)."""
    created = await stripe_client.v1.customers.create_async(
        {"email": "ada@example.com", "name": "Ada", "phone": "+15555550100"}
    )
    cleared = await stripe_client.v1.customers.update_async(
        created.id, {"name": "", "phone": "", "email": ""}
    )
    assert (cleared.name, cleared.phone, cleared.email) == (None, None, None)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.update_async(created.id, {"default_source": ""})
    assert exc.value.code is not None
    assert exc.value.code.startswith("parameter_invalid")
