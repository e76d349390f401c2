"""`detachPaymentMethod`: remove a saved payment method for good.

While a subscription will still charge the customer, the last payment method stays (add a
new one first). Removing the default makes the newest remaining one the default, and
subscriptions that charged the removed one are pointed at it, before the detach.
"""

import strawberry

from ... import models
from ...billing import change_payment_methods
from ...portal import Refusal, decide_detach_payment_method
from ..context import Context, Info
from ..customers.account_target import CUSTOMER_DESCRIPTION, current_customer, load_account
from ..customers.types import Customer
from ..errors import UserError, from_refusal
from ..fields import field
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, start_call
from ..mutation_kit.spec import MutationSpec
from .payment_method_target import change_failure, find_payment_method
from .types import PaymentMethod

SPEC = MutationSpec(
    name="detachPaymentMethod",
    completes=(),
    announces=Announcement(LiveEventKind.PAYMENT_METHOD, changed="detached"),
)


@strawberry.input
class DetachPaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(
        description="One of the customer's payment methods (pm_...)."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class DetachPaymentMethodPayload:
    client_mutation_id: str | None
    detached_payment_method_id: strawberry.ID | None = strawberry.field(
        description="Set once the payment method is removed."
    )
    new_default_payment_method: PaymentMethod | None = strawberry.field(
        description="The payment method that became the default in its place, if any."
    )
    updated_subscription_ids: list[strawberry.ID] = strawberry.field(
        description="Subscriptions that charged the removed payment method and now charge the "
        "new default."
    )
    user_errors: list[UserError]

    @field(description=CUSTOMER_DESCRIPTION)
    async def customer(self, info: Info) -> Customer | None:
        return await current_customer(info)


async def _detach(context: Context, data: DetachPaymentMethodInput) -> DetachPaymentMethodPayload:
    def payload(
        detached: str | None,
        new_default: models.PaymentMethod | None,
        updated: list[str],
        errors: list[UserError],
    ) -> DetachPaymentMethodPayload:
        return DetachPaymentMethodPayload(
            client_mutation_id=data.client_mutation_id,
            detached_payment_method_id=strawberry.ID(detached) if detached else None,
            new_default_payment_method=(
                PaymentMethod.from_model(new_default, new_default.id) if new_default else None
            ),
            updated_subscription_ids=[strawberry.ID(s) for s in updated],
            user_errors=errors,
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return payload(None, None, [], [call])
    account = await load_account(context)
    if isinstance(account, UserError):
        return payload(None, None, [], [account])
    if call.replayed is not None:
        replayed = call.replayed
        default_id = replayed.get("new_default")
        new_default = next((p for p in account.payment_methods if p.id == default_id), None)
        return payload(replayed.get("detached"), new_default, list(replayed.get("updated", [])), [])
    target = find_payment_method(account, str(data.payment_method_id))
    if isinstance(target, UserError):
        return payload(None, None, [], [target])
    method = target.payment_method
    policy = await context.policy(stripe_clock=True, customer=target.customer)
    decision = decide_detach_payment_method(
        policy, target.customer, method, account.payment_methods, account.subscriptions
    )
    if isinstance(decision, Refusal):
        return payload(None, None, [], [from_refusal(decision)])
    change = await change_payment_methods(
        context.billing,
        call.customer_id,
        customer_params=decision.customer_params,
        subscription_changes=[(c.subscription_id, c.params) for c in decision.subscription_changes],
        detach=method.id,
        keys=call.keys,
    )
    replacement_id = decision.new_default_payment_method_id
    replacement = next((p for p in account.payment_methods if p.id == replacement_id), None)
    new_default = replacement if change.customer_updated else None
    detached = method.id if change.detached else None
    if change.error is not None:
        call.wrote()
        return payload(
            detached,
            new_default,
            change.updated_subscriptions,
            [change_failure(change, replacement_id)],
        )
    await call.completed(
        {
            "detached": method.id,
            "new_default": new_default.id if new_default else None,
            "updated": change.updated_subscriptions,
        }
    )
    return payload(detached, new_default, change.updated_subscriptions, [])


@strawberry.type
class DetachPaymentMethodMutation:
    @SPEC.field(description="Remove a saved payment method (it cannot be used again).")
    async def detach_payment_method(
        self, info: Info, input: DetachPaymentMethodInput
    ) -> DetachPaymentMethodPayload:
        return await _detach(info.context, input)
