"""`createSetupIntent`: start adding a payment method.

The frontend passes `clientSecret` to Stripe.js (`stripe.confirmSetup`), which collects the
card and confirms with Stripe directly; the card is then attached to the customer and
appears in `paymentMethods`, ready for `setDefaultPaymentMethod`.
"""

from enum import Enum
from typing import Self

import strawberry

from ... import models
from ...billing import BillingError, create_setup_intent
from ...portal import Refusal, decide_add_payment_method
from ..context import Context, Info
from ..customers.account_target import load_customer
from ..errors import UserError, from_refusal
from ..mutation_kit.calls import client_mutation_id_field, start_call, stripe_failure
from ..mutation_kit.spec import MutationSpec

SPEC = MutationSpec(
    name="createSetupIntent",
    completes=(),
    announces=None,
)


@strawberry.enum
class SetupIntentStatus(Enum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


@strawberry.type(description="A Stripe SetupIntent: how the browser saves a payment method.")
class SetupIntent:
    id: strawberry.ID
    client_secret: str | None = strawberry.field(
        description="For Stripe.js (`stripe.confirmSetup`); keep it in the browser only."
    )
    status: SetupIntentStatus

    @classmethod
    def from_model(cls, intent: models.SetupIntent) -> Self:
        return cls(
            id=strawberry.ID(intent.id),
            client_secret=intent.client_secret,
            status=SetupIntentStatus(intent.status),
        )


@strawberry.input
class CreateSetupIntentInput:
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class CreateSetupIntentPayload:
    client_mutation_id: str | None
    setup_intent: SetupIntent | None
    user_errors: list[UserError]


async def _create(context: Context, data: CreateSetupIntentInput) -> CreateSetupIntentPayload:
    def payload(
        intent: models.SetupIntent | None, errors: list[UserError]
    ) -> CreateSetupIntentPayload:
        return CreateSetupIntentPayload(
            client_mutation_id=data.client_mutation_id,
            setup_intent=SetupIntent.from_model(intent) if intent else None,
            user_errors=errors,
        )

    # A retry with the same clientMutationId sends the same idempotency key, and Stripe
    # answers with the intent it created the first time.
    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return payload(None, [call])
    customer = await load_customer(context)
    if isinstance(customer, UserError):
        return payload(None, [customer])
    decision = decide_add_payment_method(await context.policy(stripe_clock=True), customer)
    if isinstance(decision, Refusal):
        return payload(None, [from_refusal(decision)])
    try:
        intent = await create_setup_intent(
            context.billing, call.customer_id, decision.params, call.keys.key("setup_intent")
        )
    except BillingError as exc:
        call.wrote()
        return payload(None, [stripe_failure(exc)])
    await call.completed({"setup_intent": intent.id})
    return payload(intent, [])


@strawberry.type
class CreateSetupIntentMutation:
    @SPEC.field(description="Start adding a payment method: confirm `clientSecret` with Stripe.js.")
    async def create_setup_intent(
        self, info: Info, input: CreateSetupIntentInput
    ) -> CreateSetupIntentPayload:
        return await _create(info.context, input)
