"""`completeSetupIntent`: the frontend says Stripe.js confirmed a setup intent.

In a `payment_method_update` flow the saved card becomes the customer's default (and that
of every subscription carrying its own), as in Stripe's flow, and the flow is complete.
Elsewhere the card is only saved; `setDefaultPaymentMethod` makes it the default. The
intent is read from Stripe: only a succeeded intent of this customer counts.
"""

import strawberry

from ... import models
from ...billing import BillingError, NotFound, fetch_setup_intent
from ...portal import AccountAction, new_card_becomes_default, payment_method_refusal
from ..context import Context, Info
from ..customers.account_target import CUSTOMER_DESCRIPTION, current_customer, load_account
from ..customers.types import Customer
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, required_id, start_call, stripe_failure
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION, after_completion
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .payment_method_target import Target, make_default
from .types import PaymentMethod

SPEC = MutationSpec(
    name="completeSetupIntent",
    completes=("payment_method_update",),
    announces=Announcement(LiveEventKind.PAYMENT_METHOD, changed="payment_method"),
)
FIELD = "setupIntentId"
NOT_FOUND_MESSAGE = "Setup intent not found."


@strawberry.input
class CompleteSetupIntentInput:
    setup_intent_id: strawberry.ID = strawberry.field(
        description="From `createSetupIntent`, after Stripe.js confirmed it."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class CompleteSetupIntentPayload:
    client_mutation_id: str | None
    payment_method: PaymentMethod | None = strawberry.field(
        description="The payment method the setup intent saved."
    )
    became_default: bool = strawberry.field(
        description="True when it became the default (a `PAYMENT_METHOD_UPDATE` flow)."
    )
    updated_subscription_ids: list[strawberry.ID] = strawberry.field(
        description="Subscriptions that had their own default payment method and now use it."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


async def _complete(context: Context, data: CompleteSetupIntentInput) -> CompleteSetupIntentPayload:
    default_id: str | None = None

    def payload(
        method: models.PaymentMethod | None,
        default: bool,
        updated: list[str],
        errors: list[UserError],
    ) -> CompleteSetupIntentPayload:
        return CompleteSetupIntentPayload(
            client_mutation_id=data.client_mutation_id,
            payment_method=(
                PaymentMethod.from_model(method, method.id if default else default_id)
                if method
                else None
            ),
            became_default=default,
            updated_subscription_ids=[strawberry.ID(s) for s in updated],
            after_completion=after_completion(context, SPEC) if not errors else None,
            user_errors=errors,
        )

    def failed(error: UserError) -> CompleteSetupIntentPayload:
        return payload(None, False, [], [error])

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return failed(call)
    intent_id = str(data.setup_intent_id)
    missing = required_id(intent_id, FIELD, "setup intent")
    if missing is not None:
        return failed(missing)
    try:
        intent = await fetch_setup_intent(context.billing, call.customer_id, intent_id)
    except NotFound:
        return failed(user_error(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, FIELD))
    except BillingError as exc:
        return failed(stripe_failure(exc))
    if intent.status != "succeeded" or intent.payment_method_id is None:
        return failed(
            user_error(
                ErrorCode.INVALID_INPUT,
                "This setup intent has not saved a payment method yet: confirm it with "
                "Stripe.js first.",
                FIELD,
            )
        )
    account = await load_account(context)
    if isinstance(account, UserError):
        return failed(account)
    method = next((p for p in account.payment_methods if p.id == intent.payment_method_id), None)
    if method is None or account.customer is None:
        # Saved, then removed since: nothing to make the default.
        return failed(user_error(ErrorCode.NOT_FOUND, "Payment method not found.", FIELD))
    default_id = account.customer.default_payment_method_id
    if call.replayed is not None:
        updated = list(call.replayed.get("updated_subscriptions", []))
        return payload(method, bool(call.replayed.get("default")), updated, [])
    policy = await context.policy(stripe_clock=True, customer=account.customer)
    if not new_card_becomes_default(policy):
        refusal = payment_method_refusal(policy, AccountAction.ADD_PAYMENT_METHOD)
        if refusal is not None:
            return failed(from_refusal(refusal))
        await call.completed({"payment_method": method.id, "default": False})
        return payload(method, False, [], [])
    change = await make_default(
        call, policy, Target(account.customer, method), account.subscriptions, {"default": True}
    )
    return payload(
        method if change.applied else None,
        change.applied,
        change.updated_subscriptions,
        [change.error] if change.error is not None else [],
    )


@strawberry.type
class CompleteSetupIntentMutation:
    @SPEC.field(
        description="After Stripe.js confirmed a setup intent: in a payment method flow the "
        "new card becomes the default and the flow is complete."
    )
    async def complete_setup_intent(
        self, info: Info, input: CompleteSetupIntentInput
    ) -> CompleteSetupIntentPayload:
        return await _complete(info.context, input)
