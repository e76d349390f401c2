"""Cancel and renew: every rule and refusal, as the hosted portal decides them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gateway.errors import ErrorCode, RefusalCode
from gateway.portal.decisions import CancelDecision, RenewDecision
from gateway.portal.flows import Flow
from gateway.portal.policy.cancel import decide_cancel
from gateway.portal.policy.renew import decide_renew
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import NOW, PERIOD_END, config, ctx, subscription

CANCEL = "features.subscription_cancel"
REASON = f"{CANCEL}.cancellation_reason"

Case = tuple[str, Callable[[], Any], Any]

CANCEL_DECISIONS: list[Case] = [
    (
        "at period end",
        lambda: decide_cancel(ctx(), subscription()),
        CancelDecision(
            "sub_1", "at_period_end", "update", {"cancel_at_period_end": True}, PERIOD_END
        ),
    ),
    (
        "at period end with a reason",
        lambda: decide_cancel(ctx(), subscription(), reason="too_expensive"),
        CancelDecision(
            "sub_1",
            "at_period_end",
            "update",
            {"cancel_at_period_end": True, "cancellation_details": {"feedback": "too_expensive"}},
            PERIOD_END,
        ),
    ),
    (
        "reason other with a comment",
        lambda: decide_cancel(ctx(), subscription(), reason="other", comment=" Moving on "),
        CancelDecision(
            "sub_1",
            "at_period_end",
            "update",
            {
                "cancel_at_period_end": True,
                "cancellation_details": {"feedback": "other", "comment": "Moving on"},
            },
            PERIOD_END,
        ),
    ),
    (
        "a comment goes with any reason, as Stripe's cancellation_details.comment does",
        lambda: decide_cancel(ctx(), subscription(), reason="too_expensive", comment=" pricey "),
        CancelDecision(
            "sub_1",
            "at_period_end",
            "update",
            {
                "cancel_at_period_end": True,
                "cancellation_details": {"feedback": "too_expensive", "comment": "pricey"},
            },
            PERIOD_END,
        ),
    ),
    (
        "a comment without a reason (the customer skipped the choice)",
        lambda: decide_cancel(ctx(), subscription(), comment="x" * 5000),
        CancelDecision(
            "sub_1",
            "at_period_end",
            "update",
            {"cancel_at_period_end": True, "cancellation_details": {"comment": "x" * 5000}},
            PERIOD_END,
        ),
    ),
    (
        "a blank reason counts as none",
        lambda: decide_cancel(ctx(), subscription(), reason="", comment="  "),
        CancelDecision(
            "sub_1", "at_period_end", "update", {"cancel_at_period_end": True}, PERIOD_END
        ),
    ),
    (
        "custom feedback option",
        lambda: decide_cancel(
            ctx(config(**{f"{REASON}.feedback_options": ["bfo_1"]})),
            subscription(),
            feedback_option="bfo_1",
        ),
        CancelDecision(
            "sub_1",
            "at_period_end",
            "update",
            {"cancel_at_period_end": True, "cancellation_details": {"feedback_option": "bfo_1"}},
            PERIOD_END,
        ),
    ),
    (
        "immediately without prorations",
        lambda: decide_cancel(ctx(config(**{f"{CANCEL}.mode": "immediately"})), subscription()),
        CancelDecision("sub_1", "immediately", "cancel", {"prorate": False}, NOW),
    ),
    (
        "immediately with prorations and a reason",
        lambda: decide_cancel(
            ctx(
                config(
                    **{
                        f"{CANCEL}.mode": "immediately",
                        f"{CANCEL}.proration_behavior": "create_prorations",
                    }
                )
            ),
            subscription(),
            reason="missing_features",
        ),
        CancelDecision(
            "sub_1",
            "immediately",
            "cancel",
            {"prorate": True, "cancellation_details": {"feedback": "missing_features"}},
            NOW,
        ),
    ),
    (
        "no reason while reasons are disabled",
        lambda: decide_cancel(ctx(config(**{f"{REASON}.enabled": False})), subscription()),
        CancelDecision(
            "sub_1", "at_period_end", "update", {"cancel_at_period_end": True}, PERIOD_END
        ),
    ),
    *[
        (
            f"{status} subscription",
            lambda status=status: decide_cancel(ctx(), subscription(status=status)),
            CancelDecision(
                "sub_1", "at_period_end", "update", {"cancel_at_period_end": True}, PERIOD_END
            ),
        )
        for status in ("trialing", "past_due", "unpaid", "paused")
    ],
    (
        "inside its own cancel flow",
        lambda: decide_cancel(
            ctx(flow=Flow("subscription_cancel", subscription_id="sub_1")), subscription()
        ),
        CancelDecision(
            "sub_1", "at_period_end", "update", {"cancel_at_period_end": True}, PERIOD_END
        ),
    ),
]

CANCEL_REFUSALS: list[tuple[str, Callable[[], Any], RefusalCode, str | None]] = [
    (
        "feature disabled",
        lambda: decide_cancel(ctx(config(**{f"{CANCEL}.enabled": False})), subscription()),
        ErrorCode.FEATURE_DISABLED,
        None,
    ),
    *[
        (
            f"{status} subscription",
            lambda status=status: decide_cancel(ctx(), subscription(status=status)),
            ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
            "subscriptionId",
        )
        for status in ("canceled", "incomplete", "incomplete_expired")
    ],
    (
        "already canceling at period end",
        lambda: decide_cancel(ctx(), subscription(cancel_at_period_end=True)),
        ErrorCode.ALREADY_CANCELING,
        "subscriptionId",
    ),
    (
        "already canceling with cancel_at (flexible billing mode)",
        lambda: decide_cancel(ctx(), subscription(cancel_at=PERIOD_END)),
        ErrorCode.ALREADY_CANCELING,
        "subscriptionId",
    ),
    (
        "attached to a schedule",
        lambda: decide_cancel(ctx(), subscription(schedule_id="sub_sched_1")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "reason not offered",
        lambda: decide_cancel(ctx(), subscription(), reason="unused"),
        ErrorCode.REASON_NOT_ALLOWED,
        "reason",
    ),
    (
        "reason that is no reason",
        lambda: decide_cancel(ctx(), subscription(), reason="bored"),
        ErrorCode.REASON_NOT_ALLOWED,
        "reason",
    ),
    (
        "reason while reasons are disabled",
        lambda: decide_cancel(
            ctx(config(**{f"{REASON}.enabled": False})), subscription(), reason="other"
        ),
        ErrorCode.REASON_NOT_ALLOWED,
        "reason",
    ),
    (
        "comment longer than Stripe takes",
        lambda: decide_cancel(ctx(), subscription(), reason="unused", comment="x" * 5001),
        ErrorCode.INVALID_INPUT,
        "comment",
    ),
    (
        "comment while reasons are disabled",
        lambda: decide_cancel(
            ctx(config(**{f"{REASON}.enabled": False})), subscription(), comment="bye"
        ),
        ErrorCode.REASON_NOT_ALLOWED,
        "comment",
    ),
    (
        "another subscription than the flow's",
        lambda: decide_cancel(
            ctx(flow=Flow("subscription_cancel", subscription_id="sub_2")), subscription()
        ),
        ErrorCode.FLOW_RESTRICTED,
        "subscriptionId",
    ),
    (
        "inside an update flow",
        lambda: decide_cancel(
            ctx(flow=Flow("subscription_update", subscription_id="sub_1")), subscription()
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("decide", "expected"), [c[1:] for c in CANCEL_DECISIONS], ids=[c[0] for c in CANCEL_DECISIONS]
)
def test_cancel_decisions(decide: Callable[[], Any], expected: CancelDecision) -> None:
    assert decide() == expected


@pytest.mark.parametrize(
    ("decide", "code", "field"),
    [c[1:] for c in CANCEL_REFUSALS],
    ids=[c[0] for c in CANCEL_REFUSALS],
)
def test_cancel_refusals(decide: Callable[[], Any], code: RefusalCode, field: str | None) -> None:
    refusal = decide()
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.field) == (code, field)
    assert refusal.message


def test_refused_reason_lists_what_is_offered() -> None:
    refusal = decide_cancel(ctx(), subscription(), reason="unused")
    assert isinstance(refusal, Refusal)
    assert refusal.message == (
        "'unused' is not offered; choose one of: too_expensive, missing_features, other."
    )


RENEW_REFUSALS: list[tuple[str, Callable[[], Any], RefusalCode, str | None]] = [
    (
        "not canceling",
        lambda: decide_renew(ctx(), subscription()),
        ErrorCode.NOT_CANCELING,
        "subscriptionId",
    ),
    (
        "already ended",
        lambda: decide_renew(ctx(), subscription(status="canceled", cancel_at_period_end=True)),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "attached to a schedule",
        lambda: decide_renew(ctx(), subscription(cancel_at=PERIOD_END, schedule_id="sub_sched")),
        ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
        "subscriptionId",
    ),
    (
        "inside a cancel flow",
        lambda: decide_renew(
            ctx(flow=Flow("subscription_cancel", subscription_id="sub_1")),
            subscription(cancel_at_period_end=True),
        ),
        ErrorCode.FLOW_RESTRICTED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("decide", "code", "field"), [c[1:] for c in RENEW_REFUSALS], ids=[c[0] for c in RENEW_REFUSALS]
)
def test_renew_refusals(decide: Callable[[], Any], code: RefusalCode, field: str | None) -> None:
    refusal = decide()
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.field) == (code, field)


@pytest.mark.parametrize(
    "scheduled",
    [{"cancel_at_period_end": True}, {"cancel_at": PERIOD_END}],
    ids=["cancel_at_period_end", "cancel_at"],
)
def test_renew_clears_both_ways_of_scheduling_a_cancel(scheduled: dict[str, Any]) -> None:
    assert decide_renew(ctx(), subscription(**scheduled)) == RenewDecision(
        "sub_1", {"cancel_at_period_end": False, "cancel_at": ""}
    )


def test_renew_needs_no_cancel_feature() -> None:
    """A customer keeps the subscription they are about to lose though the portal no longer
    offers canceling: turning the feature off must not trap a pending cancel."""
    off = ctx(config(**{f"{CANCEL}.enabled": False}))
    for pending in (subscription(cancel_at_period_end=True), subscription(cancel_at=PERIOD_END)):
        decision = decide_renew(off, pending)
        assert isinstance(decision, RenewDecision)
        assert decision.params == {"cancel_at_period_end": False, "cancel_at": ""}
