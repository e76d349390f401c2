"""Pause, gated by `features.subscription_pause.enabled`, and resume, which is not.

The gateway pauses as Stripe's hosted portal does since API 2026-09-30: with Stripe's own
pause (status `paused`: no invoices, no new periods, `customer.subscription.paused` and
`resumed` events), not by pausing payment collection.

- A pause for one of the configured lengths (`duration.interval_options`) is a
  subscription schedule made from the subscription with a pause schedule in the same
  request: it pauses now and Stripe resumes it when the length has passed, counted on
  Stripe's clock from the pause.
- An open-ended pause (only when the configuration's duration is `indefinite`) is
  `POST /v1/subscriptions/{id}/pause`; with `indefinite` a customer may also give any
  length (or date) up to three years, the longest pause option Stripe allows.
- Both need Stripe's flexible billing mode and automatic collection (Stripe's rules for
  pausing and for pause schedules). A subscription in classic mode is not offered a
  pause, and the reason says why: migrating it (`POST /v1/subscriptions/{id}/migrate`)
  is a one-way change of how all its invoices are computed, which is the business's
  decision, not a side effect of a customer's pause.

Both pauses credit the unused time of the current period (Stripe's defaults) and resuming
starts a new period, charged at once less that credit.

Resuming needs no feature: a customer whose subscription is paused (by their own earlier
choice, or by Stripe when a trial ended without a payment method) can always take it back,
even from a portal that does not offer pausing. The gateway's pause schedule is released
first, so a resume date still pending cannot resume the subscription a second time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ...errors import ErrorCode
from ...models import PAUSE_METADATA
from ..actions import SubscriptionAction
from ..decisions import PauseDecision, ResumeDecision
from ..flows import flow_refusal
from ..refusals import Refusal
from ..validation import MAX_PAUSE_DAYS, PAUSE_UNIT_LIMIT
from .gates import gate, not_eligible
from .queued_change import foreign_schedule_refusal, queued_change_refusal

if TYPE_CHECKING:
    from gateway.models import Subscription, SubscriptionStatus

    from ..configuration import Configuration, PauseIntervalOption
    from ..context import PolicyContext

PAUSABLE_STATUSES: frozenset[SubscriptionStatus] = frozenset({"active", "trialing"})
# What the pause and the resume do (Stripe's defaults, made explicit so they stay put): the
# unused time of the period is credited from the pause; the resume starts a new period at
# the resume date, charged at once less that credit, and the subscription stays paused
# until that payment succeeds.
PAUSE_SETTINGS = {
    "type": "subscription",
    "invoicing_behavior": "pending_invoice_item",
    "bill_for": {"unused_time_from": {"type": "pause_at"}},
}
RESUME_SETTINGS = {
    "billing_cycle_anchor": "resume_at",
    "proration_behavior": "create_prorations",
    "payment_behavior": "resume_on_payment_success",
}


# How far a deprecated `resumesAt` may be from an offered length's end. Less than half a
# day, so a date never stands for two daily lengths.
DEPRECATED_DATE_SLACK = 12 * 3600


@dataclass(frozen=True)
class PauseOption:
    """A preset pause length and the `resumes_at` it gives when chosen now."""

    interval: str
    interval_count: int
    resumes_at: int


def add_interval(now: int, option: PauseIntervalOption) -> int:
    """`now` plus the option, on the calendar (a month from Jan 31 is Feb 28/29), in UTC."""
    return _add(now, option.interval, option.interval_count)


def _add(now: int, interval: str, count: int) -> int:
    start = datetime.fromtimestamp(now, UTC)
    if interval in ("day", "week"):
        days = count * (7 if interval == "week" else 1)
        return int((start + timedelta(days=days)).timestamp())
    months = count * (12 if interval == "year" else 1)
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
    """Why this subscription cannot be paused now (the length aside), or None."""
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
    if subscription.billing_mode != "flexible":
        return not_eligible(
            "This subscription uses Stripe's classic billing mode; only subscriptions in "
            "flexible billing mode can be paused."
        )
    if subscription.collection_method != "charge_automatically":
        return not_eligible("Subscriptions paid by invoice cannot be paused here.")
    return foreign_schedule_refusal(subscription, "paused") or queued_change_refusal(
        subscription, "paused"
    )


def _not_offered(message: str, field: str) -> Refusal:
    return Refusal(ErrorCode.PAUSE_DURATION_NOT_OFFERED, message, field)


def _offered_length(
    ctx: PolicyContext, pause_for: tuple[str, int] | None, resumes_at: int | None
) -> tuple[str, int] | int | Refusal | None:
    """What the customer chose, as the configuration allows it: a length (interval, count),
    a date (only with `indefinite`), None for open-ended, or why not."""
    indefinite = ctx.configuration.features.subscription_pause.duration.type == "indefinite"
    options = pause_options(ctx.configuration, ctx.now)
    if pause_for is not None:
        interval, count = pause_for
        if indefinite:
            if not 1 <= count <= PAUSE_UNIT_LIMIT[interval]:
                return _not_offered(
                    f"A pause can last from 1 to {PAUSE_UNIT_LIMIT[interval]} {interval}s "
                    "(three years at most).",
                    "pauseFor.intervalCount",
                )
            return (interval, count)
        if any((o.interval, o.interval_count) == (interval, count) for o in options):
            return (interval, count)
        return _not_offered("That pause length is not one of the offered options.", "pauseFor")
    if resumes_at is not None:
        if resumes_at <= ctx.now:
            return Refusal(
                ErrorCode.INVALID_INPUT, "The resume date must be in the future.", "resumesAt"
            )
        if indefinite:
            if resumes_at > ctx.now + MAX_PAUSE_DAYS * 86_400:
                return _not_offered("A pause can last three years at most.", "resumesAt")
            return resumes_at
        # Deprecated: a date stands for the length that ends nearest to it, within
        # DEPRECATED_DATE_SLACK (a client counting on its own clock, or from its own midnight).
        near = [o for o in options if abs(o.resumes_at - resumes_at) < DEPRECATED_DATE_SLACK]
        if near:
            option = min(near, key=lambda o: abs(o.resumes_at - resumes_at))
            return (option.interval, option.interval_count)
        return _not_offered(
            "The resume date is not within 12 hours of the end of one of the offered pause "
            "lengths; choose one with `pauseFor`.",
            "resumesAt",
        )
    if indefinite:
        return None
    return _not_offered(
        "This portal does not offer open-ended pauses; choose one of its pause lengths.",
        "pauseFor",
    )


def decide_pause(
    ctx: PolicyContext,
    subscription: Subscription,
    *,
    resumes_at: int | None = None,
    pause_for: tuple[str, int] | None = None,
) -> PauseDecision | Refusal:
    """Pause now, for `pause_for` (interval, count): one of the configured lengths; or
    open-ended, or until `resumes_at`, when the configuration allows `indefinite`."""
    if pause_for is not None and resumes_at is not None:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            "Give either a resume date or a pause length, not both.",
            "pauseFor",
        )
    refusal = pause_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    chosen = _offered_length(ctx, pause_for, resumes_at)
    if isinstance(chosen, Refusal):
        return chosen
    release = subscription.gateway_schedule_id
    if chosen is None:
        return PauseDecision(
            subscription_id=subscription.id,
            call="pause",
            params={
                "type": "subscription",
                "invoicing_behavior": "pending_invoice_item",
                "bill_for": {"unused_time_from": {"type": "now"}},
            },
            resumes_at=None,
            release_schedule_id=release,
        )
    resume_at: dict[str, Any]
    if isinstance(chosen, int):
        resume_at = {"type": "timestamp", "timestamp": chosen}
        expected = chosen
    else:
        interval, count = chosen
        resume_at = {
            "type": "duration",
            "duration": {"interval": interval, "interval_count": count},
        }
        expected = _add(ctx.now, interval, count)
    return PauseDecision(
        subscription_id=subscription.id,
        call="schedule",
        params={
            "from_subscription": subscription.id,
            "metadata": dict(PAUSE_METADATA),
            "pause_schedules": [
                {
                    "pause": {"pause_at": {"type": "now"}, "settings": PAUSE_SETTINGS},
                    "resume": {"resume_at": resume_at, "settings": RESUME_SETTINGS},
                }
            ],
        },
        resumes_at=expected,
        release_schedule_id=release,
    )


def resume_refusal(ctx: PolicyContext, subscription: Subscription) -> Refusal | None:
    refusal = flow_refusal(ctx.flow, SubscriptionAction.RESUME, subscription.id)
    if refusal is not None:
        return refusal
    if subscription.status in ("canceled", "incomplete", "incomplete_expired"):
        return not_eligible(f"A subscription that is {subscription.status} cannot be resumed.")
    if not subscription.is_paused:
        return Refusal(ErrorCode.NOT_PAUSED, "This subscription is not paused.", "subscriptionId")
    if subscription.status == "paused":
        if subscription.collection_method != "charge_automatically":
            return not_eligible("Subscriptions paid by invoice cannot be resumed here.")
        return foreign_schedule_refusal(subscription, "resumed")
    return None


def decide_resume(ctx: PolicyContext, subscription: Subscription) -> ResumeDecision | Refusal:
    refusal = resume_refusal(ctx, subscription)
    if refusal is not None:
        return refusal
    if subscription.status == "paused":
        # Stripe's defaults, made explicit: a new period starts now, charged at once (less
        # the credit for the time unused at the pause). The gateway's pause schedule is
        # released first: its resume date must not act after this.
        return ResumeDecision(
            subscription_id=subscription.id,
            call="resume",
            params={"billing_cycle_anchor": {"type": "now"}},
            release_schedule_id=subscription.gateway_schedule_id,
        )
    return ResumeDecision(
        subscription_id=subscription.id, call="update", params={"pause_collection": ""}
    )
