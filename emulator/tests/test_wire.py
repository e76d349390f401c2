"""Stripe's wire mechanics through the real SDK: auth, strict params, 404s, expand, pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import stripe

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def test_missing_and_bad_api_keys(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(emulator.url + "/v1/customers") as response:
            assert response.status == 401
            body = await response.json()
            assert "You did not provide an API key" in body["error"]["message"]
            assert body["error"]["type"] == "invalid_request_error"
        headers = {"Authorization": "Bearer sk_live_0123456789abcdef"}
        async with http.get(emulator.url + "/v1/customers", headers=headers) as response:
            assert response.status == 401
            message = (await response.json())["error"]["message"]
            assert message.startswith("Invalid API Key provided: sk_live_")
            assert "0123456789ab" not in message
    http_client = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        "sk_nope", base_addresses={"api": emulator.url}, http_client=http_client
    )
    try:
        with pytest.raises(stripe.AuthenticationError) as exc:
            await client.v1.products.list_async()
        assert exc.value.http_status == 401
    finally:
        await http_client.close_async()


@pytest.mark.parametrize("key", ["sk_test_a", "sk_test_1234", "sk_test_" + "x" * 200])
async def test_any_sk_test_key_works_as_documented(emulator: RunningEmulator, key: str) -> None:
    """The README's rule: any `sk_test_...` key, short ones included."""
    http_client = stripe.AIOHTTPClient()
    client = stripe.StripeClient(key, base_addresses={"api": emulator.url}, http_client=http_client)
    try:
        assert (await client.v1.products.list_async())["object"] == "list"
    finally:
        await http_client.close_async()


@pytest.mark.parametrize("key", ["sk_test_", "sk_live_abcdef0123456789", "rk_test_abcdef0123"])
async def test_keys_that_are_not_test_secret_keys_are_refused(
    emulator: RunningEmulator, key: str
) -> None:
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {key}"}
        async with http.get(emulator.url + "/v1/customers", headers=headers) as response:
            assert response.status == 401
            assert "Invalid API Key provided" in (await response.json())["error"]["message"]


async def test_unknown_parameters_top_level_and_nested(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as top:
        await stripe_client.v1.products.create_async({"name": "X", "colour": "red"})  # type: ignore[typeddict-unknown-key]
    assert top.value.code == "parameter_unknown"
    assert top.value.param == "colour"
    assert top.value.user_message == "Received unknown parameter: colour"
    with pytest.raises(stripe.InvalidRequestError) as nested:
        await stripe_client.v1.customers.create_async({"address": {"line1": "x", "planet": "Mars"}})  # type: ignore[arg-type]
    assert nested.value.code == "parameter_unknown"
    assert nested.value.param == "address[planet]"
    assert nested.value.user_message == "Received unknown parameter: address[planet]"
    with pytest.raises(stripe.InvalidRequestError) as on_get:
        await stripe_client.v1.customers.list_async({"colour": "red"})  # type: ignore[arg-type]
    assert on_get.value.param == "colour"


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"name": "X", "type": "gadget"}, "parameter_invalid_enum", "type"),
        ({"name": "X", "shippable": "maybe"}, "parameter_invalid_boolean", "shippable"),
        (
            {
                "name": "X",
                "package_dimensions": {"height": "tall", "length": 1, "weight": 1, "width": 1},
            },
            "parameter_invalid_decimal",
            "package_dimensions[height]",
        ),
        ({"name": ""}, "parameter_invalid_empty", "name"),
        ({}, "parameter_missing", "name"),
    ],
)
async def test_invalid_values(
    stripe_client: stripe.StripeClient, params: dict[str, Any], code: str, param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.products.create_async(params)  # type: ignore[arg-type]
    assert exc.value.code == code
    assert exc.value.param == param


async def test_invalid_integer(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.prices.create_async(
            {"currency": "usd", "unit_amount": "ten", "product_data": {"name": "X"}}  # type: ignore[typeddict-item]
        )
    assert exc.value.code == "parameter_invalid_integer"
    assert exc.value.param == "unit_amount"
    assert exc.value.user_message == "Invalid integer: ten"


async def test_missing_objects_name_the_param(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as path:
        await stripe_client.v1.customers.retrieve_async("cus_missing")
    assert path.value.http_status == 404
    assert path.value.code == "resource_missing"
    assert path.value.param == "id"
    assert path.value.user_message == "No such customer: 'cus_missing'"
    with pytest.raises(stripe.InvalidRequestError) as body:
        await stripe_client.v1.prices.create_async(
            {"currency": "usd", "unit_amount": 1, "product": "prod_missing"}
        )
    assert body.value.code == "resource_missing"
    assert body.value.param == "product"
    with pytest.raises(stripe.InvalidRequestError) as route:
        await stripe_client.raw_request_async("get", "/v1/nothing_here")
    assert route.value.http_status == 404
    assert "Unrecognized request URL (GET: /v1/nothing_here)" in str(route.value.user_message)


async def test_expand_up_to_four_levels(stripe_client: stripe.StripeClient) -> None:
    customer = await stripe_client.v1.customers.create_async(
        {
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    assert customer.invoice_settings is not None
    saved = customer.invoice_settings.default_payment_method
    assert isinstance(saved, str)
    intent = await stripe_client.v1.setup_intents.create_async(
        {"customer": customer.id, "payment_method": saved}
    )
    four = "payment_method.customer.invoice_settings.default_payment_method"
    deep = await stripe_client.v1.setup_intents.retrieve_async(intent.id, {"expand": [four]})
    assert isinstance(deep.payment_method, stripe.PaymentMethod)
    assert isinstance(deep.payment_method.customer, stripe.Customer)
    assert deep.payment_method.customer.invoice_settings is not None
    nested = deep.payment_method.customer.invoice_settings.default_payment_method
    assert isinstance(nested, stripe.PaymentMethod)
    assert nested.card is not None
    assert nested.card.brand == "visa"
    with pytest.raises(stripe.InvalidRequestError) as five:
        await stripe_client.v1.setup_intents.retrieve_async(
            intent.id, {"expand": [four + ".customer"]}
        )
    assert "cannot expand more than 4 levels" in str(five.value.user_message)
    assert five.value.param == "expand"
    listed = await stripe_client.v1.setup_intents.list_async(
        {"expand": ["data.payment_method.customer.invoice_settings"]}
    )
    first = listed.data[0].payment_method
    assert isinstance(first, stripe.PaymentMethod)
    assert isinstance(first.customer, stripe.Customer)
    with pytest.raises(stripe.InvalidRequestError) as list_five:
        await stripe_client.v1.setup_intents.list_async({"expand": ["data." + four]})
    assert list_five.value.param == "expand"
    with pytest.raises(stripe.InvalidRequestError) as not_expandable:
        await stripe_client.v1.customers.retrieve_async(customer.id, {"expand": ["invoice_prefix"]})
    assert "cannot be expanded" in str(not_expandable.value.user_message)


async def test_pagination(stripe_client: stripe.StripeClient) -> None:
    ids = [(await stripe_client.v1.products.create_async({"name": f"P{i}"})).id for i in range(5)]
    newest_first = list(reversed(ids))
    products = stripe_client.v1.products
    first = await products.list_async({"limit": 2})
    assert [p.id for p in first.data] == newest_first[:2]
    assert first.has_more is True
    assert first.url == "/v1/products"
    second = await products.list_async({"limit": 2, "starting_after": first.data[-1].id})
    assert [p.id for p in second.data] == newest_first[2:4]
    last = await products.list_async({"limit": 2, "starting_after": second.data[-1].id})
    assert [p.id for p in last.data] == newest_first[4:]
    assert last.has_more is False
    back = await products.list_async({"limit": 2, "ending_before": newest_first[4]})
    assert [p.id for p in back.data] == newest_first[2:4]
    assert back.has_more is True
    every = [p.id async for p in (await products.list_async({"limit": 2})).auto_paging_iter()]
    assert every == newest_first
    for limit in (0, 101):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await products.list_async({"limit": limit})
        assert exc.value.param == "limit"
    with pytest.raises(stripe.InvalidRequestError) as unknown_cursor:
        await products.list_async({"starting_after": "prod_nope"})
    assert unknown_cursor.value.param == "starting_after"
    with pytest.raises(stripe.InvalidRequestError) as both:
        await products.list_async({"starting_after": ids[0], "ending_before": ids[1]})
    assert both.value.code == "parameters_exclusive"


async def test_form_encoding_accepts_empty_brackets(emulator: RunningEmulator) -> None:
    headers = {"Authorization": "Bearer sk_test_emulator_0123456789"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(
            emulator.url + "/v1/products",
            data="name=Raw&images[]=https://a.test/1.png&images[]=https://a.test/2.png&metadata[k]=v",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response,
    ):
        assert response.status == 200
        assert response.headers["Request-Id"].startswith("req_")
        assert response.headers["Stripe-Version"] == "2026-10-28.endive"
        product = await response.json()
    assert product["images"] == ["https://a.test/1.png", "https://a.test/2.png"]
    assert product["metadata"] == {"k": "v"}
