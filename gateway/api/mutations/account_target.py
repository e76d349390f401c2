"""The customer an account mutation acts on, and the `customer` field its payload offers.

The payload's customer is read when asked for, after the write (the request's loaders have
forgotten what they read before it), so it shows the new state.
"""

import asyncio
from dataclasses import dataclass

from ...billing import models
from ...billing.errors import BillingError, NotFound
from ..context import Context, Info
from ..customers.types import Customer
from ..errors import ErrorCode, UserError, billing_failure, user_error
from .calls import stripe_failure

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


@dataclass(frozen=True)
class Account:
    """What a payment method decision needs, read concurrently."""

    customer: models.Customer
    payment_methods: tuple[models.PaymentMethod, ...]
    subscriptions: tuple[models.Subscription, ...]


async def load_account(context: Context) -> Account | UserError:
    loaders = context.loaders
    try:
        customer, methods, subscriptions = await asyncio.gather(
            loaders.customer(), loaders.payment_methods(), loaders.subscriptions()
        )
    except NotFound:
        return user_error(ErrorCode.NOT_FOUND, "Customer not found.")
    except BillingError as exc:
        return stripe_failure(exc)
    return Account(customer, methods, subscriptions)
