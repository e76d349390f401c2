"""Stripe's test cards: the `pm_card_*` / `tok_*` ids, their cards, and how charging them ends.

Using a test id (to attach, confirm a setup intent, create a payment method)
creates a new `pm_...` object cloned from the card, as Stripe does. Declining
cards attach fine; they fail when charged (`charge_outcome`) or set up.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import StripeError

if TYPE_CHECKING:
    from ..state import Emulator


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    # Stripe's `decline_code` when a charge is attempted; None means it succeeds.
    decline: str | None = None
    # Whether a setup (a SetupIntent confirmation) declines too.
    declines_setup: bool = False

    @property
    def last4(self) -> str:
        return self.number[-4:]


# Keyed by the name after `pm_card_` / `tok_` (Stripe's documented test ids).
TEST_CARDS: dict[str, TestCard] = {
    "visa": TestCard("4242424242424242", "visa"),
    "visa_debit": TestCard("4000056655665556", "visa", funding="debit"),
    "mastercard": TestCard("5555555555554444", "mastercard"),
    "mastercard_debit": TestCard("5200828282828210", "mastercard", funding="debit"),
    "amex": TestCard("371449635398431", "amex"),
    "discover": TestCard("6011111111111117", "discover"),
    "chargeDeclined": TestCard(
        "4000000000000002", "visa", decline="generic_decline", declines_setup=True
    ),
    "chargeDeclinedInsufficientFunds": TestCard(
        "4000000000009995", "visa", decline="insufficient_funds", declines_setup=True
    ),
    "chargeDeclinedExpiredCard": TestCard(
        "4000000000000069", "visa", decline="expired_card", declines_setup=True
    ),
    # Attaches and sets up fine; every charge fails.
    "chargeCustomerFail": TestCard("4000000000000341", "visa", decline="generic_decline"),
}

# decline_code -> (error code, message), as Stripe words a card_error.
_DECLINES: dict[str, tuple[str, str]] = {
    "generic_decline": ("card_declined", "Your card was declined."),
    "insufficient_funds": ("card_declined", "Your card has insufficient funds."),
    "expired_card": ("expired_card", "Your card has expired."),
}


def test_card(token: str) -> TestCard | None:
    """The test card a `pm_card_<name>` or `tok_<name>` id stands for, if it is one."""
    for prefix in ("pm_card_", "tok_"):
        if token.startswith(prefix):
            return TEST_CARDS.get(token[len(prefix) :])
    return None


def card_details(card: TestCard, now: int | None = None) -> dict[str, object]:
    """The `card` hash of a PaymentMethod made from `card`."""
    year = time.gmtime(now if now is not None else time.time()).tm_year
    fingerprint = hashlib.sha256(card.number.encode()).hexdigest()[:16]
    return {
        "brand": card.brand,
        "checks": {
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": "pass",
        },
        "country": card.country,
        "display_brand": card.brand,
        "exp_month": 12,
        "exp_year": year + 3,
        "fingerprint": fingerprint,
        "funding": card.funding,
        "generated_from": None,
        "last4": card.last4,
        "networks": {"available": [card.brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def card_of(emu: Emulator, payment_method_id: str) -> TestCard | None:
    """The test card behind a stored payment method (matched by its number's fingerprint)."""
    pm = emu.objects.get(payment_method_id)
    if pm is None or pm.get("object") != "payment_method" or not pm.get("card"):
        return None
    fingerprint = pm["card"]["fingerprint"]
    for card in TEST_CARDS.values():
        if hashlib.sha256(card.number.encode()).hexdigest()[:16] == fingerprint:
            return card
    return None


def charge_outcome(emu: Emulator, payment_method_id: str) -> str | None:
    """None when the payment method can be charged, else Stripe's `decline_code`.

    The codes are `generic_decline`, `insufficient_funds` and `expired_card`;
    `decline_error` turns one into the 402 card_error Stripe answers with.
    A payment method that does not exist cannot be charged (`generic_decline`).
    """
    pm = emu.objects.get(payment_method_id)
    if pm is None or pm.get("object") != "payment_method":
        return "generic_decline"
    card = card_of(emu, payment_method_id)
    return card.decline if card is not None else None


def decline_error(decline_code: str, **extra: object) -> StripeError:
    """Stripe's 402 card_error for a decline (extra fields, e.g. `setup_intent`, join the body)."""
    code, message = _DECLINES.get(decline_code, _DECLINES["generic_decline"])
    return StripeError(
        message,
        status=402,
        type="card_error",
        code=code,
        decline_code=decline_code,
        extra=dict(extra),
    )
