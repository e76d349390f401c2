"""What a customer may do right now, for a frontend to show only the buttons that work.

Computed by the very functions that decide each action, so the answer cannot drift from
the decisions: an action is available exactly when its decision function would allow some
input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import AccountAction, SubscriptionAction
from ..refusals import Refusal
from .cancel import cancel_refusal
from .customer import customer_update_refusal
from .invoices import invoice_history_refusal, subscription_pay_refusal
from .pause import pause_refusal, resume_refusal
from .payment_methods import payment_method_refusal
from .queued_change import undo_refusal
from .renew import renew_refusal
from .update import quantity_refusal, switch_targets, update_gate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.models import Price, Subscription

    from ..catalog import Catalog
    from ..configuration import CustomerField
    from ..context import PolicyContext
    from .eligibility import Updatable


def _switch_price(
    ctx: PolicyContext,
    subscription: Subscription,
    catalog: Catalog | None,
    targets: tuple[Price, ...] | None,
) -> Refusal | None:
    eligible = update_gate(ctx, subscription, SubscriptionAction.SWITCH_PRICE)
    if isinstance(eligible, Refusal):
        return eligible
    if targets is not None:
        found = bool(targets)
    elif catalog is not None:
        found = bool(switch_targets(ctx, subscription, catalog))
    else:
        current = eligible.item.price.id
        products = ctx.configuration.features.subscription_update.products or ()
        found = any(price != current for rule in products for price in rule.prices)
    if not found:
        return Refusal(
            ErrorCode.PRICE_NOT_ALLOWED, "No other plan is offered for this subscription."
        )
    return None


def _change_quantity(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    eligible = update_gate(ctx, subscription, SubscriptionAction.CHANGE_QUANTITY)
    if isinstance(eligible, Refusal):
        return eligible
    return _other_quantity_refusal(eligible)


def _other_quantity_refusal(eligible: Updatable) -> Refusal | None:
    """Refused unless some quantity other than the current one fits the bounds."""
    limits = eligible.rule.adjustable_quantity
    current = eligible.item.quantity
    low = max(limits.minimum, 1)
    candidates = [low, low + 1] if current == low else [low]
    for quantity in candidates:
        if quantity != current and quantity_refusal(limits, quantity) is None:
            return None
    return quantity_refusal(limits, current) or Refusal(
        ErrorCode.QUANTITY_NOT_ALLOWED,
        "The quantity of this plan cannot be changed.",
        "quantity",
    )


def action_availability(
    ctx: PolicyContext,
    subscription: Subscription,
    *,
    catalog: Catalog | None = None,
    targets: tuple[Price, ...] | None = None,
) -> Mapping[SubscriptionAction, Refusal | None]:
    """Each subscription action: None when allowed now, else why not.

    Without a catalog SWITCH_PRICE only knows the configured ids; with one it also applies
    the currency, active and recurring rules, as the switch itself will. `targets`, when
    given, are `switch_targets` for the same context, subscription and catalog.
    """
    update_promo = update_gate(ctx, subscription, SubscriptionAction.APPLY_PROMOTION_CODE)
    return {
        SubscriptionAction.CANCEL: cancel_refusal(ctx, subscription),
        SubscriptionAction.RENEW: renew_refusal(ctx, subscription),
        SubscriptionAction.SWITCH_PRICE: _switch_price(ctx, subscription, catalog, targets),
        SubscriptionAction.CHANGE_QUANTITY: _change_quantity(ctx, subscription),
        SubscriptionAction.APPLY_PROMOTION_CODE: (
            update_promo if isinstance(update_promo, Refusal) else None
        ),
        SubscriptionAction.PAUSE: pause_refusal(ctx, subscription),
        SubscriptionAction.RESUME: resume_refusal(ctx, subscription),
        SubscriptionAction.UNDO_SCHEDULED_CHANGE: undo_refusal(ctx, subscription),
        SubscriptionAction.PAY_INVOICE: subscription_pay_refusal(ctx, subscription),
    }


@dataclass(frozen=True)
class SubscriptionOptions:
    """What a frontend shows for a subscription: each action (None when allowed, else why
    not) and the prices it may switch to."""

    availability: Mapping[SubscriptionAction, Refusal | None]
    switch_targets: tuple[Price, ...]


def subscription_options(
    ctx: PolicyContext, subscription: Subscription, catalog: Catalog
) -> SubscriptionOptions:
    """`action_availability` and `switch_targets` together, the targets worked out once
    (SWITCH_PRICE is available exactly when its gate lets it through and there is one)."""
    targets = switch_targets(ctx, subscription, catalog)
    return SubscriptionOptions(
        action_availability(ctx, subscription, catalog=catalog, targets=targets), targets
    )


def available_actions(
    ctx: PolicyContext, subscription: Subscription, *, catalog: Catalog | None = None
) -> frozenset[SubscriptionAction]:
    """The subscription actions allowed right now."""
    availability = action_availability(ctx, subscription, catalog=catalog)
    return frozenset(action for action, refusal in availability.items() if refusal is None)


@dataclass(frozen=True)
class AccountCapabilities:
    """Account-level permissions of this session."""

    customer_fields: frozenset[CustomerField]
    manage_tax_ids: bool
    view_payment_methods: bool
    add_payment_method: bool
    set_default_payment_method: bool
    detach_payment_method: bool
    view_invoices: bool


_DETAIL_FIELDS: tuple[CustomerField, ...] = ("email", "name", "phone", "address", "shipping")


def account_capabilities(ctx: PolicyContext) -> AccountCapabilities:
    def allowed(refusal: Refusal | None) -> bool:
        return refusal is None

    return AccountCapabilities(
        customer_fields=frozenset(
            f for f in _DETAIL_FIELDS if allowed(customer_update_refusal(ctx, f))
        ),
        manage_tax_ids=allowed(customer_update_refusal(ctx, "tax_id")),
        view_payment_methods=allowed(
            payment_method_refusal(ctx, AccountAction.VIEW_PAYMENT_METHODS)
        ),
        add_payment_method=allowed(payment_method_refusal(ctx, AccountAction.ADD_PAYMENT_METHOD)),
        set_default_payment_method=allowed(
            payment_method_refusal(ctx, AccountAction.SET_DEFAULT_PAYMENT_METHOD)
        ),
        detach_payment_method=allowed(
            payment_method_refusal(ctx, AccountAction.DETACH_PAYMENT_METHOD)
        ),
        view_invoices=allowed(invoice_history_refusal(ctx)),
    )
