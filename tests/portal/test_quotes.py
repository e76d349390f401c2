"""Quotes, pure: signed, bound, and never readable once altered."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import ErrorCode, RefusalCode
from gateway.portal.quotes import (
    RESUME_CHANGE,
    Quote,
    check_quote,
    read_quote,
    resume_basis,
    resume_quote_refusal,
    sign_quote,
)
from gateway.portal.refusals import Refusal
from tests.portal.portal_builders import subscription

SECRET = b"k" * 32
QUOTE = Quote(
    customer_id="cus_1",
    subscription_id="sub_1",
    change="c" * 32,
    basis="b" * 32,
    proration_date=1_780_000_000,
    expires_at=2_000,
)


def _check(token: str, **overrides: object) -> Quote | Refusal:
    values: dict[str, object] = {
        "customer_id": "cus_1",
        "subscription_id": "sub_1",
        "change": "c" * 32,
        "now": 1_000.0,
        **overrides,
    }
    return check_quote(SECRET, token, **values)  # type: ignore[arg-type]


def test_a_signed_quote_reads_back_and_holds() -> None:
    token = sign_quote(SECRET, QUOTE)
    assert read_quote(SECRET, token) == QUOTE
    assert _check(token) == QUOTE
    assert _check(f"  {token} ") == QUOTE
    scheduled = Quote("cus_1", "sub_1", "c" * 32, "b" * 32, None, 2_000)
    assert read_quote(SECRET, sign_quote(SECRET, scheduled)) == scheduled


def test_each_way_a_quote_fails_has_its_code() -> None:
    token = sign_quote(SECRET, QUOTE)

    def code(result: Quote | Refusal) -> RefusalCode | None:
        return result.code if isinstance(result, Refusal) else None

    assert code(_check(token, customer_id="cus_2")) == ErrorCode.QUOTE_INVALID
    assert code(_check(token, subscription_id="sub_2")) == ErrorCode.QUOTE_INVALID
    assert code(_check(token, now=2_000.0)) == ErrorCode.QUOTE_EXPIRED
    assert code(_check(token, change="d" * 32)) == ErrorCode.QUOTE_MISMATCH
    other = sign_quote(b"another key", QUOTE)
    assert code(_check(other)) == ErrorCode.QUOTE_INVALID
    refusal = _check(token, now=5_000.0)
    assert isinstance(refusal, Refusal)
    assert refusal.field == "quote"


def test_any_altered_character_makes_a_quote_unreadable() -> None:
    token = sign_quote(SECRET, QUOTE)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "
    for index, kept in enumerate(token):
        for replacement in alphabet:
            if replacement != kept:
                altered = token[:index] + replacement + token[index + 1 :]
                assert read_quote(SECRET, altered) is None, (index, replacement)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000) | st.binary(max_size=600).map(lambda b: b.hex()))
def test_anything_else_is_unreadable_and_never_raises(text: str) -> None:
    assert read_quote(SECRET, text) is None
    assert isinstance(_check(text), Refusal)


def test_a_resume_quote_holds_only_for_the_figures_it_showed() -> None:
    """The resume's quote binds the subscription and the previewed charge: another amount
    (a pending charge or credit added since), currency or subscription state refuses it."""
    paused = subscription(status="paused")
    quote = replace(QUOTE, change=RESUME_CHANGE, basis=resume_basis(paused, 33, "usd"))
    assert resume_quote_refusal(quote, paused, 33, "usd") is None
    for amount, currency, sub in (
        (333, "usd", paused),
        (33, "eur", paused),
        (33, "usd", replace(paused, status="active")),
    ):
        refusal = resume_quote_refusal(quote, sub, amount, currency)
        assert refusal is not None
        assert (refusal.code, refusal.field) == (ErrorCode.QUOTE_EXPIRED, "quote")
    assert QUOTE.change != RESUME_CHANGE
