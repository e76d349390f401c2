"""`payInvoice`: pay an open invoice now, the way back from a failed payment.

With the card the customer chooses (one of theirs), else the one Stripe would charge (the
invoice's, its subscription's, then the customer's default). A decline is CARD_DECLINED with
the card issuer's message, and the invoice stays open; a payment of a past-due
subscription's latest invoice makes it active again, and the payload shows it so.
"""

import asyncio

import strawberry

from ... import models
from ...billing import IDEMPOTENCY_PARAM, BillingError, NotFound, pay_invoice
from ...portal import Refusal, decide_pay_invoice, invoice_pay_refusal, view_payment_methods_refusal
from ..context import Context, Info
from ..customers.account_target import load_account, load_customer
from ..errors import ErrorCode, UserError, from_refusal, user_error
from ..live.announce import Announcement, LiveEventKind
from ..mutation_kit.calls import client_mutation_id_field, required_id, start_call, stripe_failure
from ..mutation_kit.one_at_a_time import one_at_a_time
from ..mutation_kit.spec import MutationSpec
from ..payment_methods.types import PaymentMethod
from ..subscriptions.subscription_target import rendered
from ..subscriptions.types import Subscription
from .types import Invoice

SPEC = MutationSpec(
    name="payInvoice",
    completes=(),
    announces=Announcement(LiveEventKind.INVOICE, changed="invoice"),
)
FIELD = "invoiceId"
NOT_FOUND_MESSAGE = "Invoice not found."
# Stripe parameters of the payment, as the inputs that set them.
STRIPE_FIELDS = {"invoice": FIELD, "payment_method": "paymentMethodId"}
# Failures after which Stripe's invoice, read again, says what happened: an answer lost on
# the way back, or a refusal of an invoice that was paid or voided since it was read.
_ASK_STRIPE_AGAIN = frozenset({ErrorCode.STRIPE_UNAVAILABLE, ErrorCode.INVALID_INPUT})


@strawberry.input
class PayInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(
        description="One of the customer's open invoices (in_...), e.g. a past-due "
        "subscription's `latestInvoiceId`."
    )
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="One of the customer's payment methods to charge; by default the one "
        "Stripe would charge (the subscription's, else the customer's default).",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type
class PayInvoicePayload:
    client_mutation_id: str | None
    invoice: Invoice | None = strawberry.field(description="The invoice, paid (null if not).")
    subscription: Subscription | None = strawberry.field(
        description="The invoice's subscription after the payment (ACTIVE again once its "
        "latest invoice is paid)."
    )
    payment_method: PaymentMethod | None = strawberry.field(
        description="The card charged (null where `paymentMethods` is not shown)."
    )
    user_errors: list[UserError]


async def _load_invoice(context: Context, invoice_id: str) -> models.Invoice | UserError:
    missing = required_id(invoice_id, FIELD, "invoice")
    if missing is not None:
        return missing
    try:
        return await context.loaders.invoice(invoice_id)
    except NotFound:
        # Missing and someone else's read the same.
        return user_error(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, FIELD)
    except BillingError as exc:
        return stripe_failure(exc)


async def _reread(context: Context, invoice_id: str) -> models.Invoice | None:
    """The invoice as Stripe has it now (None when Stripe cannot say either)."""
    context.loaders.forget_customer_data()
    try:
        return await context.loaders.invoice(invoice_id)
    except BillingError:
        return None


async def _subscription_of(context: Context, invoice: models.Invoice) -> Subscription | None:
    if invoice.subscription_id is None:
        return None
    try:
        return Subscription.from_model(await context.loaders.subscription(invoice.subscription_id))
    except BillingError:
        return None


async def _pay(context: Context, data: PayInvoiceInput) -> PayInvoicePayload:
    def payload(
        invoice: models.Invoice | None = None,
        subscription: Subscription | None = None,
        charged: PaymentMethod | None = None,
        errors: list[UserError] | None = None,
    ) -> PayInvoicePayload:
        return PayInvoicePayload(
            client_mutation_id=data.client_mutation_id,
            invoice=Invoice.from_model(invoice) if invoice is not None else None,
            subscription=subscription,
            payment_method=charged,
            user_errors=errors or [],
        )

    call = await start_call(context, SPEC, data)
    if isinstance(call, UserError):
        return payload(errors=[call])
    invoice_id = str(data.invoice_id).strip()
    # The invoice and what deciding the card needs, side by side (each one read, or none).
    invoice, account = await asyncio.gather(
        _load_invoice(context, invoice_id), load_account(context)
    )
    if isinstance(invoice, UserError):
        return payload(errors=[invoice])
    if call.replayed is not None:
        # A retry of a call that paid: the invoice and subscription as they are now.
        return payload(invoice, await _subscription_of(context, invoice))
    if isinstance(account, UserError):
        return payload(errors=[account])
    customer = account.customer
    if customer is None:
        # No saved payment method at all: the policy says what is missing.
        loaded = await load_customer(context)
        if isinstance(loaded, UserError):
            return payload(errors=[loaded])
        customer = loaded
    policy = await context.policy()
    chosen = str(data.payment_method_id) if data.payment_method_id is not None else None
    if chosen is not None:
        blank = required_id(chosen, "paymentMethodId", "payment method")
        if blank is not None:
            return payload(errors=[blank])
    decision = decide_pay_invoice(
        policy, invoice, customer, account.payment_methods, account.subscriptions, chosen
    )
    if isinstance(decision, Refusal):
        return payload(errors=[from_refusal(decision)])
    try:
        paid = await pay_invoice(
            context.billing,
            call.customer_id,
            invoice.id,
            decision.params,
            call.keys.key("pay"),
            subscription_id=invoice.subscription_id,
        )
    except BillingError as exc:
        call.wrote()
        if exc.code is ErrorCode.CARD_DECLINED:
            return payload(errors=[stripe_failure(exc, field="paymentMethodId")])
        if exc.code in _ASK_STRIPE_AGAIN and exc.param != IDEMPOTENCY_PARAM:
            after = await _reread(context, invoice.id)
            if exc.code is ErrorCode.STRIPE_UNAVAILABLE:
                # The payment may have gone through before the answer was lost.
                if after is not None and after.status == "paid":
                    await call.completed({"invoice": after.id})
                    return payload(after, await _subscription_of(context, after))
            elif after is not None:
                # Paid or voided meanwhile (a second click, a stale read): say which.
                refused = invoice_pay_refusal(policy, after)
                if refused is not None:
                    return payload(errors=[from_refusal(refused)])
        return payload(errors=[stripe_failure(exc, fields=STRIPE_FIELDS)])
    outcome = {"invoice": paid.invoice.id}
    if paid.subscription is not None:
        outcome["subscription"] = paid.subscription.id
    await call.completed(outcome)
    subscription = (
        await rendered(context, paid.subscription) if paid.subscription is not None else None
    )
    charged = None
    if view_payment_methods_refusal(policy) is None:
        method = next(
            (pm for pm in account.payment_methods if pm.id == decision.payment_method_id), None
        )
        if method is not None:
            charged = PaymentMethod.from_model(method, customer.default_payment_method_id)
    return payload(paid.invoice, subscription, charged)


@strawberry.type
class PayInvoiceMutation:
    @SPEC.field(description="Pay an open invoice now, with the default card or a chosen one.")
    async def pay_invoice(self, info: Info, input: PayInvoiceInput) -> PayInvoicePayload:
        context = info.context
        # A second click waits for the first, then reads the invoice it paid.
        async with one_at_a_time(context.scope().customer_id, str(input.invoice_id)):
            return await _pay(context, input)
