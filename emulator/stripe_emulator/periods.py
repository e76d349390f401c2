"""Billing-period arithmetic: calendar months and years in UTC, anchored like Stripe's.

A monthly subscription anchored on the 31st renews on the last day of shorter
months and returns to the 31st afterwards, because every boundary is computed
from the anchor (anchor + k intervals), never from the previous boundary.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

_SECONDS = {"day": 86_400, "week": 7 * 86_400}
_MONTHS = {"month": 1, "year": 12}
# Rough lengths, only used to guess how many intervals fit before exact checks.
_APPROX = {"day": 86_400, "week": 604_800, "month": 2_629_746, "year": 31_556_952}


def shift(anchor: int, interval: str, count: int, steps: int) -> int:
    """`anchor` moved by `steps` x (`count` `interval`s); steps may be negative."""
    if interval in _SECONDS:
        return anchor + steps * count * _SECONDS[interval]
    months = steps * count * _MONTHS[interval]
    start = datetime.fromtimestamp(anchor, UTC)
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return int(start.replace(year=year, month=month0 + 1, day=day).timestamp())


def next_boundary(anchor: int, interval: str, count: int, after: int) -> int:
    """The first boundary (anchor + k intervals, any integer k) strictly later than `after`."""
    steps = (after - anchor) // (_APPROX[interval] * count) - 1
    while shift(anchor, interval, count, steps) > after:
        steps -= 1
    while shift(anchor, interval, count, steps) <= after:
        steps += 1
    return shift(anchor, interval, count, steps)


def previous_boundary(anchor: int, interval: str, count: int, at: int) -> int:
    """The last boundary (anchor + k intervals) at or before `at`."""
    steps = (at - anchor) // (_APPROX[interval] * count) + 1
    while shift(anchor, interval, count, steps) > at:
        steps -= 1
    while shift(anchor, interval, count, steps + 1) <= at:
        steps += 1
    return shift(anchor, interval, count, steps)


def describe_interval(interval: str, count: int) -> str:
    """`month`, or `every 3 months`, as Stripe prints a price's interval."""
    return interval if count == 1 else f"every {count} {interval}s"


def short_date(ts: int) -> str:
    """`25 Nov 2026`: the date format of Stripe's proration descriptions."""
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{moment.day} {moment:%b %Y}"
