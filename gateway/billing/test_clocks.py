"""A test clock's time, read fresh: Stripe's "now" for the customers on it (test mode only).

A clock moves without changing its customers' objects (Stripe's events about it name the
clock, not them), so the time cached with a customer or subscription goes stale the moment
the clock advances. Decisions that date a change read the clock itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import stripe_errors
from .stripe_json import get_json, stripe_path

if TYPE_CHECKING:
    from .client import Billing


async def clock_time(billing: Billing, clock_id: str) -> int:
    """The clock's frozen time now (not cached)."""
    with stripe_errors(noun="Test clock"):
        clock = await get_json(billing, stripe_path("/v1/test_helpers/test_clocks/{}", clock_id))
    return int(clock["frozen_time"])
