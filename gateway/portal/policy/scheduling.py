"""When a change waits for the end of the period (`schedule_at_period_end.conditions`).

`decreasing_item_amount`: the item costs less afterwards, compared per day so that a yearly
and a monthly price compare fairly. `shortening_interval`: the new price bills more often.
An amount Stripe does not give (tiered or custom prices) never counts as decreasing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.models import Price

    from ..configuration import ScheduleConditionType, SubscriptionUpdateFeature


def _decreases(current: Price, current_quantity: int, new: Price, new_quantity: int) -> bool:
    if current.unit_amount is None or new.unit_amount is None:
        return False
    current_days = current.interval_seconds_rank()
    new_days = new.interval_seconds_rank()
    # new_amount / new_days < current_amount / current_days, without division.
    return (
        new.unit_amount * new_quantity * current_days
        < current.unit_amount * current_quantity * new_days
    )


def matching_conditions(
    feature: SubscriptionUpdateFeature,
    current: Price,
    current_quantity: int,
    new: Price,
    new_quantity: int,
) -> tuple[ScheduleConditionType, ...]:
    """The configured conditions this change meets; any one schedules it at period end."""
    matched: list[ScheduleConditionType] = []
    for condition in feature.schedule_at_period_end.conditions:
        if condition.type == "decreasing_item_amount" and _decreases(
            current, current_quantity, new, new_quantity
        ):
            matched.append(condition.type)
        if (
            condition.type == "shortening_interval"
            and new.interval_seconds_rank() < current.interval_seconds_rank()
        ):
            matched.append(condition.type)
    return tuple(dict.fromkeys(matched))
