from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

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


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"balance": 500}, "balance"),
        ({"cash_balance": {"settings": {"reconciliation_mode": "manual"}}}, "cash_balance"),
        ({"source": "tok_visa"}, "source"),
        ({"tax": {"ip_address": "203.0.113.7"}}, "tax"),
        ({"validate": False}, "validate"),
    ],
)
async def test_unmodelled_customer_params_are_refused_by_name_not_ignored(
    stripe_client: stripe.StripeClient,
    emulator: RunningEmulator,
    params: dict[str, Any],
    param: str,
) -> None:
    existing = await stripe_client.v1.customers.create_async({"name": "Kept"})
    count = len(emulator.emu.find("customer"))
    with pytest.raises(stripe.InvalidRequestError) as created:
        await stripe_client.v1.customers.create_async(cast("Any", {"name": "New", **params}))
    assert created.value.param == param
    assert "does not model" in str(created.value.user_message)
    assert len(emulator.emu.find("customer")) == count
    with pytest.raises(stripe.InvalidRequestError) as updated:
        await stripe_client.v1.customers.update_async(
            existing.id, cast("Any", {"name": "Changed", **params})
        )
    assert updated.value.param == param
    assert (await stripe_client.v1.customers.retrieve_async(existing.id)).name == "Kept"


async def test_default_source_is_refused_on_update(stripe_client: stripe.StripeClient) -> None:
    customer = await stripe_client.v1.customers.create_async({"name": "A"})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.update_async(customer.id, {"default_source": "card_1"})
    assert exc.value.param == "default_source"


async def test_invoice_numbering_names_and_invoice_settings_are_modelled(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async(
        {
            "name": "Numbered",
            "business_name": "Numbered GmbH",
            "invoice_prefix": "ACME",
            "next_invoice_sequence": 7,
            "tax_exempt": "reverse",
            "payment_method": "pm_card_visa",
            "invoice_settings": {
                "default_payment_method": "pm_card_visa",
                "footer": "Thank you",
                "custom_fields": [{"name": "PO", "value": "42"}],
                "rendering_options": {"template": "inrtem_1"},
            },
        }
    )
    assert (customer.invoice_prefix, customer.next_invoice_sequence) == ("ACME", 7)
    assert customer.business_name == "Numbered GmbH"
    assert customer.tax_exempt == "reverse"
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.footer == "Thank you"
    assert customer.invoice_settings.custom_fields is not None
    assert [(f.name, f.value) for f in customer.invoice_settings.custom_fields] == [("PO", "42")]
    assert "individual_name" not in customer
    product = await stripe_client.v1.products.create_async({"name": "P"})
    price = await stripe_client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 100,
            "recurring": {"interval": "month"},
        }
    )
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price.id}], "expand": ["latest_invoice"]}
    )
    assert isinstance(sub.latest_invoice, stripe.Invoice)
    assert sub.latest_invoice.number == "ACME-0007"
    assert sub.latest_invoice.customer_tax_exempt == "reverse"
    cleared = await stripe_client.v1.customers.update_async(
        customer.id, {"business_name": "", "invoice_settings": {"custom_fields": ""}}
    )
    assert "business_name" not in cleared
    assert cleared.invoice_settings is not None
    assert (cleared.invoice_settings.footer, cleared.invoice_settings.custom_fields) == (
        "Thank you",
        None,
    )
    with pytest.raises(stripe.InvalidRequestError) as bad_prefix:
        await stripe_client.v1.customers.update_async(customer.id, {"invoice_prefix": "x"})
    assert bad_prefix.value.param == "invoice_prefix"


async def test_tax_id_data_adds_tax_ids_or_refuses_the_customer(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await stripe_client.v1.customers.create_async(
        {
            "name": "Taxed",
            "tax_id_data": [
                {"type": "us_ein", "value": "12-3456789"},
                {"type": "ca_bn", "value": "123456789"},
            ],
            "expand": ["tax_ids"],
        }
    )
    assert customer.tax_ids is not None
    assert sorted(t.type for t in customer.tax_ids.data) == ["ca_bn", "us_ein"]
    count = len(emulator.emu.find("customer"))
    with pytest.raises(stripe.InvalidRequestError) as bad:
        await stripe_client.v1.customers.create_async(
            {
                "name": "Bad",
                "tax_id_data": [
                    {"type": "us_ein", "value": "12-3456789"},
                    {"type": "eu_vat", "value": "nonsense"},
                ],
            }
        )
    assert bad.value.param == "tax_id_data[1][value]"
    assert len(emulator.emu.find("customer")) == count


async def test_a_deleted_customer_answers_its_stub_even_when_expanded(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async({"name": "Gone"})
    await stripe_client.v1.customers.delete_async(customer.id)
    stub = await stripe_client.v1.customers.retrieve_async(
        customer.id, {"expand": ["tax_ids", "subscriptions"]}
    )
    assert stub.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}


async def test_the_other_includables_are_there_when_expanded(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await stripe_client.v1.customers.create_async({"name": "Plain"})
    plain = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert not {"tax", "sources", "invoice_credit_balance"} & set(plain.to_dict())
    full = await stripe_client.v1.customers.retrieve_async(
        customer.id, {"expand": ["tax", "sources", "invoice_credit_balance"]}
    )
    assert full.tax is not None
    assert (full.tax.automatic_tax, full.tax.provider) == ("not_collecting", "stripe")
    assert full.sources is not None
    assert (full.sources.data, full.sources.url) == ([], f"/v1/customers/{customer.id}/sources")
    assert full.to_dict()["invoice_credit_balance"] == {}
