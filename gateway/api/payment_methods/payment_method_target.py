"""The payment method a mutation acts on, how it becomes the default, and how a multi-write
change reports what it did.

Only the customer's own payment methods are found (anyone else's reads exactly like a
missing one). A change that stopped part way says what was applied before the failure.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ... import models
from ...billing import PaymentMethodAccount, PaymentMethodChange, change_payment_methods
from ...portal import PolicyContext, Refusal, decide_set_default_payment_method
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..mutation_kit.calls import MutationCall, required_id, stripe_failure

FIELD = "paymentMethodId"
NOT_FOUND_MESSAGE = "Payment method not found."


@dataclass(frozen=True)
class Target:
    customer: models.Customer
    payment_method: models.PaymentMethod


def find_payment_method(
    account: PaymentMethodAccount, payment_method_id: str
) -> Target | UserError:
    """The customer's payment method with this id, and the customer it belongs to."""
    missing = required_id(payment_method_id, FIELD, "payment method")
    if missing is not None:
        return missing
    found = next((pm for pm in account.payment_methods if pm.id == payment_method_id), None)
    # The customer is known whenever they have a payment method.
    if found is None or account.customer is None:
        return user_error(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, FIELD)
    return Target(account.customer, found)


def change_failure(change: PaymentMethodChange, default_id: str | None) -> UserError:
    """The failed write of `change` as a user error that says what was applied first."""
    assert change.error is not None
    error = stripe_failure(change.error, field=FIELD)
    applied = []
    if change.customer_updated and default_id is not None:
        applied.append(f"{default_id} became the default payment method")
    if change.updated_subscriptions:
        applied.append(
            "these subscriptions now charge it: " + ", ".join(change.updated_subscriptions)
        )
    if applied:
        error.message = f"Applied: {'; '.join(applied)}. Then this failed: {error.message}"
    return error


@dataclass(frozen=True)
class DefaultChange:
    """What making a card the default did: the customer's default moved (`applied`), these
    subscriptions followed, and `error` says what failed part way (None: all of it)."""

    applied: bool
    updated_subscriptions: list[str] = field(default_factory=list)
    error: UserError | None = None


async def make_default(
    call: MutationCall,
    policy: PolicyContext,
    target: Target,
    subscriptions: Sequence[models.Subscription],
    outcome: dict[str, Any] | None = None,
) -> DefaultChange:
    """Make `target`'s card the customer's default, and that of every subscription carrying
    its own (`setDefaultPaymentMethod`, and a payment method flow's `completeSetupIntent`).

    A refusal changes nothing; a write that fails part way says what was applied first. On
    success the call is completed with the card, the subscriptions and `outcome`'s extras
    (what a retry of the call answers with).
    """
    method = target.payment_method
    decision = decide_set_default_payment_method(policy, target.customer, method, subscriptions)
    if isinstance(decision, Refusal):
        return DefaultChange(applied=False, error=from_refusal(decision))
    change = await change_payment_methods(
        call.context.billing,
        call.customer_id,
        customer_params=decision.customer_params,
        subscription_changes=[(c.subscription_id, c.params) for c in decision.subscription_changes],
        keys=call.keys,
    )
    if change.error is not None:
        call.wrote()
        return DefaultChange(
            applied=change.customer_updated,
            updated_subscriptions=change.updated_subscriptions,
            error=change_failure(change, method.id),
        )
    await call.completed(
        {
            **(outcome or {}),
            "payment_method": method.id,
            "updated_subscriptions": change.updated_subscriptions,
        }
    )
    return DefaultChange(applied=True, updated_subscriptions=change.updated_subscriptions)
