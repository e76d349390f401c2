"""Switch price, change quantity, apply a promotion code: the portal's subscription update.

One request may combine them, as the hosted portal's update page does. Each part needs its
type in `default_allowed_updates`; a new price must be listed under its own product, be
active, recurring, licensed and in the subscription's currency; a quantity must be
positive and inside the product's `adjustable_quantity` bounds. The decision carries the
configuration's proration behaviour, trial handling and billing cycle anchor, or becomes a
change scheduled at period end when a `schedule_at_period_end` condition matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import SubscriptionAction
from ..decisions import ScheduledUpdateDecision, StripeParams, UpdateDecision
from ..flows import flow_refusal
from ..refusals import Refusal
from .eligibility import Updatable, update_eligibility
from .queued_change import queued_change_refusal
from .scheduling import matching_conditions

if TYPE_CHECKING:
    from gateway.models import Price, Subscription, SubscriptionItem

    from ..catalog import Catalog
    from ..configuration import AdjustableQuantity, ProductRule, SubscriptionUpdateType
    from ..context import PolicyContext

_UPDATE_TYPE: dict[SubscriptionAction, SubscriptionUpdateType] = {
    SubscriptionAction.SWITCH_PRICE: "price",
    SubscriptionAction.CHANGE_QUANTITY: "quantity",
    SubscriptionAction.APPLY_PROMOTION_CODE: "promotion_code",
}
_FIELD = {
    SubscriptionAction.SWITCH_PRICE: "priceId",
    SubscriptionAction.CHANGE_QUANTITY: "quantity",
    SubscriptionAction.APPLY_PROMOTION_CODE: "promotionCode",
}
_WHAT = {
    SubscriptionAction.SWITCH_PRICE: "Changing plans",
    SubscriptionAction.CHANGE_QUANTITY: "Changing quantities",
    SubscriptionAction.APPLY_PROMOTION_CODE: "Applying promotion codes",
}


@dataclass(frozen=True)
class UpdateRequest:
    """What the customer asks for; None leaves that part as it is.

    `promotion_code` is the `promo_...` id (billing/ looks up the code a customer types).
    `proration_date` reproduces a preview's prorations exactly: the moment a preview's quote
    carries (the gateway's choice, never the client's).
    """

    price_id: str | None = None
    quantity: int | None = None
    promotion_code: str | None = None
    proration_date: int | None = None
    # The coupon the code applies, once billing/ has looked the code up.
    promotion_code_coupon: str | None = None


def update_gate(
    ctx: PolicyContext, subscription: Subscription, action: SubscriptionAction
) -> Updatable | Refusal:
    """May this kind of update happen to this subscription at all (any input aside)?"""
    refusal = flow_refusal(ctx.flow, action, subscription.id)
    if refusal is not None:
        return refusal
    feature = ctx.configuration.features.subscription_update
    if not feature.enabled:
        return Refusal(
            ErrorCode.FEATURE_DISABLED, "Changing subscriptions is not available in this portal."
        )
    if not feature.allows(_UPDATE_TYPE[action]):
        return Refusal(
            ErrorCode.FEATURE_DISABLED,
            f"{_WHAT[action]} is not available in this portal.",
            _FIELD[action],
        )
    eligible = update_eligibility(ctx.configuration, subscription)
    if isinstance(eligible, Refusal):
        return eligible
    if action is SubscriptionAction.APPLY_PROMOTION_CODE:
        queued = queued_change_refusal(subscription, "given a promotion code")
        if queued is not None:
            return queued
    flow = ctx.flow
    if flow is not None and flow.item is not None:
        item = eligible.item
        wanted = {
            SubscriptionAction.SWITCH_PRICE: flow.item.price not in (None, item.price.id),
            SubscriptionAction.CHANGE_QUANTITY: flow.item.quantity not in (None, item.quantity),
        }
        if flow.item.id != item.id or not wanted.get(action, False):
            return Refusal(
                ErrorCode.FLOW_RESTRICTED,
                f"This session is limited to {flow.purpose}.",
                _FIELD[action],
            )
    return eligible


def quantity_refusal(limits: AdjustableQuantity, quantity: int) -> Refusal | None:
    if not limits.enabled:
        return Refusal(
            ErrorCode.QUANTITY_NOT_ALLOWED,
            "The quantity of this plan cannot be changed.",
            "quantity",
        )
    if quantity < limits.minimum or (limits.maximum is not None and quantity > limits.maximum):
        upper = f" and at most {limits.maximum}" if limits.maximum is not None else ""
        return Refusal(
            ErrorCode.QUANTITY_NOT_ALLOWED,
            f"The quantity must be at least {max(limits.minimum, 1)}{upper}.",
            "quantity",
        )
    return None


@dataclass(frozen=True)
class _Change:
    """An update its gates let through: what the subscription's one item becomes."""

    eligible: Updatable
    actions: tuple[SubscriptionAction, ...]
    price_id: str
    quantity: int

    @property
    def item(self) -> SubscriptionItem:
        return self.eligible.item

    @property
    def changes_price(self) -> bool:
        return SubscriptionAction.SWITCH_PRICE in self.actions

    @property
    def changes_quantity(self) -> bool:
        return SubscriptionAction.CHANGE_QUANTITY in self.actions


@dataclass(frozen=True)
class _Target:
    """The price the item will have, and the configuration entry it is listed under."""

    price: Price
    rule: ProductRule


def decide_update(
    ctx: PolicyContext,
    subscription: Subscription,
    request: UpdateRequest,
    target_price: Price | None = None,
) -> UpdateDecision | ScheduledUpdateDecision | Refusal:
    """Decide a price, quantity and/or promotion code change; `target_price` is the new Price."""
    change = _gated_change(ctx, subscription, request)
    if isinstance(change, Refusal):
        return change
    refusal = promotion_code_applied_refusal(ctx, subscription, request) or _flow_item_refusal(
        ctx, change
    )
    if refusal is not None:
        return refusal
    target = _target(ctx, subscription, change, target_price)
    if isinstance(target, Refusal):
        return target
    refusal = _quote_period_refusal(request, change.item)
    if refusal is not None:
        return refusal
    discounts = _discounts(ctx, request)
    scheduled = _scheduled_update(ctx, subscription, change, target, discounts)
    return scheduled or _immediate_update(ctx, subscription, request, change, discounts)


def _input_refusal(request: UpdateRequest) -> Refusal | None:
    """Input no subscription could take: nothing asked, a quantity below 1, an empty code."""
    if request.price_id is None and request.quantity is None and request.promotion_code is None:
        return Refusal(ErrorCode.INVALID_INPUT, "Nothing to change was given.")
    if request.quantity is not None and request.quantity <= 0:
        return Refusal(ErrorCode.INVALID_INPUT, "The quantity must be at least 1.", "quantity")
    if request.promotion_code is not None and not request.promotion_code.strip():
        return Refusal(ErrorCode.INVALID_INPUT, "The promotion code is empty.", "promotionCode")
    return None


def _actions(
    request: UpdateRequest, item: SubscriptionItem | None
) -> tuple[SubscriptionAction, ...]:
    """The kinds of change asked for (each has its own rules): what differs from `item`."""
    current_price = item.price.id if item else None
    current_quantity = item.quantity if item else None
    involved = {
        SubscriptionAction.SWITCH_PRICE: request.price_id not in (None, current_price),
        SubscriptionAction.CHANGE_QUANTITY: request.quantity not in (None, current_quantity),
        SubscriptionAction.APPLY_PROMOTION_CODE: request.promotion_code is not None,
    }
    return tuple(action for action, asked in involved.items() if asked)


def _gated_change(
    ctx: PolicyContext, subscription: Subscription, request: UpdateRequest
) -> _Change | Refusal:
    """The change asked for, once every kind of change in it may happen to `subscription`."""
    refusal = _input_refusal(request)
    if refusal is not None:
        return refusal
    # Which kinds of change this is decides which rules apply; that needs the current item.
    eligible = update_eligibility(ctx.configuration, subscription)
    actions = _actions(request, eligible.item if isinstance(eligible, Updatable) else None)
    if not actions:
        message = "The subscription already has this plan and quantity."
        if subscription.queued_change is not None:
            message += " To keep them, undo the queued change (undoScheduledChange)."
        field = "priceId" if request.price_id is not None else "quantity"
        return Refusal(ErrorCode.INVALID_INPUT, message, field)
    for action in actions:
        eligible = update_gate(ctx, subscription, action)
        if isinstance(eligible, Refusal):
            return eligible
    if isinstance(eligible, Refusal):
        return eligible
    item = eligible.item
    return _Change(
        eligible=eligible,
        actions=actions,
        price_id=request.price_id if request.price_id is not None else item.price.id,
        quantity=request.quantity if request.quantity is not None else item.quantity,
    )


def _flow_item_refusal(ctx: PolicyContext, change: _Change) -> Refusal | None:
    """A session limited to one change of the item allows that change only."""
    flow = ctx.flow
    if flow is None or flow.item is None:
        return None
    item = change.item
    if (flow.item.price or item.price.id) != change.price_id:
        field = "priceId"
    elif (flow.item.quantity or item.quantity) != change.quantity:
        field = "quantity"
    else:
        return None
    return Refusal(ErrorCode.FLOW_RESTRICTED, f"This session is limited to {flow.purpose}.", field)


def _target(
    ctx: PolicyContext, subscription: Subscription, change: _Change, target_price: Price | None
) -> _Target | Refusal:
    """The item's price afterwards, allowed by the configuration, at an allowed quantity."""
    target = _Target(change.item.price, change.eligible.rule)
    if change.changes_price:
        listed = _listed_price(ctx, subscription, change.price_id, target_price)
        if isinstance(listed, Refusal):
            return listed
        target = listed
    if change.changes_quantity or change.changes_price:
        limits = target.rule.adjustable_quantity
        # A kept quantity need only fit the new product's bounds when it has any.
        if change.changes_quantity or limits.enabled:
            refusal = quantity_refusal(limits, change.quantity)
            if refusal is not None:
                return refusal
    return target


def _listed_price(
    ctx: PolicyContext, subscription: Subscription, price_id: str, price: Price | None
) -> _Target | Refusal:
    """The new price with the configuration entry it is listed under, or why it is not allowed."""
    feature = ctx.configuration.features.subscription_update
    rule = feature.rule_listing_price(price_id)

    def refuse(message: str) -> Refusal:
        return Refusal(ErrorCode.PRICE_NOT_ALLOWED, message, "priceId")

    if rule is None or price is None or price.id != price_id:
        return refuse(f"{price_id} is not one of the plans offered here.")
    if price.product_id != rule.product:
        return refuse(f"{price_id} is not a price of {rule.product}.")
    if not price.active:
        return refuse(f"{price_id} is no longer available.")
    if not price.is_recurring or price.usage_type == "metered":
        return refuse(f"{price_id} is not a recurring, per-unit price.")
    if price.currency.lower() != subscription.currency.lower():
        return refuse(
            f"{price_id} is in {price.currency.upper()}, but this subscription is billed in "
            f"{subscription.currency.upper()}."
        )
    return _Target(price, rule)


def _quote_period_refusal(request: UpdateRequest, item: SubscriptionItem) -> Refusal | None:
    """Only a preview's quote carries a proration date: one outside this period is stale."""
    date = request.proration_date
    if date is None or item.current_period_start <= date <= item.current_period_end:
        return None
    return Refusal(
        ErrorCode.QUOTE_EXPIRED,
        "This quote is for an earlier billing period. Preview the change again.",
        "quote",
    )


def _scheduled_update(
    ctx: PolicyContext,
    subscription: Subscription,
    change: _Change,
    target: _Target,
    discounts: list[dict[str, str]],
) -> ScheduledUpdateDecision | None:
    """The item's change deferred to the period's end, when a configured condition matches."""
    if not (change.changes_price or change.changes_quantity):
        return None
    item = change.item
    feature = ctx.configuration.features.subscription_update
    conditions = matching_conditions(
        feature, item.price, item.quantity, target.price, change.quantity
    )
    if not conditions:
        return None
    next_phase: StripeParams = {
        "items": [{"price": change.price_id, "quantity": change.quantity}],
        "proration_behavior": "none",
    }
    # A phase left without discounts would end the customer's discount.
    kept = _discounts_in_force(ctx, subscription)
    if discounts or kept:
        next_phase["discounts"] = discounts or list(kept)
    return ScheduledUpdateDecision(
        subscription_id=subscription.id,
        item_id=item.id,
        current_price_id=item.price.id,
        current_quantity=item.quantity,
        price_id=change.price_id,
        quantity=change.quantity,
        effective_at=item.current_period_end,
        conditions=conditions,
        next_phase=next_phase,
        current_discounts=kept,
        schedule_id=subscription.gateway_schedule_id,
        schedule_phase_start=subscription.schedule_phase_start,
    )


def _immediate_update(
    ctx: PolicyContext,
    subscription: Subscription,
    request: UpdateRequest,
    change: _Change,
    discounts: list[dict[str, str]],
) -> UpdateDecision:
    """The change applied now, with the configuration's proration, trial and anchor rules."""
    feature = ctx.configuration.features.subscription_update
    params: StripeParams = {}
    if change.changes_price or change.changes_quantity:
        params["items"] = [
            {"id": change.item.id, "price": change.price_id, "quantity": change.quantity}
        ]
        params["proration_behavior"] = feature.proration_behavior
        if request.proration_date is not None and feature.proration_behavior != "none":
            params["proration_date"] = request.proration_date
        if subscription.status == "trialing":
            if feature.trial_update_behavior == "end_trial":
                params["trial_end"] = "now"
        elif feature.billing_cycle_anchor == "now":
            params["billing_cycle_anchor"] = {"type": "now"}
    if discounts:
        params["discounts"] = discounts
    return UpdateDecision(
        subscription_id=subscription.id,
        item_id=change.item.id,
        price_id=change.price_id,
        quantity=change.quantity,
        changes_price=change.changes_price,
        changes_quantity=change.changes_quantity,
        promotion_code=request.promotion_code,
        params=params,
        release_schedule_id=subscription.gateway_schedule_id,
    )


def promotion_code_applied_refusal(
    ctx: PolicyContext, subscription: Subscription, request: UpdateRequest
) -> Refusal | None:
    """PROMOTION_CODE_ALREADY_APPLIED for a code (as typed, or its `promo_...` id) or coupon
    the subscription has now: applying it again would restart the discount's months."""
    if request.promotion_code is None:
        return None
    wanted = request.promotion_code.strip()
    now = subscription.test_clock_time or ctx.now
    for discount in subscription.discounts:
        if not discount.active_at(now):
            continue
        same_code = wanted in (discount.promotion_code_id, discount.id) or (
            discount.promotion_code is not None
            and discount.promotion_code.casefold() == wanted.casefold()
        )
        same_coupon = (
            request.promotion_code_coupon is not None
            and request.promotion_code_coupon == discount.coupon_id
        )
        if same_code or same_coupon:
            what = discount.promotion_code or wanted
            return Refusal(
                ErrorCode.PROMOTION_CODE_ALREADY_APPLIED,
                f"The promotion code {what} is already applied to this subscription.",
                "promotionCode",
            )
    return None


def _discounts_in_force(
    ctx: PolicyContext, subscription: Subscription
) -> tuple[dict[str, str], ...]:
    """The subscription's discounts in force now, as schedule phase parameters."""
    now = subscription.test_clock_time or ctx.now
    return tuple({"discount": d.id} for d in subscription.discounts if d.active_at(now))


def _discounts(ctx: PolicyContext, request: UpdateRequest) -> list[dict[str, str]]:
    """The customer's promotion code, or the discounts a confirm flow was created with."""
    if request.promotion_code is not None:
        return [{"promotion_code": request.promotion_code.strip()}]
    if ctx.flow is not None and ctx.flow.item is not None:
        return [discount.as_param() for discount in ctx.flow.discounts]
    return []


def switch_targets(
    ctx: PolicyContext, subscription: Subscription, catalog: Catalog
) -> tuple[Price, ...]:
    """The prices this subscription may switch to now, by the same rules as `decide_update`."""
    if isinstance(update_gate(ctx, subscription, SubscriptionAction.SWITCH_PRICE), Refusal):
        return ()  # every price would be refused for the same reason
    targets = []
    for rule in ctx.configuration.features.subscription_update.products or ():
        for price_id in rule.prices:
            price = catalog.price(price_id)
            if price is None:
                continue
            decision = decide_update(ctx, subscription, UpdateRequest(price_id=price_id), price)
            if not isinstance(decision, Refusal):
                targets.append(price)
    return tuple(targets)


def quantity_limits(ctx: PolicyContext, subscription: Subscription) -> AdjustableQuantity | None:
    """The bounds a quantity picker should offer now, or None when it cannot change."""
    eligible = update_gate(ctx, subscription, SubscriptionAction.CHANGE_QUANTITY)
    if isinstance(eligible, Refusal) or not eligible.rule.adjustable_quantity.enabled:
        return None
    return eligible.rule.adjustable_quantity
