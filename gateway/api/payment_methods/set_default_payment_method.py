"""`setDefaultPaymentMethod`: the card invoices and subscriptions charge from now on.

Sets the customer's `invoice_settings.default_payment_method` and points every
subscription that carries its own default payment method (which would otherwise keep
charging the old card) at it too; the payload lists those subscriptions.
"""

import strawberry

from ... import models
from ..context import Context, Info
from ..customers.account_target import CUSTOMER_DESCRIPTION, current_customer, load_account
from ..customers.types import Customer
from ..errors import UserError
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, start_call
from ..mutation_kit.flow_completion import AFTER_COMPLETION_DESCRIPTION, after_completion
from ..mutation_kit.spec import MutationSpec
from ..sessions.types import AfterCompletion
from .payment_method_target import find_payment_method, make_default
from .types import PaymentMethod

SPEC = MutationSpec(
    name="setDefaultPaymentMethod",
    completes=("payment_method_update",),
    announces=Announcement(LiveEventKind.PAYMENT_METHOD, changed="payment_method"),
)


@strawberry.input
class SetDefaultPaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(
        description="One of the customer's payment methods (pm_...)."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class SetDefaultPaymentMethodPayload:
    client_mutation_id: str | None
    payment_method: PaymentMethod | None = strawberry.field(
        description="The new default (null when it could not be set)."
    )
    updated_subscription_ids: list[strawberry.ID] = strawberry.field(
        description="Subscriptions that had their own default payment method and now use "
        "this one too."
    )
    after_completion: AfterCompletion | None = strawberry.field(
        description=AFTER_COMPLETION_DESCRIPTION
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


def _ids(values: list[str]) -> list[strawberry.ID]:
    return [strawberry.ID(value) for value in values]


async def _set_default(
    context: Context, data: SetDefaultPaymentMethodInput
) -> SetDefaultPaymentMethodPayload:
    def payload(
        method: models.PaymentMethod | None,
        updated: list[str],
        errors: list[UserError],
    ) -> SetDefaultPaymentMethodPayload:
        return SetDefaultPaymentMethodPayload(
            client_mutation_id=data.client_mutation_id,
            payment_method=PaymentMethod.from_model(method, method.id) if method else None,
            updated_subscription_ids=_ids(updated),
            after_completion=after_completion(context, SPEC) if not errors else None,
            user_errors=errors,
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return payload(None, [], [call])
    account = await load_account(context)
    if isinstance(account, UserError):
        return payload(None, [], [account])
    target = find_payment_method(account, str(data.payment_method_id))
    if isinstance(target, UserError):
        return payload(None, [], [target])
    method = target.payment_method
    if call.replayed is not None:
        return payload(method, list(call.replayed.get("updated_subscriptions", [])), [])
    policy = await context.policy(stripe_clock=True, customer=target.customer)
    change = await make_default(call, policy, target, account.subscriptions)
    applied = method if change.applied else None
    errors = [change.error] if change.error is not None else []
    return payload(applied, change.updated_subscriptions, errors)


@strawberry.type
class SetDefaultPaymentMethodMutation:
    @SPEC.field(
        description="Make a saved payment method the one invoices and subscriptions charge."
    )
    async def set_default_payment_method(
        self, info: Info, input: SetDefaultPaymentMethodInput
    ) -> SetDefaultPaymentMethodPayload:
        return await _set_default(info.context, input)
