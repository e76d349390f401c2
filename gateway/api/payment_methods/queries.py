"""`paymentMethods`: the customer's saved payment methods."""

import asyncio

import strawberry

from ...billing import BillingError, NotFound
from ...portal import view_payment_methods_refusal
from ..context import Info
from ..errors import billing_failure, refused
from ..fields import field
from .types import PaymentMethod


@strawberry.type
class PaymentMethodQueries:
    @field(description="Saved payment methods, newest first; `isDefault` marks the default.")
    async def payment_methods(self, info: Info) -> list[PaymentMethod] | None:
        context = info.context
        refusal = view_payment_methods_refusal(await context.policy())
        if refusal is not None:
            raise refused(refusal)
        loaders = context.loaders
        try:
            customer, methods = await asyncio.gather(loaders.customer(), loaders.payment_methods())
        except NotFound:
            return []
        except BillingError as exc:
            raise billing_failure(exc) from None
        default_id = customer.default_payment_method_id
        return [PaymentMethod.from_model(pm, default_id) for pm in methods]
