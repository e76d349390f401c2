"""Payment methods: add one (a SetupIntent), make one the default, remove one.

Stripe's portal keeps at least one payment method while the customer has a subscription
that will charge it: to change cards, add the new one before removing the old. A
subscription's own default payment method wins over the customer's, so changing or
removing the default also repoints subscriptions that carry their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import AccountAction
from ..decisions import (
    DetachPaymentMethodDecision,
    SetDefaultPaymentMethodDecision,
    SetupIntentDecision,
    StripeParams,
    SubscriptionPaymentMethodChange,
)
from ..refusals import Refusal
from .gates import gate

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gateway.models import Customer, PaymentMethod, Subscription, SubscriptionStatus

    from ..context import PolicyContext

# Subscriptions that will still charge a payment method.
CHARGING_STATUSES: frozenset[SubscriptionStatus] = frozenset({"active", "trialing", "past_due"})
_ENDED: frozenset[SubscriptionStatus] = frozenset({"canceled", "incomplete_expired"})


# Marks a setup intent created in a `payment_method_update` flow: the card it saves becomes
# the customer's default, as in Stripe's own flow.
FLOW_DEFAULT_METADATA = "portal_gateway_becomes_default"
# The customer's default when that intent was created (`NO_DEFAULT` for none: Stripe drops
# a metadata key set to ""): the webhook that learns the intent succeeded moves the
# default only while it is still this one.
FLOW_REPLACES_METADATA = "portal_gateway_replaces_default"
NO_DEFAULT = "none"


def new_card_becomes_default(ctx: PolicyContext) -> bool:
    """In a `payment_method_update` flow the card the customer adds is the one that pays."""
    return ctx.flow is not None and ctx.flow.type == "payment_method_update"


def payment_method_refusal(ctx: PolicyContext, action: AccountAction) -> Refusal | None:
    """May the customer see / add / change / remove payment methods in this session?"""
    return gate(
        ctx,
        action,
        enabled=ctx.configuration.features.payment_method_update.enabled,
        feature="Managing payment methods",
    )


def view_payment_methods_refusal(ctx: PolicyContext) -> Refusal | None:
    """May saved payment methods be shown: the list, and the customer's default one alike."""
    return payment_method_refusal(ctx, AccountAction.VIEW_PAYMENT_METHODS)


def decide_add_payment_method(
    ctx: PolicyContext, customer: Customer
) -> SetupIntentDecision | Refusal:
    refusal = payment_method_refusal(ctx, AccountAction.ADD_PAYMENT_METHOD)
    if refusal is not None:
        return refusal
    params: StripeParams = {
        "customer": customer.id,
        "usage": "off_session",
        "automatic_payment_methods": {"enabled": True},
    }
    pmc = ctx.configuration.features.payment_method_update.payment_method_configuration
    if pmc:
        params["payment_method_configuration"] = pmc
    if new_card_becomes_default(ctx):
        params["metadata"] = {
            FLOW_DEFAULT_METADATA: "true",
            FLOW_REPLACES_METADATA: customer.default_payment_method_id or NO_DEFAULT,
        }
    return SetupIntentDecision(customer_id=customer.id, params=params)


def _repoint(
    subscriptions: Sequence[Subscription], old: str | None, new: str
) -> tuple[SubscriptionPaymentMethodChange, ...]:
    """Subscriptions with their own default (`old`, or any other when old is None) -> `new`."""
    return tuple(
        SubscriptionPaymentMethodChange(s.id, {"default_payment_method": new})
        for s in subscriptions
        if s.status not in _ENDED
        and s.default_payment_method_id is not None
        and s.default_payment_method_id != new
        and (old is None or s.default_payment_method_id == old)
    )


def _foreign(customer: Customer, payment_method: PaymentMethod) -> Refusal | None:
    if payment_method.customer_id != customer.id:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "This payment method is not attached to the customer.",
            "paymentMethodId",
        )
    return None


def decide_set_default_payment_method(
    ctx: PolicyContext,
    customer: Customer,
    payment_method: PaymentMethod,
    subscriptions: Sequence[Subscription] = (),
) -> SetDefaultPaymentMethodDecision | Refusal:
    refusal = payment_method_refusal(ctx, AccountAction.SET_DEFAULT_PAYMENT_METHOD) or _foreign(
        customer, payment_method
    )
    if refusal is not None:
        return refusal
    return SetDefaultPaymentMethodDecision(
        customer_id=customer.id,
        payment_method_id=payment_method.id,
        customer_params={"invoice_settings": {"default_payment_method": payment_method.id}},
        subscription_changes=_repoint(subscriptions, None, payment_method.id),
    )


def is_flow_card_intent(metadata: Mapping[str, str]) -> bool:
    """Whether a setup intent was created by the gateway in a `payment_method_update` flow
    (an intent made anywhere else never moves the default)."""
    return metadata.get(FLOW_DEFAULT_METADATA) == "true" and FLOW_REPLACES_METADATA in metadata


def decide_flow_card_default(
    metadata: Mapping[str, str],
    customer: Customer,
    payment_method: PaymentMethod,
    subscriptions: Sequence[Subscription] = (),
) -> SetDefaultPaymentMethodDecision | None:
    """The default a flow's card gets once its setup intent succeeded, without the browser.

    The card becomes the default (and that of every subscription carrying its own, as
    `decide_set_default_payment_method`) only while the customer's default is still the one
    it was when the intent was created: a default chosen since (another card made the
    default, or this one already) is a later choice and wins. When the card already is the
    default, only subscriptions still on the replaced card follow it (a change that stopped
    part way is finished). None: nothing to do (not a flow intent, a card no longer
    attached to the customer, or a later choice).
    """
    if not is_flow_card_intent(metadata) or payment_method.customer_id != customer.id:
        return None
    recorded = metadata[FLOW_REPLACES_METADATA]
    replaced = None if recorded in ("", NO_DEFAULT) else recorded
    current = customer.default_payment_method_id
    if current == payment_method.id:
        changes = _repoint(subscriptions, replaced, payment_method.id) if replaced else ()
        if not changes:
            return None
        return SetDefaultPaymentMethodDecision(
            customer_id=customer.id,
            payment_method_id=payment_method.id,
            customer_params=None,
            subscription_changes=changes,
        )
    if current != replaced:
        return None
    return SetDefaultPaymentMethodDecision(
        customer_id=customer.id,
        payment_method_id=payment_method.id,
        customer_params={"invoice_settings": {"default_payment_method": payment_method.id}},
        subscription_changes=_repoint(subscriptions, None, payment_method.id),
    )


def decide_detach_payment_method(
    ctx: PolicyContext,
    customer: Customer,
    payment_method: PaymentMethod,
    payment_methods: Sequence[PaymentMethod],
    subscriptions: Sequence[Subscription],
) -> DetachPaymentMethodDecision | Refusal:
    """`payment_methods`: all of the customer's; `subscriptions`: all of theirs."""
    refusal = payment_method_refusal(ctx, AccountAction.DETACH_PAYMENT_METHOD) or _foreign(
        customer, payment_method
    )
    if refusal is not None:
        return refusal
    others = [p for p in payment_methods if p.id != payment_method.id]
    if not others and any(s.status in CHARGING_STATUSES for s in subscriptions):
        return Refusal(
            ErrorCode.LAST_PAYMENT_METHOD,
            "This is the only payment method for an active subscription; add another "
            "before removing it.",
            "paymentMethodId",
        )
    replacement = customer.default_payment_method_id
    customer_params: StripeParams | None = None
    if replacement == payment_method.id or replacement is None:
        newest = max(others, key=lambda p: (p.created, p.id), default=None)
        replacement = newest.id if newest is not None else None
        if customer.default_payment_method_id == payment_method.id and replacement is not None:
            customer_params = {"invoice_settings": {"default_payment_method": replacement}}
    changes = (
        _repoint(subscriptions, payment_method.id, replacement) if replacement is not None else ()
    )
    return DetachPaymentMethodDecision(
        customer_id=customer.id,
        payment_method_id=payment_method.id,
        new_default_payment_method_id=replacement if customer_params is not None else None,
        customer_params=customer_params,
        subscription_changes=changes,
    )
