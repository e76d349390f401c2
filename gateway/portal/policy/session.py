"""Whether a session may be created with a flow, as Stripe checks `flow_data` at creation.

The flow's feature must be on, and its subscription must allow the flow's action now; a
`subscription_update_confirm` flow's exact change must pass the update rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import AccountAction, SubscriptionAction
from ..context import PolicyContext
from ..refusals import Refusal
from .cancel import cancel_refusal
from .customer import customer_update_refusal
from .pause import pause_refusal
from .payment_methods import payment_method_refusal
from .update import UpdateRequest, decide_update, update_gate

if TYPE_CHECKING:
    from gateway.models import Price, Subscription

    from ..configuration import Configuration
    from ..flows import Flow


def validate_flow(
    configuration: Configuration,
    flow: Flow,
    *,
    subscription: Subscription | None = None,
    target_price: Price | None = None,
    now: int,
) -> Refusal | None:
    """None when a session with this flow can be created; `subscription` is the flow's own,
    `target_price` the Price a confirm flow switches to."""
    ctx = PolicyContext(configuration=configuration, flow=flow, now=now)
    if flow.type == "payment_method_update":
        return payment_method_refusal(ctx, AccountAction.ADD_PAYMENT_METHOD)
    if flow.type == "customer_update":
        return customer_update_refusal(ctx)
    if subscription is None or subscription.id != flow.subscription_id:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "The flow's subscription is required.",
            "subscriptionId",
        )
    if flow.type == "subscription_cancel":
        return cancel_refusal(ctx, subscription)
    if flow.type == "subscription_pause":
        return pause_refusal(ctx, subscription)
    if flow.type == "subscription_update":
        refusals = [
            update_gate(ctx, subscription, action)
            for action in (
                SubscriptionAction.SWITCH_PRICE,
                SubscriptionAction.CHANGE_QUANTITY,
                SubscriptionAction.APPLY_PROMOTION_CODE,
            )
        ]
        if all(isinstance(r, Refusal) for r in refusals):
            first = refusals[0]
            assert isinstance(first, Refusal)
            return first
        return None
    assert flow.item is not None
    request = UpdateRequest(price_id=flow.item.price, quantity=flow.item.quantity)
    decision = decide_update(ctx, subscription, request, target_price)
    return decision if isinstance(decision, Refusal) else None
