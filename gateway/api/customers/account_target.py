"""The customer an account mutation acts on, and the `customer` field its payload offers.

The payload's customer is read when asked for, after the write (the request's loaders have
forgotten what they read before it), so it shows the new state.
"""

from ... import models
from ...billing import BillingError, NotFound, PaymentMethodAccount, read_payment_method_account
from ..context import Context, Info
from ..errors import ErrorCode, UserError, billing_failure, user_error
from ..mutation_kit.calls import stripe_failure
from .types import Customer

CUSTOMER_DESCRIPTION = "The customer after the change (read when asked for)."


async def load_customer(context: Context) -> models.Customer | UserError:
    try:
        return await context.loaders.customer()
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, "Customer not found.")
    except BillingError as exc:
        return stripe_failure(exc)


async def current_customer(info: Info) -> Customer | None:
    try:
        return Customer.from_model(await info.context.loaders.customer())
    except NotFound:
        return None
    except BillingError as exc:
        raise billing_failure(exc) from None


async def load_account(context: Context) -> PaymentMethodAccount | UserError:
    """What a payment method decision needs: from the cache, else one Stripe read."""
    try:
        return await read_payment_method_account(context.billing, context.scope().customer_id)
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, "Customer not found.")
    except BillingError as exc:
        return stripe_failure(exc)
