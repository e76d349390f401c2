"""The payment method a mutation acts on, and how a multi-write change reports what it did.

Only the customer's own payment methods are found (anyone else's reads exactly like a
missing one). A change that stopped part way says what was applied before the failure.
"""

from dataclasses import dataclass

from ... import models
from ...billing import PaymentMethodAccount, PaymentMethodChange
from ..errors import ErrorCode, UserError, user_error
from ..mutation_kit.calls import required_id, stripe_failure

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
