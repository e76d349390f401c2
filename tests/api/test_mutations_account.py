"""The customer's details and tax IDs over HTTP; every change checked in Stripe afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.api.mutation_calls import codes, full_configuration, mutate, variant

if TYPE_CHECKING:
    import stripe

    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

ADDRESS = {"line1": "5 Rue Oberkampf", "city": "Paris", "postalCode": "75011", "country": "FR"}
US = {
    "line1": "1600 Amphitheatre Pkwy",
    "city": "Mountain View",
    "state": "CA",
    "postalCode": "94043",
    "country": "US",
}
BERLIN = {"line1": "Hauptstr. 1", "city": "Berlin", "postalCode": "10115", "country": "DE"}


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
        shipping={"name": "Robert B.", "address": ADDRESS, "phone": "06 12 34 56 78"},
    )
    assert payload["userErrors"] == []
    customer = payload["customer"]
    # Phone numbers are stored in E.164; a national one is read in the address's country.
    assert (customer["email"], customer["name"], customer["phone"]) == (
        "robert@example.com",
        "Robert",
        "+33123456789",
    )
    assert customer["address"] == {**ADDRESS, "line2": None, "state": None}
    assert customer["shipping"]["name"] == "Robert B."
    stored = await stripe_client.v1.customers.retrieve_async(world.bob.id)
    assert (stored.email, stored.name, stored.phone) == (
        "robert@example.com",
        "Robert",
        "+33123456789",
    )
    assert stored.address is not None
    assert (stored.address.city, stored.address.country) == ("Paris", "FR")
    assert stored.shipping is not None
    assert stored.shipping.name == "Robert B."
    assert stored.shipping.phone == "+33612345678"


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
        "+49301234567",
    )
    assert stored.address is not None
    shipping = {
        "name": "Alice",
        "address": {
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postalCode": "10115",
            "country": "DE",
        },
    }
    assert (await mutate(gateway, token, "updateCustomer", shipping=shipping))["userErrors"] == []
    cleared = await mutate(gateway, token, "updateCustomer", address=None, shipping=None)
    assert cleared["userErrors"] == []
    assert (cleared["customer"]["address"], cleared["customer"]["shipping"]) == (None, None)
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert (stored.address, stored.shipping) == (None, None)
    assert (stored.name, stored.phone) == ("Alice", "+49301234567")


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
        (
            {"address": {"city": "Berlin", "country": "Germany"}},
            ("INVALID_INPUT", "address.country"),
        ),
        ({"address": {}}, ("INVALID_INPUT", "address")),
        ({"shipping": {"name": " ", "address": ADDRESS}}, ("INVALID_INPUT", "shipping.name")),
        # What a confused customer types, refused on the field at fault.
        ({"address": {**US, "postalCode": "ABCDE"}}, ("INVALID_INPUT", "address.postalCode")),
        ({"address": {**US, "state": None}}, ("INVALID_INPUT", "address.state")),
        ({"address": {**US, "state": "Narnia"}}, ("INVALID_INPUT", "address.state")),
        ({"address": {**BERLIN, "postalCode": "1"}}, ("INVALID_INPUT", "address.postalCode")),
        ({"address": {**BERLIN, "city": None}}, ("INVALID_INPUT", "address.city")),
        ({"address": {"country": "DE"}}, ("INVALID_INPUT", "address.line1")),
        ({"address": {"line1": "Hauptstr. 1"}}, ("INVALID_INPUT", "address.country")),
        ({"phone": "abc"}, ("INVALID_INPUT", "phone")),
        ({"phone": "+1 555 0100"}, ("INVALID_INPUT", "phone")),
        ({"shipping": {"name": "Alice", "address": {}}}, ("INVALID_INPUT", "shipping.address")),
        (
            {"shipping": {"name": "Alice", "address": BERLIN, "phone": "12"}},
            ("INVALID_INPUT", "shipping.phone"),
        ),
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
    added = await mutate(gateway, token, "addTaxId", type="eu_vat", value=" FR40303265045 ")
    assert added["userErrors"] == []
    tax_id = added["taxId"]
    assert (tax_id["type"], tax_id["value"]) == ("eu_vat", "FR40303265045")
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


async def test_billing_details_per_country(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    """A complete address is stored with its state and postal code in their official form,
    and a national phone number in E.164, read in the address's country."""
    token = await gateway.token_for(world.alice.id)
    address = {**US, "state": "California", "postalCode": "94043-1351"}
    payload = await mutate(
        gateway, token, "updateCustomer", address=address, phone="(650) 253-0000"
    )
    assert payload["userErrors"] == []
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert stored.address is not None
    assert (stored.address.state, stored.address.postal_code) == ("CA", "94043-1351")
    assert stored.phone == "+16502530000"
    # An Irish address may leave out its postal code; a postcode is stored in capitals.
    assert (
        await mutate(
            gateway,
            token,
            "updateCustomer",
            address={"line1": "1 Main St", "city": "Dublin", "country": "IE"},
        )
    )["userErrors"] == []
    london = {"line1": "10 Downing St", "city": "London", "postalCode": "sw1a2aa", "country": "GB"}
    assert (await mutate(gateway, token, "updateCustomer", address=london))["userErrors"] == []
    stored = await stripe_client.v1.customers.retrieve_async(world.alice.id)
    assert stored.address is not None
    assert stored.address.postal_code == "SW1A2AA"


async def test_tax_ids_by_their_official_formats_and_checksums(
    gateway: RunningGateway, world: World, stripe_client: stripe.StripeClient
) -> None:
    token = await gateway.token_for(world.alice.id)
    before = await stripe_client.v1.customers.tax_ids.list_async(world.alice.id)
    refused: list[tuple[dict[str, str], str]] = [
        # A German VAT number whose check digit is wrong, one too short, one of no EU country.
        ({"type": "eu_vat", "value": "DE811907981"}, "checksum"),
        ({"type": "eu_vat", "value": "DE81190798"}, "length"),
        ({"type": "eu_vat", "value": "US811907980"}, "EU VAT"),
        ({"type": "gb_vat", "value": "GB980780685"}, "UK VAT"),
        ({"type": "us_ein", "value": "07-3456789"}, "Employer Identification"),
        ({"type": "au_abn", "value": "83 914 571 674"}, "Australian Business Number"),
        ({"type": "br_cnpj", "value": "16.727.230/0001-98"}, "CNPJ"),
        # The one Alice has, spelled differently.
        ({"type": "eu_vat", "value": "de 123 456 789"}, "already on the account"),
    ]
    for fields, message in refused:
        payload = await mutate(gateway, token, "addTaxId", **fields)
        assert codes(payload) == [("INVALID_INPUT", "value")], fields
        assert message in payload["userErrors"][0]["message"], payload
    after = await stripe_client.v1.customers.tax_ids.list_async(world.alice.id)
    assert [t.id for t in after.data] == [t.id for t in before.data]
    # Valid numbers of several countries pass, as typed.
    for fields in (
        {"type": "eu_vat", "value": "DE 811 907 980"},
        {"type": "gb_vat", "value": "GB980780684"},
        {"type": "au_abn", "value": "83 914 571 673"},
    ):
        payload = await mutate(gateway, token, "addTaxId", **fields)
        assert payload["userErrors"] == [], fields
    # Adding it again, however spelled, is refused on the value; Stripe keeps one.
    again = await mutate(gateway, token, "addTaxId", type="eu_vat", value="DE811907980")
    assert codes(again) == [("INVALID_INPUT", "value")]
    values = [
        t.value for t in (await stripe_client.v1.customers.tax_ids.list_async(world.alice.id)).data
    ]
    assert len(values) == len(before.data) + 3
