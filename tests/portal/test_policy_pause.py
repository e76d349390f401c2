"""Pause and resume: the feature toggle, the duration options, both pause mechanisms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.models import PauseCollection
from gateway.portal.configuration import PauseIntervalOption
from gateway.portal.decisions import PauseDecision, ResumeDecision
from gateway.portal.flows import Flow
from gateway.portal.policy.pause import (
    PAUSE_SETTINGS,
    RESUME_SETTINGS,
    add_interval,
    decide_pause,
    decide_resume,
    pause_options,
)
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import DAY, NOW, PERIOD_END, config, ctx, subscription

if TYPE_CHECKING:
    from collections.abc import Callable

PAUSE = "features.subscription_pause"
INDEFINITE = config(**{f"{PAUSE}.duration": {"type": "indefinite", "interval_options": []}})
WEEKS = config(
    **{
        f"{PAUSE}.duration.interval_options": [
            {"interval": "week", "interval_count": 1},
            {"interval": "week", "interval_count": 2},
        ]
    }
)


def ts(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, 12, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("start", "interval", "count", "end"),
    [
        (ts(2027, 1, 31), "month", 1, ts(2027, 2, 28)),
        (ts(2028, 1, 31), "month", 1, ts(2028, 2, 29)),
        (ts(2027, 11, 15), "month", 3, ts(2028, 2, 15)),
        (ts(2027, 3, 1), "year", 2, ts(2029, 3, 1)),
        (ts(2027, 3, 1), "week", 2, ts(2027, 3, 15)),
        (ts(2027, 3, 1), "day", 10, ts(2027, 3, 11)),
    ],
)
def test_durations_follow_the_calendar(start: int, interval: Any, count: int, end: int) -> None:
    assert add_interval(start, PauseIntervalOption(interval=interval, interval_count=count)) == end


def test_pause_options_offer_each_configured_length() -> None:
    options = pause_options(WEEKS, NOW)
    assert [(o.interval, o.interval_count, o.resumes_at) for o in options] == [
        ("week", 1, NOW + 7 * DAY),
        ("week", 2, NOW + 14 * DAY),
    ]
    assert pause_options(INDEFINITE, NOW) == ()


def timed(resume_at: dict[str, Any], expected: int, release: str | None = None) -> PauseDecision:
    """A pause for a length: a schedule made from the subscription with a pause schedule."""
    return PauseDecision(
        "sub_1",
        "schedule",
        {
            "from_subscription": "sub_1",
            "metadata": {"portal_gateway": "pause"},
            "pause_schedules": [
                {
                    "pause": {"pause_at": {"type": "now"}, "settings": PAUSE_SETTINGS},
                    "resume": {"resume_at": resume_at, "settings": RESUME_SETTINGS},
                }
            ],
        },
        expected,
        release,
    )


def weeks(count: int) -> dict[str, Any]:
    return {"type": "duration", "duration": {"interval": "week", "interval_count": count}}


OPEN_ENDED = PauseDecision(
    "sub_1",
    "pause",
    {
        "type": "subscription",
        "invoicing_behavior": "pending_invoice_item",
        "bill_for": {"unused_time_from": {"type": "now"}},
    },
    None,
)


DECISIONS: list[tuple[str, Callable[[], Any], Any]] = [
    (
        "pause for a configured length, dated from Stripe's clock",
        lambda: decide_pause(ctx(WEEKS), subscription(), pause_for=("week", 2)),
        timed(weeks(2), NOW + 14 * DAY),
    ),
    (
        "a deprecated date that is the end of a configured length",
        lambda: decide_pause(ctx(WEEKS), subscription(), resumes_at=NOW + 7 * DAY + 3600),
        timed(weeks(1), NOW + 7 * DAY),
    ),
    (
        "a deprecated date hours early, on the UTC day before the end (a client's midnight)",
        lambda: decide_pause(ctx(WEEKS), subscription(), resumes_at=NOW + 7 * DAY - 9 * 3600),
        timed(weeks(1), NOW + 7 * DAY),
    ),
    (
        "indefinite: open-ended",
        lambda: decide_pause(ctx(INDEFINITE), subscription()),
        OPEN_ENDED,
    ),
    (
        "indefinite: any length",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), pause_for=("day", 45)),
        timed(
            {"type": "duration", "duration": {"interval": "day", "interval_count": 45}},
            NOW + 45 * DAY,
        ),
    ),
    (
        "indefinite: any date",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), resumes_at=NOW + 400 * DAY),
        timed({"type": "timestamp", "timestamp": NOW + 400 * DAY}, NOW + 400 * DAY),
    ),
    (
        "pause a trial",
        lambda: decide_pause(ctx(INDEFINITE), subscription(status="trialing")),
        OPEN_ENDED,
    ),
    (
        "pause inside its flow",
        lambda: decide_pause(
            ctx(INDEFINITE, Flow("subscription_pause", subscription_id="sub_1")), subscription()
        ),
        OPEN_ENDED,
    ),
    (
        "resume paused collection",
        lambda: decide_resume(ctx(), subscription(pause=PauseCollection("void", NOW + DAY))),
        ResumeDecision("sub_1", "update", {"pause_collection": ""}),
    ),
    (
        "resume a paused subscription",
        lambda: decide_resume(ctx(), subscription(status="paused")),
        ResumeDecision("sub_1", "resume", {"billing_cycle_anchor": {"type": "now"}}),
    ),
    (
        "resume a timed pause: its schedule is released first",
        lambda: decide_resume(
            ctx(),
            subscription(
                status="paused",
                schedule_id="sub_sched_1",
                schedule_by_gateway=True,
                resumes_at=NOW + DAY,
            ),
        ),
        ResumeDecision("sub_1", "resume", {"billing_cycle_anchor": {"type": "now"}}, "sub_sched_1"),
    ),
]


@pytest.mark.parametrize(
    ("run", "expected"), [c[1:] for c in DECISIONS], ids=[c[0] for c in DECISIONS]
)
def test_pause_and_resume_decisions(run: Callable[[], Any], expected: Any) -> None:
    assert run() == expected


DISABLED = config(**{f"{PAUSE}.enabled": False})

REFUSALS: list[tuple[str, Callable[[], Any], RefusalCode, str | None]] = [
    (
        "pause disabled",
        lambda: decide_pause(ctx(DISABLED), subscription(), pause_for=("month", 1)),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    (
        "already paused collection",
        lambda: decide_pause(
            ctx(), subscription(pause=PauseCollection("void")), pause_for=("month", 1)
        ),
        ErrorCode.ALREADY_PAUSED,
        "subscriptionId",
    ),
    (
        "already a paused subscription",
        lambda: decide_pause(ctx(), subscription(status="paused"), pause_for=("month", 1)),
        ErrorCode.ALREADY_PAUSED,
        "subscriptionId",
    ),
    *[
        (
            f"pause a {status} subscription",
            lambda status=status: decide_pause(
                ctx(), subscription(status=status), pause_for=("month", 1)
            ),
            ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
            "subscriptionId",
        )
        for status in ("canceled", "past_due", "unpaid", "incomplete", "incomplete_expired")
    ],
    (
        "pause a subscription that is ending",
        lambda: decide_pause(ctx(), subscription(cancel_at=PERIOD_END), pause_for=("month", 1)),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "pause a subscription on the business's schedule",
        lambda: decide_pause(ctx(), subscription(schedule_id="sub_sched"), pause_for=("month", 1)),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "pause a subscription in classic billing mode",
        lambda: decide_pause(ctx(), subscription(billing_mode="classic"), pause_for=("month", 1)),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "pause a subscription paid by invoice",
        lambda: decide_pause(
            ctx(), subscription(collection_method="send_invoice"), pause_for=("month", 1)
        ),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "open-ended when the configuration offers lengths",
        lambda: decide_pause(ctx(), subscription()),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "pauseFor",
    ),
    (
        "a length that is not offered",
        lambda: decide_pause(ctx(WEEKS), subscription(), pause_for=("month", 1)),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "pauseFor",
    ),
    (
        "a huge count",
        lambda: decide_pause(ctx(WEEKS), subscription(), pause_for=("week", 2**31 - 1)),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "pauseFor",
    ),
    (
        "indefinite: a huge count",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), pause_for=("year", 2**31 - 1)),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "pauseFor.intervalCount",
    ),
    (
        "indefinite: no time at all",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), pause_for=("day", 0)),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "pauseFor.intervalCount",
    ),
    (
        "indefinite: a date too far",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), resumes_at=NOW + 6 * 366 * DAY),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "resumesAt",
    ),
    (
        "a deprecated date half a day from the end of an offered length",
        lambda: decide_pause(ctx(WEEKS), subscription(), resumes_at=NOW + 7 * DAY + 12 * 3600),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "resumesAt",
    ),
    (
        "a date that ends no offered length",
        lambda: decide_pause(ctx(WEEKS), subscription(), resumes_at=NOW + 10 * DAY),
        ErrorCode.PAUSE_DURATION_NOT_OFFERED,
        "resumesAt",
    ),
    (
        "both a length and a date",
        lambda: decide_pause(
            ctx(WEEKS), subscription(), resumes_at=NOW + 7 * DAY, pause_for=("week", 1)
        ),
        ErrorCode.INVALID_INPUT,
        "pauseFor",
    ),
    (
        "an end in the past",
        lambda: decide_pause(ctx(INDEFINITE), subscription(), resumes_at=NOW),
        ErrorCode.INVALID_INPUT,
        "resumesAt",
    ),
    (
        "resume what is not paused",
        lambda: decide_resume(ctx(), subscription()),
        ErrorCode.NOT_PAUSED,
        "subscriptionId",
    ),
    (
        "resume a canceled subscription",
        lambda: decide_resume(
            ctx(), subscription(status="canceled", pause=PauseCollection("void"))
        ),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "resume a paused subscription paid by invoice",
        lambda: decide_resume(
            ctx(), subscription(status="paused", collection_method="send_invoice")
        ),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "resume inside a pause flow",
        lambda: decide_resume(
            ctx(flow=Flow("subscription_pause", subscription_id="sub_1")),
            subscription(status="paused"),
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
    (
        "pause another subscription than the flow's",
        lambda: decide_pause(
            ctx(INDEFINITE, Flow("subscription_pause", subscription_id="sub_2")), subscription()
        ),
        ErrorCode.FLOW_RESTRICTED,
        "subscriptionId",
    ),
]


@pytest.mark.parametrize(
    ("run", "code", "field"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_pause_and_resume_refusals(
    run: Callable[[], Any], code: RefusalCode, field: str | None
) -> None:
    refusal = run()
    assert isinstance(refusal, Refusal), refusal
    assert (refusal.code, refusal.field) == (code, field)


def test_resume_needs_no_pause_feature() -> None:
    """A paused subscription can always be taken back, even where pausing is not offered."""
    decision = decide_resume(ctx(DISABLED), subscription(status="paused"))
    assert isinstance(decision, ResumeDecision)
    assert decision.call == "resume"
