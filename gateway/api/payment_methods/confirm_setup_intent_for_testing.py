"""`confirmSetupIntentForTesting`: confirm a setup intent with a Stripe test payment method.

Only when the gateway talks to a Stripe emulator (demo mode, tests): there the reference
portal can add a card end to end without Stripe.js. Against Stripe itself it answers
FORBIDDEN: card details go from the browser to Stripe, never through the gateway.
"""

import strawberry

from ... import models
from ...billing import (
    TEST_PAYMENT_METHOD_PREFIX,
    BillingError,
    NotFound,
    confirm_setup_intent,
    fetch_setup_intent,
    talks_to_stripe,
)
from ...portal import Refusal, decide_add_payment_method
from ..context import Context, Info
from ..customers.account_target import CUSTOMER_DESCRIPTION, current_customer, load_customer
from ..customers.types import Customer
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, required_id, start_call, stripe_failure
from ..mutation_kit.spec import MutationSpec
from .create_setup_intent import SetupIntent
from .types import PaymentMethod

SPEC = MutationSpec(
    name="confirmSetupIntentForTesting",
    completes=(),
    announces=Announcement(LiveEventKind.PAYMENT_METHOD, changed="setup_intent"),
)
FIELD = "setupIntentId"
STRIPE_ONLY = (
    "Setup intents are confirmed in the browser with Stripe.js; the gateway confirms them "
    "only in demo mode (against a Stripe emulator)."
)


@strawberry.input
class ConfirmSetupIntentForTestingInput:
    setup_intent_id: strawberry.ID = strawberry.field(description="From `createSetupIntent`.")
    payment_method: str = strawberry.field(
        default="pm_card_visa",
        description="A Stripe test payment method: pm_card_visa, pm_card_mastercard, "
        "pm_card_chargeDeclined, ...",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class ConfirmSetupIntentForTestingPayload:
    client_mutation_id: str | None
    setup_intent: SetupIntent | None
    payment_method: PaymentMethod | None = strawberry.field(
        description="The payment method the confirmation attached to the customer."
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


def _return_url(context: Context) -> str:
    """Where a redirect-based method would come back to (cards never redirect)."""
    scope = context.scope()
    fallback = context.services.settings.portal_url
    return scope.return_url or context.configuration().default_return_url or fallback


async def _confirm(
    context: Context, data: ConfirmSetupIntentForTestingInput
) -> ConfirmSetupIntentForTestingPayload:
    def payload(
        intent: models.SetupIntent | None,
        method: models.PaymentMethod | None,
        default_id: str | None,
        errors: list[UserError],
    ) -> ConfirmSetupIntentForTestingPayload:
        return ConfirmSetupIntentForTestingPayload(
            client_mutation_id=data.client_mutation_id,
            setup_intent=SetupIntent.from_model(intent) if intent else None,
            payment_method=PaymentMethod.from_model(method, default_id) if method else None,
            user_errors=errors,
        )

    # A retry with the same clientMutationId confirms with the same idempotency key, and
    # Stripe answers as it did the first time.
    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return payload(None, None, None, [call])
    if talks_to_stripe(context.services.settings.stripe_api_base):
        return payload(None, None, None, [user_error(ErrorCode.FORBIDDEN, STRIPE_ONLY)])
    intent_id = str(data.setup_intent_id)
    missing = required_id(intent_id, FIELD, "setup intent")
    if missing is not None:
        return payload(None, None, None, [missing])
    test_method = data.payment_method.strip()
    if not test_method.startswith(TEST_PAYMENT_METHOD_PREFIX):
        return payload(
            None,
            None,
            None,
            [
                user_error(
                    ErrorCode.INVALID_INPUT,
                    "Give a Stripe test payment method such as pm_card_visa.",
                    "paymentMethod",
                )
            ],
        )
    customer = await load_customer(context)
    if isinstance(customer, UserError):
        return payload(None, None, None, [customer])
    decision = decide_add_payment_method(await context.policy(stripe_clock=True), customer)
    if isinstance(decision, Refusal):
        return payload(None, None, None, [from_refusal(decision)])
    try:
        await fetch_setup_intent(context.billing, call.customer_id, intent_id)
    except NotFound:
        return payload(
            None, None, None, [user_error(ErrorCode.NOT_FOUND, "Setup intent not found.", FIELD)]
        )
    except BillingError as exc:
        return payload(None, None, None, [stripe_failure(exc)])
    try:
        intent, method = await confirm_setup_intent(
            context.billing,
            call.customer_id,
            intent_id,
            payment_method=test_method,
            return_url=_return_url(context),
            idempotency_key=call.keys.key("confirm"),
        )
    except BillingError as exc:
        call.wrote()
        return payload(
            None, None, None, [stripe_failure(exc, fields={"payment_method": "paymentMethod"})]
        )
    await call.completed({"setup_intent": intent.id})
    return payload(intent, method, customer.default_payment_method_id, [])


@strawberry.type
class ConfirmSetupIntentForTestingMutation:
    @SPEC.field(
        description="Demo mode only: confirm a setup intent with a Stripe test payment method."
    )
    async def confirm_setup_intent_for_testing(
        self, info: Info, input: ConfirmSetupIntentForTestingInput
    ) -> ConfirmSetupIntentForTestingPayload:
        return await _confirm(info.context, input)
