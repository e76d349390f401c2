"""When Stripe bills a subscription change: at once, or on the next regular invoice.

Stripe's rules, for a change made now (not one scheduled at the period end):

- `trial_end=now` on a trialing subscription ends the trial, starts a billing period and
  invoices it at once; a trial that continues (`continue_trial`) charges nothing now, and
  the new price is billed when the trial ends, even when its interval differs.
- `billing_cycle_anchor=now`, or a price with another billing interval, starts a new
  billing period now and invoices it at once, with the unused time of the old period
  credited on that invoice (unless `proration_behavior=none`).
- `proration_behavior=always_invoice` invoices the prorations at once; `create_prorations`
  leaves them for the next regular invoice; `none` creates none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.models import Price, Subscription

    from ..decisions import UpdateDecision


@dataclass(frozen=True)
class ChangeTiming:
    """`invoices_now`: an invoice is issued (and charged) when the change is made.
    `new_cycle`: the billing period restarts now. `ends_trial`: the trial stops now."""

    invoices_now: bool
    new_cycle: bool
    ends_trial: bool


def _cadence(price: Price) -> tuple[str | None, int]:
    return price.interval, price.interval_count


def change_timing(
    subscription: Subscription, decision: UpdateDecision, current: Price, new: Price
) -> ChangeTiming:
    """How Stripe bills `decision` (made now) on `subscription`, from `current` to `new`."""
    params = decision.params
    trialing = subscription.status == "trialing"
    ends_trial = trialing and params.get("trial_end") == "now"
    if trialing:
        new_cycle = ends_trial
    else:
        anchor_now = (params.get("billing_cycle_anchor") or {}).get("type") == "now"
        new_cycle = anchor_now or _cadence(new) != _cadence(current)
    changes_item = decision.changes_price or decision.changes_quantity
    invoices_prorations = (
        not trialing and changes_item and params.get("proration_behavior") == "always_invoice"
    )
    return ChangeTiming(
        invoices_now=new_cycle or invoices_prorations, new_cycle=new_cycle, ends_trial=ends_trial
    )
