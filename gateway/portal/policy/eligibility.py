"""Which subscriptions the portal can update at all (as opposed to only cancel).

Stripe's portal only lets customers cancel subscriptions with several items, usage-based
(metered) prices, `send_invoice` collection or an attached schedule, and only updates
subscriptions whose current product and price are in the configuration's catalog (the
`prices` a product lists are those "which, when subscribed to, a subscription can be
updated"). A subscription that is ending, paused or not in good standing is not updated
either: renew, resume or pay first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .gates import not_eligible
from .queued_change import foreign_schedule_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription, SubscriptionItem, SubscriptionStatus

    from ..configuration import Configuration, ProductRule
    from ..refusals import Refusal

UPDATABLE_STATUSES: frozenset[SubscriptionStatus] = frozenset({"active", "trialing"})


@dataclass(frozen=True)
class Updatable:
    """An updatable subscription's one item and the configuration entry of its product."""

    item: SubscriptionItem
    rule: ProductRule


def update_eligibility(config: Configuration, subscription: Subscription) -> Updatable | Refusal:
    if subscription.status not in UPDATABLE_STATUSES:
        return not_eligible(f"A subscription that is {subscription.status} cannot be changed.")
    if subscription.is_canceling:
        return not_eligible("This subscription is scheduled to cancel; renew it to change it.")
    if subscription.pause_collection is not None:
        return not_eligible("This subscription is paused; resume it to change it.")
    if len(subscription.items) != 1:
        return not_eligible(
            f"This subscription has {len(subscription.items)} items; only subscriptions with "
            "one item can be changed here."
        )
    if subscription.collection_method != "charge_automatically":
        return not_eligible("Subscriptions paid by invoice cannot be changed here.")
    foreign = foreign_schedule_refusal(subscription, "changed")
    if foreign is not None:
        return foreign
    item = subscription.items[0]
    price = item.price
    if not price.is_recurring or price.usage_type == "metered":
        return not_eligible("Usage-based subscriptions cannot be changed here.")
    rule = config.features.subscription_update.product_rule(price.product_id)
    if rule is None or price.id not in rule.prices:
        return not_eligible("This plan cannot be changed here.")
    return Updatable(item=item, rule=rule)
