"""Stripe's refusals reach the customer in the gateway's words, never Stripe's own text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import stripe

from gateway.billing.errors import from_stripe_error
from tests.api.mutation_calls import mutate

if TYPE_CHECKING:
    from tests.support.gateway import RunningGateway
    from tests.support.world import World

SCHEDULE_STATE = (
    "You cannot release a subscription schedule that is currently in the `released` status. "
    "It must be in one of the following statuses: `not_started`, `active`."
)


def test_a_schedule_state_refusal_is_not_passed_through() -> None:
    error = from_stripe_error(stripe.InvalidRequestError(SCHEDULE_STATE, None))
    assert "released" not in error.message
    assert "`" not in error.message
    assert error.message == (
        "The billing service did not accept this request. Reload and try again."
    )


def test_a_refusal_with_a_code_or_param_is_worded_by_the_gateway() -> None:
    invalid_tax = stripe.InvalidRequestError(
        "Invalid value for eu_vat.", "value", code="tax_id_invalid"
    )
    assert from_stripe_error(invalid_tax).message == "This tax ID is not valid for the type chosen."
    odd = stripe.InvalidRequestError("Invalid thing: must be one of a, b, c", "items[0][price]")
    assert from_stripe_error(odd).message == "The value given for price was not accepted."


async def test_an_unknown_tax_id_type_does_not_list_every_type(
    gateway: RunningGateway, world: World
) -> None:
    token = await gateway.token_for(world.alice.id)
    added = await mutate(gateway, token, "addTaxId", type="zz_vat", value="123")
    [error] = added["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "type")
    assert "ad_nrt" not in error["message"]
    assert "must be one of" not in error["message"]
    assert error["message"] == "This value is not one of the accepted choices."
