from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def _product(client: stripe.StripeClient, name: str = "Pro") -> stripe.Product:
    return await client.v1.products.create_async({"name": name})


async def test_product_lifecycle(stripe_client: stripe.StripeClient) -> None:
    created = await stripe_client.v1.products.create_async(
        {"name": "Pro", "description": "For teams", "metadata": {"tier": "2"}}
    )
    assert created.id.startswith("prod_")
    assert created.active is True
    assert created.updated == created.created
    assert created.default_price is None
    fetched = await stripe_client.v1.products.retrieve_async(created.id)
    assert fetched.name == "Pro"
    assert fetched.description == "For teams"
    updated = await stripe_client.v1.products.update_async(
        created.id, {"active": False, "description": ""}
    )
    assert updated.active is False
    assert updated.description is None
    other = await _product(stripe_client, "Basic")
    active = await stripe_client.v1.products.list_async({"active": True})
    assert [p.id for p in active.data] == [other.id]
    by_id = await stripe_client.v1.products.list_async({"ids": [created.id]})
    assert [p.id for p in by_id.data] == [created.id]


async def test_product_with_own_id_and_default_price(stripe_client: stripe.StripeClient) -> None:
    product = await stripe_client.v1.products.create_async(
        {
            "id": "prod_custom",
            "name": "Custom",
            "default_price_data": {
                "currency": "eur",
                "unit_amount": 900,
                "recurring": {"interval": "month"},
            },
        }
    )
    assert product.id == "prod_custom"
    assert isinstance(product.default_price, str)
    price = await stripe_client.v1.prices.retrieve_async(product.default_price)
    assert price.product == "prod_custom"
    assert price.unit_amount == 900
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.products.create_async({"id": "prod_custom", "name": "Again"})
    assert exc.value.code == "resource_already_exists"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.products.delete_async("prod_custom")
    assert "has one or more user-created prices" in str(exc.value.user_message)


async def test_delete_product_without_prices(stripe_client: stripe.StripeClient) -> None:
    product = await _product(stripe_client)
    deleted = await stripe_client.v1.products.delete_async(product.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.products.retrieve_async(product.id)
    assert exc.value.http_status == 404


async def test_recurring_price(stripe_client: stripe.StripeClient) -> None:
    product = await _product(stripe_client)
    price = await stripe_client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "USD",
            "unit_amount": 2000,
            "recurring": {"interval": "month", "interval_count": 3},
            "nickname": "Quarterly",
            "lookup_key": "pro_quarterly",
        }
    )
    assert price.id.startswith("price_")
    assert price.type == "recurring"
    assert price.currency == "usd"
    assert str(price.unit_amount_decimal) == "2000"
    assert price.recurring is not None
    assert price.recurring.interval == "month"
    assert price.recurring.interval_count == 3
    assert price.recurring.usage_type == "licensed"
    assert price.billing_scheme == "per_unit"
    expanded = await stripe_client.v1.prices.retrieve_async(price.id, {"expand": ["product"]})
    assert isinstance(expanded.product, stripe.Product)
    assert expanded.product.name == "Pro"


async def test_one_time_price_with_product_data(stripe_client: stripe.StripeClient) -> None:
    price = await stripe_client.v1.prices.create_async(
        {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Setup fee"}}
    )
    assert price.type == "one_time"
    assert price.recurring is None
    product = await stripe_client.v1.products.retrieve_async(str(price.product))
    assert product.name == "Setup fee"


async def test_price_validation(stripe_client: stripe.StripeClient) -> None:
    product = await _product(stripe_client)
    cases: list[tuple[dict[str, object], str, str | None]] = [
        ({"currency": "usd", "unit_amount": 1}, "either `product` or `product_data`", None),
        (
            {"currency": "usd", "product": product.id},
            "Missing required param: unit_amount",
            "unit_amount",
        ),
        (
            {"currency": "usd", "unit_amount": 1, "product": "prod_nope"},
            "No such product",
            "product",
        ),
        (
            {
                "currency": "usd",
                "unit_amount": 1,
                "product": product.id,
                "recurring": {"interval": "month", "interval_count": 37},
            },
            "maximum billing interval",
            "recurring[interval_count]",
        ),
        (
            {
                "currency": "usd",
                "unit_amount": 1,
                "product": product.id,
                "recurring": {"interval": "fortnight"},
            },
            "must be one of",
            "recurring[interval]",
        ),
        (
            {
                "currency": "usd",
                "unit_amount": 1,
                "unit_amount_decimal": "1.5",
                "product": product.id,
            },
            "only specify one of",
            None,
        ),
    ]
    for params, message, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            await stripe_client.v1.prices.create_async(params)  # type: ignore[arg-type]
        assert message in str(exc.value.user_message), params
        assert exc.value.param == param, params


async def test_price_amount_is_immutable(stripe_client: stripe.StripeClient) -> None:
    price = await stripe_client.v1.prices.create_async(
        {"currency": "usd", "unit_amount": 500, "product_data": {"name": "X"}}
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.prices.update_async(price.id, {"unit_amount": 600})  # type: ignore[arg-type]
    assert exc.value.code == "parameter_unknown"
    assert exc.value.param == "unit_amount"
    updated = await stripe_client.v1.prices.update_async(
        price.id, {"active": False, "nickname": "old", "metadata": {"a": "b"}}
    )
    assert updated.active is False
    assert updated.nickname == "old"
    assert updated.unit_amount == 500


async def test_lookup_keys_are_unique_and_transferable(stripe_client: stripe.StripeClient) -> None:
    product = await _product(stripe_client)
    base = {"currency": "usd", "product": product.id, "recurring": {"interval": "month"}}
    first = await stripe_client.v1.prices.create_async(
        {**base, "unit_amount": 1000, "lookup_key": "pro"}  # type: ignore[typeddict-item]
    )
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.prices.create_async(
            {**base, "unit_amount": 1200, "lookup_key": "pro"}  # type: ignore[typeddict-item]
        )
    assert f"A price (`{first.id}`) already uses that lookup key." in str(exc.value.user_message)
    second = await stripe_client.v1.prices.create_async(
        {**base, "unit_amount": 1200, "lookup_key": "pro", "transfer_lookup_key": True}  # type: ignore[typeddict-item]
    )
    old = await stripe_client.v1.prices.retrieve_async(first.id)
    assert old.lookup_key is None
    found = await stripe_client.v1.prices.list_async({"lookup_keys": ["pro"]})
    assert [p.id for p in found.data] == [second.id]


async def test_price_list_filters(stripe_client: stripe.StripeClient) -> None:
    pro = await _product(stripe_client, "Pro")
    basic = await _product(stripe_client, "Basic")
    monthly = await stripe_client.v1.prices.create_async(
        {
            "product": pro.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
        }
    )
    yearly = await stripe_client.v1.prices.create_async(
        {
            "product": pro.id,
            "currency": "usd",
            "unit_amount": 10000,
            "recurring": {"interval": "year"},
        }
    )
    metered = await stripe_client.v1.prices.create_async(
        {
            "product": basic.id,
            "currency": "eur",
            "unit_amount": 5,
            "recurring": {"interval": "month", "usage_type": "metered"},
        }
    )
    one_time = await stripe_client.v1.prices.create_async(
        {"product": basic.id, "currency": "usd", "unit_amount": 300}
    )
    await stripe_client.v1.prices.update_async(yearly.id, {"active": False})

    async def ids(params: stripe.params.PriceListParams) -> list[str]:
        return [p.id for p in (await stripe_client.v1.prices.list_async(params)).data]

    assert await ids({"product": pro.id}) == [yearly.id, monthly.id]
    assert await ids({"active": True, "product": pro.id}) == [monthly.id]
    assert await ids({"type": "one_time"}) == [one_time.id]
    assert await ids({"currency": "eur"}) == [metered.id]
    assert await ids({"recurring": {"interval": "year"}}) == [yearly.id]
    assert await ids({"recurring": {"usage_type": "metered"}}) == [metered.id]


async def test_catalog_events(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    product = await _product(stripe_client)
    await stripe_client.v1.products.update_async(product.id, {"name": "Pro 2"})
    types = [e["type"] for e in emulator.emu.find("event")]
    assert types == ["product.updated", "product.created"]
    update = emulator.emu.find("event")[0]
    assert update["data"]["previous_attributes"]["name"] == "Pro"
