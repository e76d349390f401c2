from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from stripe_emulator.testing import RunningEmulator


async def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return await client.v1.customers.create_async({"name": "Acme GmbH"})


async def _settled(client: stripe.StripeClient, customer: str, tax_id: str) -> stripe.TaxId:
    for _ in range(50):
        found = await client.v1.customers.tax_ids.retrieve_async(customer, tax_id)
        if found.verification is not None and found.verification.status != "pending":
            return found
        await asyncio.sleep(0.01)
    raise AssertionError("verification never settled")


async def test_create_eu_vat_and_verify(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    customer = await _customer(stripe_client)
    created = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": "DE123456789"}
    )
    assert created.id.startswith("txi_")
    assert created.country == "DE"
    assert created.customer == customer.id
    assert created.owner is not None
    assert created.owner.type == "customer"
    assert created.owner.customer == customer.id
    assert created.verification is not None
    assert created.verification.status == "pending"
    settled = await _settled(stripe_client, customer.id, created.id)
    assert settled.verification is not None
    assert settled.verification.status == "verified"
    assert settled.verification.verified_name == "Acme GmbH"
    types = [e["type"] for e in emulator.emu.find("event")][:2]
    assert types == ["customer.tax_id.updated", "customer.tax_id.created"]


@pytest.mark.parametrize(
    ("value", "status"), [("DE111111111", "unverified"), ("DE222222222", "unavailable")]
)
async def test_test_mode_verification_outcomes(
    stripe_client: stripe.StripeClient, value: str, status: str
) -> None:
    customer = await _customer(stripe_client)
    created = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": value}
    )
    settled = await _settled(stripe_client, customer.id, created.id)
    assert settled.verification is not None
    assert settled.verification.status == status


@pytest.mark.parametrize(
    ("tax_type", "value", "country"),
    [
        ("gb_vat", "GB123456789", "GB"),
        ("us_ein", "12-3456789", "US"),
        ("au_abn", "12345678912", "AU"),
        ("ca_bn", "123456789", "CA"),
        ("ch_vat", "CHE-123.456.789 MWST", "CH"),
        ("eu_vat", "EL123456789", "GR"),
    ],
)
async def test_valid_formats(
    stripe_client: stripe.StripeClient, tax_type: str, value: str, country: str
) -> None:
    customer = await _customer(stripe_client)
    created = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id,
        {"type": tax_type, "value": value},
    )
    assert created.value == value
    assert created.country == country


@pytest.mark.parametrize(
    ("tax_type", "value"),
    [
        ("eu_vat", "US123"),
        ("gb_vat", "GB12"),
        ("us_ein", "1234"),
        ("au_abn", "abc"),
        ("ch_vat", "CHE-1"),
    ],
)
async def test_invalid_formats(
    stripe_client: stripe.StripeClient, tax_type: str, value: str
) -> None:
    customer = await _customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.tax_ids.create_async(
            customer.id,
            {"type": tax_type, "value": value},
        )
    assert exc.value.code == "tax_id_invalid"
    assert exc.value.param == "value"
    assert str(exc.value.user_message) == f"Invalid value for {tax_type}."


async def test_unknown_type_is_refused(stripe_client: stripe.StripeClient) -> None:
    customer = await _customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await stripe_client.v1.customers.tax_ids.create_async(
            customer.id,
            {"type": "xx_vat", "value": "1"},
        )
    assert exc.value.code == "parameter_invalid_enum"
    assert exc.value.param == "type"


async def test_list_retrieve_delete_and_scope(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    ada = await _customer(stripe_client)
    bob = await _customer(stripe_client)
    first = await stripe_client.v1.customers.tax_ids.create_async(
        ada.id, {"type": "us_ein", "value": "12-3456789"}
    )
    second = await stripe_client.v1.customers.tax_ids.create_async(
        ada.id, {"type": "ca_bn", "value": "123456789"}
    )
    assert second.verification is not None
    assert second.verification.status == "unavailable"
    listed = await stripe_client.v1.customers.tax_ids.list_async(ada.id)
    assert [t.id for t in listed.data] == [second.id, first.id]
    assert listed.url == f"/v1/customers/{ada.id}/tax_ids"
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        await stripe_client.v1.customers.tax_ids.retrieve_async(bob.id, first.id)
    assert foreign.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as foreign_delete:
        await stripe_client.v1.customers.tax_ids.delete_async(bob.id, first.id)
    assert foreign_delete.value.http_status == 404
    deleted = await stripe_client.v1.customers.tax_ids.delete_async(ada.id, first.id)
    assert deleted.deleted is True
    event = emulator.emu.find("event")[0]
    assert event["type"] == "customer.tax_id.deleted"
    assert event["data"]["object"]["id"] == first.id
    remaining = await stripe_client.v1.customers.tax_ids.list_async(ada.id)
    assert [t.id for t in remaining.data] == [second.id]
    with pytest.raises(stripe.InvalidRequestError) as gone:
        await stripe_client.v1.customers.tax_ids.retrieve_async(ada.id, first.id)
    assert gone.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as nobody:
        await stripe_client.v1.customers.tax_ids.list_async("cus_nope")
    assert nobody.value.http_status == 404


async def test_customer_tax_ids_are_includable_on_retrieve_list_update_and_create(
    stripe_client: stripe.StripeClient,
) -> None:
    """Stripe leaves `tax_ids` out of a customer unless `expand[]=tax_ids` names it; then it is
    the first page of the customer's tax IDs, as `/v1/customers/{id}/tax_ids` lists them."""
    customer = await _customer(stripe_client)
    assert "tax_ids" not in (await stripe_client.v1.customers.retrieve_async(customer.id))
    first = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )
    second = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "ca_bn", "value": "123456789"}
    )
    await stripe_client.v1.customers.tax_ids.delete_async(customer.id, first.id)
    third = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "au_arn", "value": "123456789012"}
    )
    retrieved = await stripe_client.v1.customers.retrieve_async(
        customer.id, {"expand": ["tax_ids"]}
    )
    assert retrieved.tax_ids is not None
    assert retrieved.tax_ids["object"] == "list"
    assert [t.id for t in retrieved.tax_ids.data] == [third.id, second.id]
    assert retrieved.tax_ids.data[0].object == "tax_id"
    assert retrieved.tax_ids.data[0].value == "123456789012"
    assert retrieved.tax_ids.has_more is False
    assert retrieved.tax_ids.url == f"/v1/customers/{customer.id}/tax_ids"
    updated = await stripe_client.v1.customers.update_async(
        customer.id, {"name": "Acme AG", "expand": ["tax_ids"]}
    )
    assert updated.tax_ids is not None
    assert [t.id for t in updated.tax_ids.data] == [third.id, second.id]
    listed = await stripe_client.v1.customers.list_async({"expand": ["data.tax_ids"], "limit": 3})
    mine = next(c for c in listed.data if c.id == customer.id)
    assert mine.tax_ids is not None
    assert [t.id for t in mine.tax_ids.data] == [third.id, second.id]
    fresh = await stripe_client.v1.customers.create_async({"expand": ["tax_ids"]})
    assert fresh.tax_ids is not None
    assert fresh.tax_ids.data == []
    assert fresh.tax_ids.url == f"/v1/customers/{fresh.id}/tax_ids"
    for _ in range(11):
        await stripe_client.v1.customers.tax_ids.create_async(
            fresh.id, {"type": "us_ein", "value": "12-3456789"}
        )
    paged = await stripe_client.v1.customers.retrieve_async(fresh.id, {"expand": ["tax_ids"]})
    assert paged.tax_ids is not None
    assert len(paged.tax_ids.data) == 10
    assert paged.tax_ids.has_more is True
