"""Pause, gated by `features.subscription_pause.enabled`, and resume, which is not.

Resuming needs no feature: a customer whose subscription is paused (by their own earlier
choice, by the merchant, or by Stripe when a trial ended without a payment method) can
always take it back, even from a portal that does not offer pausing.

The gateway pauses payment collection (`pause_collection[behavior]=void`): the
subscription stays active, its invoices are voided until it resumes, optionally at
`resumes_at`. The configured `duration` bounds that date: with `interval_options` the
customer must give one no later than the longest option allows; `indefinite` lets them
leave it open. A subscription in Stripe's own `paused` status (for example a trial that
ended without a payment method) resumes through Stripe's resume endpoint.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..actions import SubscriptionAction
from ..decisions import PauseDecision, ResumeDecision
from ..flows import flow_refusal
from ..refusals import Refusal
from .gates import gate, not_eligible
from .queued_change import foreign_schedule_refusal, queued_change_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription, SubscriptionStatus

    from ..configuration import Configuration, PauseIntervalOption
    from ..context import PolicyContext

PAUSABLE_STATUSES: frozenset[SubscriptionStatus] = frozenset({"active", "trialing"})


@dataclass(frozen=True)
class PauseOption:
    """A preset pause length and the `resumes_at` it gives when chosen now."""

    interval: str
    interval_count: int
    resumes_at: int


def add_interval(now: int, option: PauseIntervalOption) -> int:
    """`now` plus the option, on the calendar (a month from Jan 31 is Feb 28/29), in UTC."""
    start = datetime.fromtimestamp(now, UTC)
    count = option.interval_count
    if option.interval in ("day", "week"):
        days = count * (7 if option.interval == "week" else 1)
        return int((start + timedelta(days=days)).timestamp())
    months = count * (12 if option.interval == "year" else 1)
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    month = month_index + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def pause_options(configuration: Configuration, now: int) -> tuple[PauseOption, ...]:
    """The pause lengths a customer can pick from (none when pauses are indefinite)."""
    duration = configuration.features.subscription_pause.duration
    if duration.type != "interval_options":
        return ()
    return tuple(
        PauseOption(o.interval, o.interval_count, add_interval(now, o))
        for o in duration.interval_options
    )


def pause_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    """Why this subscription cannot be paused now (the date aside), or None."""
    refusal = gate(
        ctx,
        SubscriptionAction.PAUSE,
        enabled=ctx.configuration.features.subscription_pause.enabled,
        feature="Pausing subscriptions",
        subscription_id=subscription.id,
    )
    if refusal is not None:
        return refusal
    if subscription.is_paused:
        return Refusal(
            ErrorCode.ALREADY_PAUSED, "This subscription is already paused.", "subscriptionId"
        )
    if subscription.status not in PAUSABLE_STATUSES:
        return not_eligible(f"A subscription that is {subscription.status} cannot be paused.")
    if subscription.is_canceling:
        return not_eligible("This subscription is scheduled to cancel and cannot be paused.")
    return foreign_schedule_refusal(subscription, "paused") or queued_change_refusal(
        subscription, "paused"
    )


def _resumes_at_refusal(ctx: PolicyContext, resumes_at: int | None) -> Refusal | None:
    duration = ctx.configuration.features.subscription_pause.duration
    if resumes_at is not None and resumes_at <= ctx.now:
        return Refusal(
            ErrorCode.INVALID_INPUT, "The resume date must be in the future.", "resumesAt"
        )
    if duration.type == "indefinite":
        return None
    options = pause_options(ctx.configuration, ctx.now)
    if not options:
        return Refusal(ErrorCode.FEATURE_DISABLED, "No pause duration is offered.", "resumesAt")
    if resumes_at is None:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "Choose when the subscription resumes; it cannot be paused indefinitely.",
            "resumesAt",
        )
    latest = max(option.resumes_at for option in options)
    if resumes_at > latest:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "The resume date is later than the longest pause allowed.",
            "resumesAt",
        )
    return None


def _chosen_option(ctx: PolicyContext, pause_for: tuple[str, int]) -> PauseOption | Refusal:
    """The configured option the customer picked, dated from Stripe's clock (`ctx.now`).

    Choosing a length rather than a date keeps a browser whose clock differs from
    Stripe's (or a customer on a test clock) inside the configured bounds.
    """
    interval, count = pause_for
    for option in pause_options(ctx.configuration, ctx.now):
        if (option.interval, option.interval_count) == (interval, count):
            return option
    return Refusal(
        ErrorCode.INVALID_INPUT,
        "That pause length is not one of the offered options.",
        "pauseFor",
    )


def decide_pause(
    ctx: PolicyContext,
    subscription: Subscription,
    *,
    resumes_at: int | None = None,
    pause_for: tuple[str, int] | None = None,
) -> PauseDecision | Refusal:
    """Pause until `resumes_at`, or for `pause_for` (interval, count): one of the options."""
    if pause_for is not None:
        if resumes_at is not None:
            return Refusal(
                ErrorCode.INVALID_INPUT,
                "Give either a resume date or a pause length, not both.",
                "pauseFor",
            )
        refusal = pause_refusal(ctx, subscription)
        if refusal is not None:
            return refusal
        chosen = _chosen_option(ctx, pause_for)
        if isinstance(chosen, Refusal):
            return chosen
        resumes_at = chosen.resumes_at
    refusal = pause_refusal(ctx, subscription) or _resumes_at_refusal(ctx, resumes_at)
    if refusal is not None:
        return refusal
    pause: dict[str, object] = {"behavior": "void"}
    if resumes_at is not None:
        pause["resumes_at"] = resumes_at
    return PauseDecision(
        subscription_id=subscription.id,
        resumes_at=resumes_at,
        params={"pause_collection": pause},
        release_schedule_id=subscription.gateway_schedule_id,
    )


def resume_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    refusal = flow_refusal(ctx.flow, SubscriptionAction.RESUME, subscription.id)
    if refusal is not None:
        return refusal
    if subscription.status in ("canceled", "incomplete", "incomplete_expired"):
        return not_eligible(f"A subscription that is {subscription.status} cannot be resumed.")
    if not subscription.is_paused:
        return Refusal(ErrorCode.NOT_PAUSED, "This subscription is not paused.", "subscriptionId")
    if subscription.status == "paused" and subscription.collection_method != "charge_automatically":
        return not_eligible("Subscriptions paid by invoice cannot be resumed here.")
    return None


def decide_resume(ctx: PolicyContext, subscription: Subscription) -> ResumeDecision | Refusal:
    refusal = resume_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    if subscription.status == "paused":
        # Stripe's defaults, made explicit: a new period starts now, nothing is prorated.
        return ResumeDecision(
            subscription_id=subscription.id,
            call="resume",
            params={"billing_cycle_anchor": {"type": "now"}},
        )
    return ResumeDecision(
        subscription_id=subscription.id, call="update", params={"pause_collection": ""}
    )
