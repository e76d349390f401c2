"""`updateCustomer`: the customer's email, name, phone, billing address and shipping details.

A field left out stays as it is; null clears it (except the email). The configuration's
`customer_update.allowed_updates` gates each field.
"""

from typing import Any

import strawberry

from ... import models
from ...billing import BillingError, update_customer
from ...portal import UNSET, CustomerUpdate, Refusal, decide_customer_update
from ..context import Context, Info
from ..errors import UserError, from_refusal
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, start_call, stripe_failure
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION, after_completion
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .account_target import load_customer
from .types import Customer

SPEC = MutationSpec(
    name="updateCustomer",
    completes=("customer_update",),
    announces=Announcement(LiveEventKind.CUSTOMER),
)
STRIPE_FIELDS = {"shipping[name]": "shipping", "shipping[address]": "shipping"}


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = strawberry.field(
        default=None, description="Two-letter country code (ISO 3166-1), e.g. DE."
    )


@strawberry.input
class ShippingInput:
    name: str = strawberry.field(description="The recipient.")
    address: AddressInput
    phone: str | None = None


@strawberry.input(description="Leave a field out to keep it; null clears it (not the email).")
class UpdateCustomerInput:
    email: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET
    shipping: ShippingInput | None = strawberry.UNSET
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class UpdateCustomerPayload:
    client_mutation_id: str | None
    customer: Customer | None
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]


def _address(value: AddressInput) -> models.Address:
    return models.Address(
        line1=value.line1,
        line2=value.line2,
        city=value.city,
        state=value.state,
        postal_code=value.postal_code,
        country=value.country,
    )


def _given(value: Any, convert: Any = None) -> Any:
    """UNSET stays UNSET (left alone), None stays None (cleared), a value is converted."""
    if value is strawberry.UNSET:
        return UNSET
    if value is None or convert is None:
        return value
    return convert(value)


def requested_update(data: UpdateCustomerInput) -> CustomerUpdate:
    return CustomerUpdate(
        email=_given(data.email),
        name=_given(data.name),
        phone=_given(data.phone),
        address=_given(data.address, _address),
        shipping=_given(
            data.shipping,
            lambda s: models.Shipping(name=s.name, address=_address(s.address), phone=s.phone),
        ),
    )


async def _update_customer(context: Context, data: UpdateCustomerInput) -> UpdateCustomerPayload:
    def failed(error: UserError) -> UpdateCustomerPayload:
        return UpdateCustomerPayload(
            client_mutation_id=data.client_mutation_id,
            customer=None,
            after_completion=None,
            user_errors=[error],
        )

    def done(customer: models.Customer) -> UpdateCustomerPayload:
        return UpdateCustomerPayload(
            client_mutation_id=data.client_mutation_id,
            customer=Customer.from_model(customer),
            after_completion=after_completion(context, SPEC),
            user_errors=[],
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return failed(call)
    customer = await load_customer(context)
    if isinstance(customer, UserError):
        return failed(customer)
    if call.replayed is not None:
        return done(customer)
    policy = await context.policy(stripe_clock=True)
    decision = decide_customer_update(policy, customer, requested_update(data))
    if isinstance(decision, Refusal):
        return failed(from_refusal(decision))
    try:
        updated = await update_customer(
            context.billing, call.customer_id, decision.params, call.keys.key("customer")
        )
    except BillingError as exc:
        call.wrote()
        return failed(stripe_failure(exc, fields=STRIPE_FIELDS))
    await call.completed({"customer": updated.id})
    return done(updated)


@strawberry.type
class UpdateCustomerMutation:
    @SPEC.field(
        description="Change the customer's email, name, phone, address or shipping details."
    )
    async def update_customer(
        self, info: Info, input: UpdateCustomerInput
    ) -> UpdateCustomerPayload:
        return await _update_customer(info.context, input)
