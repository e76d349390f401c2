"""Proration arithmetic and the line descriptions Stripe prints for it.

Stripe prorates per second: a change at `at` inside the period `[start, end)`
is worth `amount * (end - at) / (end - start)` of the period's amount. Credits
for unused time are negative, charges for remaining time positive.

Rounding to minor units is ROUND_HALF_UP (halves round away from zero), applied
once per line; Stripe does not document its rounding mode, so this is the
emulator's stated choice and every proration in it uses the same rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .periods import describe_interval, short_date

# Currencies without minor units (amounts are whole units).
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv"}
    | {"xaf", "xof", "xpf"}
)
# Stripe writes quantities as `3 \u00d7 Pro` (a multiplication sign).
TIMES = "\u00d7"
_SYMBOLS = {
    "usd": "$",
    "eur": "\u20ac",
    "gbp": "\u00a3",
    "jpy": "\u00a5",
    "cad": "CA$",
    "aud": "A$",
    "nzd": "NZ$",
    "chf": "CHF ",
}


def prorate(amount: int, start: int, end: int, at: int) -> int:
    """The share of `amount` (billed for `[start, end)`) that falls after `at`, ROUND_HALF_UP."""
    if end <= start:
        return 0
    remaining = min(max(end - at, 0), end - start)
    share = Decimal(amount) * Decimal(remaining) / Decimal(end - start)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(amount: int, currency: str) -> str:
    """`$20.00`, `$1,000.00`, `2,000 JPY`-style amounts, as invoice descriptions show them."""
    code = currency.lower()
    sign = "-" if amount < 0 else ""
    number = f"{abs(amount):,}" if code in ZERO_DECIMAL else f"{abs(amount) / 100:,.2f}"
    symbol = _SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{number} {code.upper()}"
    return f"{sign}{symbol}{number}"


def _quantity_prefix(quantity: int) -> str:
    return f"{quantity} {TIMES} " if quantity != 1 else ""


def period_description(
    name: str, quantity: int, unit_amount: int, currency: str, interval: str, count: int
) -> str:
    """`1 x Pro (at $20.00 / month)` (with a multiplication sign): a regular line."""
    return (
        f"{quantity} {TIMES} {name} (at {money(unit_amount, currency)} / "
        f"{describe_interval(interval, count)})"
    )


def unused_description(name: str, quantity: int, at: int) -> str:
    """`Unused time on Pro after 25 Nov 2026`: the credit line of a change."""
    return f"Unused time on {_quantity_prefix(quantity)}{name} after {short_date(at)}"


def remaining_description(name: str, quantity: int, at: int) -> str:
    """`Remaining time on Pro after 25 Nov 2026`: the charge line of a change."""
    return f"Remaining time on {_quantity_prefix(quantity)}{name} after {short_date(at)}"


def trial_description(name: str, quantity: int) -> str:
    """`Trial period for Pro`: the $0 line of a trialing subscription's invoice."""
    return f"Trial period for {_quantity_prefix(quantity)}{name}"
