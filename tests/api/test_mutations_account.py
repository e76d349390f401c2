"""The customer's details and tax IDs over HTTP; every change checked in Stripe afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

ADDRESS = {"line1": "5 Rue Oberkampf", "city": "Paris", "postalCode": "75011", "country": "FR"}


async def test_update_customer_details(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.bob.id)
    payload = await mutate(
        gateway,
        token,
        "updateCustomer",
        email=" robert@example.com ",
        name="Robert",
        phone="+33 1 23 45 67 89",
        address=ADDRESS,
        shipping={"name": "Robert B.", "address": ADDRESS, "phone": "+33 6 00 00 00 00"},
    )
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert (customer["email"], customer["name"], customer["phone"]) == (
        "robert@example.com",
        "Robert",
        "+33 1 23 45 67 89",
    )
    assert customer["address"] == {**ADDRESS, "line2": None, "state": None}
    assert customer["shipping"]["name"] == "Robert B."
    stored = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert (stored.email, stored.name, stored.phone) == (
        "robert@example.com",
        "Robert",
        "+33 1 23 45 67 89",
    )
    assert stored.address is not None
    assert (stored.address.city, stored.address.country) == ("Paris", "FR")
    assert stored.shipping is not None
    assert stored.shipping.name == "Robert B."
    assert stored.shipping.phone == "+33 6 00 00 00 00"


async def test_left_out_fields_stay_and_null_clears(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    payload = await mutate(gateway, token, "updateCustomer", phone="+49 30 1234567")
    assert payload["userErrors"] == []
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.email, stored.name, stored.phone) == (
        "alice@example.com",
        "Alice",
        "+49 30 1234567",
    )
    assert stored.address is not None
    shipping = {"name": "Alice", "address": {"line1": "1 Main St", "country": "DE"}}
    assert (await mutate(gateway, token, "updateCustomer", shipping=shipping))["userErrors"] == []
    cleared = await mutate(gateway, token, "updateCustomer", address=None, shipping=None)
    assert cleared["userErrors"] == []
    assert (cleared["customer"]["address"], cleared["customer"]["shipping"]) == (None, None)
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.address, stored.shipping) == (None, None)
    assert (stored.name, stored.phone) == ("Alice", "+49 30 1234567")


async def test_update_customer_input_is_checked_before_any_write(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    cases: list[tuple[dict[str, Any], tuple[str, str | None]]] = [
        ({"email": "not-an-email", "name": "Changed"}, ("INVALID_INPUT", "email")),
        ({"email": None}, ("INVALID_INPUT", "email")),
        ({"email": ""}, ("INVALID_INPUT", "email")),
        ({"name": "x" * 300}, ("TOO_LONG", "name")),
        ({"phone": "1" * 30}, ("TOO_LONG", "phone")),
        ({"address": {"city": "Berlin", "country": "Germany"}}, ("INVALID_INPUT", "address")),
        ({"address": {}}, ("INVALID_INPUT", "address")),
        ({"shipping": {"name": " ", "address": ADDRESS}}, ("INVALID_INPUT", "shipping")),
        ({}, ("INVALID_INPUT", None)),
    ]
    for fields, expected in cases:
        payload = await mutate(gateway, token, "updateCustomer", **fields)
        assert codes(payload) == [expected], fields
        assert payload["customer"] is None
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.email, stored.name) == ("alice@example.com", "Alice")


async def test_fields_the_configuration_does_not_allow(
    gateway_factory: GatewayFactory, world: World, stripe_client: stripe.StripeClient
) -> None:
    email_only = variant(
        full_configuration(world),
        "email-only",
        customer_update={"enabled": True, "allowed_updates": ["email"]},
    )
    gateway = await gateway_factory.start([*world.configurations(), email_only])
    token = await gateway.token_for(world.alice.id, configuration="email-only")
    refused = await mutate(
        gateway, token, "updateCustomer", email="a@example.com", name="Not Alice"
    )
    assert codes(refused) == [("FIELD_NOT_ALLOWED", "name")]
    tax = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE111111111")
    assert codes(tax) == [("FIELD_NOT_ALLOWED", "taxId")]
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.email, stored.name) == ("alice@example.com", "Alice")
    minimal = await gateway.token_for(world.alice.id, configuration="minimal")
    off = await mutate(gateway, minimal, "updateCustomer", email="a@example.com")
    assert codes(off) == [("FEATURE_DISABLED", None)]
    for mutation, fields in (
        ("addTaxId", {"type": "eu_vat", "value": "DE111111111"}),
        ("removeTaxId", {"taxIdId": world.alice.tax_id}),
    ):
        assert codes(await mutate(gateway, minimal, mutation, **fields)) == [
            ("FEATURE_DISABLED", None)
        ], mutation


async def test_add_and_remove_tax_ids(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    added = await mutate(gateway, token, "addTaxId", type="eu_vat", value=" FR12345678901 ")
    assert added["userErrors"] == []
    tax_id = added["taxId"]
    assert (tax_id["type"], tax_id["value"]) == ("eu_vat", "FR12345678901")
    stored = await stripe_client.v1.customers.tax_ids.list_async(world.alice.id)
    assert {t.id for t in stored.data} == {world.alice.tax_id, tax_id["id"]}
    removed = await mutate(gateway, token, "removeTaxId", taxIdId=world.alice.tax_id)
    assert removed["userErrors"] == []
    assert removed["removedTaxId"] == {
        "id": world.alice.tax_id,
        "type": "eu_vat",
        "value": "DE123456789",
    }
    stored = await stripe_client.v1.customers.tax_ids.list_async(world.alice.id)
    assert [t.id for t in stored.data] == [tax_id["id"]]
    data = (await gateway.post("{ customer { taxIds { id } } }", token=token)).ok()
    assert data["customer"]["taxIds"] == [{"id": tax_id["id"]}]


async def test_tax_id_refusals(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    cases: list[tuple[str, dict[str, Any], tuple[str, str | None]]] = [
        ("addTaxId", {"type": "vat", "value": "DE1"}, ("INVALID_INPUT", "type")),
        ("addTaxId", {"type": "eu_vat", "value": "  "}, ("INVALID_INPUT", "value")),
        # Stripe's own format check, reported on the field.
        ("addTaxId", {"type": "eu_vat", "value": "not a vat number"}, ("INVALID_INPUT", "value")),
        ("removeTaxId", {"taxIdId": "txi_missing"}, ("NOT_FOUND", "taxIdId")),
        ("removeTaxId", {"taxIdId": world.bob.tax_id}, ("NOT_FOUND", "taxIdId")),
        ("removeTaxId", {"taxIdId": ""}, ("INVALID_INPUT", "taxIdId")),
    ]
    for mutation, fields, expected in cases:
        payload = await mutate(gateway, token, mutation, **fields)
        assert codes(payload) == [expected], (mutation, fields)
    stored = await stripe_client.v1.customers.tax_ids.list_async(world.bob.id)
    assert [t.id for t in stored.data] == [world.bob.tax_id]


async def test_account_mutations_for_a_deleted_customer(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A session outliving its customer gets "Customer not found.", not a Stripe error."""
    token = await gateway.token_for(world.bob.id)
    await stripe_client.v1.customers.delete_async(world.bob.id)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("removeTaxId", {"taxIdId": world.bob.tax_id}),
        ("setDefaultPaymentMethod", {"paymentMethodId": world.bob.card}),
        ("detachPaymentMethod", {"paymentMethodId": world.bob.card}),
    ]
    for mutation, fields in cases:
        payload = await mutate(gateway, token, mutation, **fields)
        assert [(e["code"], e["message"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", "Customer not found.")
        ], mutation
