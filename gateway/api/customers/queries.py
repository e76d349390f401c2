"""`customer`: the session's own customer."""

import strawberry

from ...billing import BillingError, NotFound
from ..context import Info
from ..errors import billing_failure
from ..fields import field
from ..selection import selects
from .types import Customer


@strawberry.type
class CustomerQueries:
    @field(description="The session's customer (null if it no longer exists in Stripe).")
    async def customer(self, info: Info) -> Customer | None:
        if selects(info, "taxIds"):
            info.context.loaders.prefetch_tax_ids()
        try:
            return Customer.from_model(await info.context.loaders.customer())
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None
