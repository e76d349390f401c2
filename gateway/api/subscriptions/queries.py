"""`subscriptions` and `subscription(id)`: only the customer's own, and in a flow only its one."""

import strawberry

from ...billing import BillingError, NotFound
from ..context import Info
from ..errors import billing_failure
from ..fields import field
from ..selection import selects
from .types import Subscription


@strawberry.type
class SubscriptionQueries:
    @field(description="The customer's subscriptions that have not ended, newest first.")
    async def subscriptions(self, info: Info) -> list[Subscription] | None:
        scope = info.context.scope()
        if selects(info, "upcomingInvoice"):
            info.context.loaders.prefetch_upcoming_invoices(scope.may_see_subscription)
        try:
            found = await info.context.loaders.subscriptions()
        except NotFound:
            return []
        except BillingError as exc:
            raise billing_failure(exc) from None
        return [Subscription.from_model(s) for s in found if scope.may_see_subscription(s.id)]

    @field(description="One of the customer's subscriptions (ended ones too); null if not theirs.")
    async def subscription(self, info: Info, id: strawberry.ID) -> Subscription | None:
        scope = info.context.scope()
        if not scope.may_see_subscription(str(id)):
            return None
        if selects(info, "upcomingInvoice"):
            info.context.loaders.prefetch_upcoming_invoices(lambda known: known == str(id))
        try:
            found = await info.context.loaders.subscription(str(id))
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None
        return Subscription.from_model(found)
