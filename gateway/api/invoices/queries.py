"""`invoices`, `invoice(id)` (when invoice history is on) and `upcomingInvoice(subscriptionId)`."""

import strawberry

from ...billing import BillingError, NotFound
from ...portal import invoice_history_refusal
from ..context import Context, Info
from ..errors import ErrorCode, GatewayError, billing_failure, refused
from ..fields import field
from .types import Invoice, InvoiceConnection, connection, decode_cursor
from .upcoming import load_upcoming_invoice

MAX_PAGE_SIZE = 100


async def _check_history(context: Context) -> None:
    refusal = invoice_history_refusal(await context.policy())
    if refusal is not None:
        raise refused(refusal)


@strawberry.type
class InvoiceQueries:
    @field(description="Invoice history, newest first; `after` takes a previous `endCursor`.")
    async def invoices(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> InvoiceConnection | None:
        context = info.context
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise GatewayError(
                ErrorCode.INVALID_INPUT, f"`first` must be between 1 and {MAX_PAGE_SIZE}."
            )
        await _check_history(context)
        customer_id = context.scope().customer_id
        starting_after = None
        if after is not None:
            starting_after = decode_cursor(customer_id, after)
            if starting_after is None:
                raise GatewayError(ErrorCode.INVALID_INPUT, "`after` is not a valid cursor.")
        try:
            page = await context.loaders.invoice_page(first, starting_after)
        except NotFound:
            raise GatewayError(ErrorCode.INVALID_INPUT, "`after` is not a valid cursor.") from None
        except BillingError as exc:
            raise billing_failure(exc) from None
        return connection(customer_id, page)

    @field(description="One of the customer's invoices; null if it is not theirs.")
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        await _check_history(info.context)
        try:
            return Invoice.from_model(await info.context.loaders.invoice(str(id)))
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None

    @field(description="The next invoice of one of the customer's subscriptions; null if none.")
    async def upcoming_invoice(self, info: Info, subscription_id: strawberry.ID) -> Invoice | None:
        scope = info.context.scope()
        if not scope.may_see_subscription(str(subscription_id)):
            return None
        # The preview starts beside the ownership check when the id is one of theirs already.
        info.context.loaders.prefetch_upcoming_invoices(lambda known: known == str(subscription_id))
        try:
            subscription = await info.context.loaders.subscription(str(subscription_id))
        except NotFound:
            return None
        except BillingError as exc:
            raise billing_failure(exc) from None
        return await load_upcoming_invoice(info, subscription)
