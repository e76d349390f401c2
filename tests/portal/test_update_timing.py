"""When Stripe bills a change: at once or on the next invoice, and whether the trial ends."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.portal.decisions import UpdateDecision
from gateway.portal.policy.update import UpdateRequest, decide_update
from gateway.portal.policy.update_timing import ChangeTiming, change_timing
from tests.portal.portal_builders import PRICES, config, ctx, subscription

UPDATE = "features.subscription_update"


def _timing(
    price: str | None, quantity: int | None, status: str = "active", **settings: Any
) -> ChangeTiming:
    configuration = config(**{f"{UPDATE}.{key}": value for key, value in settings.items()})
    sub = subscription("price_pro_m", 1, status=status)
    decision = decide_update(
        ctx(configuration),
        sub,
        UpdateRequest(price_id=price, quantity=quantity),
        PRICES.get(price or ""),
    )
    assert isinstance(decision, UpdateDecision), decision
    return change_timing(sub, decision, PRICES["price_pro_m"], PRICES[price or "price_pro_m"])


NEXT = ChangeTiming(invoices_now=False, new_cycle=False, ends_trial=False)
NOW_ONLY = ChangeTiming(invoices_now=True, new_cycle=False, ends_trial=False)
NEW_PERIOD = ChangeTiming(invoices_now=True, new_cycle=True, ends_trial=False)
TRIAL_ENDS = ChangeTiming(invoices_now=True, new_cycle=True, ends_trial=True)


@pytest.mark.parametrize(
    ("change", "settings", "expected"),
    [
        ((None, 2, "active"), {}, NEXT),
        ((None, 2, "active"), {"proration_behavior": "none"}, NEXT),
        ((None, 2, "active"), {"proration_behavior": "always_invoice"}, NOW_ONLY),
        (("price_pro_y", None, "active"), {}, NEW_PERIOD),
        (("price_pro_y", None, "active"), {"proration_behavior": "none"}, NEW_PERIOD),
        ((None, 2, "active"), {"billing_cycle_anchor": "now"}, NEW_PERIOD),
        (("price_pro_y", None, "trialing"), {}, TRIAL_ENDS),
        ((None, 2, "trialing"), {"trial_update_behavior": "end_trial"}, TRIAL_ENDS),
        (("price_pro_y", None, "trialing"), {"trial_update_behavior": "continue_trial"}, NEXT),
        (
            (None, 2, "trialing"),
            {"trial_update_behavior": "continue_trial", "proration_behavior": "always_invoice"},
            NEXT,
        ),
    ],
)
def test_stripe_bills_each_change_as_documented(
    change: tuple[str | None, int | None, str], settings: dict[str, Any], expected: ChangeTiming
) -> None:
    price, quantity, status = change
    assert _timing(price, quantity, status, **settings) == expected
