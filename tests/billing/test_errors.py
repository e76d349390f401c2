"""Stripe's failures become one `BillingError` family with codes and messages safe to show."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

from gateway.billing.client import Billing
from gateway.billing.customers import fetch_customer
from gateway.billing.errors import (
    BillingError,
    NotFound,
    from_stripe_error,
    stripe_errors,
)
from gateway.errors import ErrorCode
from gateway.store import Cache

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator


def test_card_errors_keep_stripes_customer_facing_message() -> None:
    exc = stripe.CardError(
        "Your card was declined.", "payment_method", "card_declined", http_status=402
    )
    mapped = from_stripe_error(exc)
    assert mapped.code is ErrorCode.CARD_DECLINED
    assert mapped.message == "Your card was declined."
    assert mapped.param == "payment_method"


def test_missing_objects_are_not_found_with_the_noun() -> None:
    exc = stripe.InvalidRequestError(
        "No such invoice: 'in_123'", "id", code="resource_missing", http_status=404
    )
    mapped = from_stripe_error(exc, noun="Invoice")
    assert isinstance(mapped, NotFound)
    assert mapped.message == "Invoice not found."
    assert "in_123" not in mapped.message


def test_invalid_requests_keep_the_param_but_lose_secrets() -> None:
    exc = stripe.InvalidRequestError(
        "Invalid API Key provided: sk_test_abcdef123 for req_9f8e7d (see https://stripe.com/x)",
        "value",
        code="tax_id_invalid",
        http_status=400,
    )
    mapped = from_stripe_error(exc)
    assert mapped.code is ErrorCode.INVALID_INPUT
    assert mapped.param == "value"
    assert mapped.stripe_code == "tax_id_invalid"
    for secret in ("sk_test_abcdef123", "req_9f8e7d", "https://"):
        assert secret not in mapped.message


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (stripe.RateLimitError("slow down", http_status=429), ErrorCode.RATE_LIMITED),
        (stripe.APIConnectionError("connection reset"), ErrorCode.STRIPE_UNAVAILABLE),
        (stripe.APIError("boom", http_status=500), ErrorCode.STRIPE_UNAVAILABLE),
        (stripe.AuthenticationError("bad key", http_status=401), ErrorCode.STRIPE_ERROR),
        (stripe.PermissionError("forbidden here", http_status=403), ErrorCode.STRIPE_ERROR),
        (stripe.IdempotencyError("reused key", http_status=400), ErrorCode.STRIPE_ERROR),
    ],
)
def test_service_failures_have_generic_messages(exc: stripe.StripeError, code: str) -> None:
    mapped = from_stripe_error(exc)
    assert mapped.code == code
    assert str(exc.user_message) not in mapped.message


def test_the_context_manager_translates() -> None:
    with pytest.raises(BillingError) as caught, stripe_errors(noun="Subscription"):
        raise stripe.InvalidRequestError("No such subscription", "id", code="resource_missing")
    assert caught.value.code is ErrorCode.NOT_FOUND
    assert caught.value.__cause__ is None


async def test_real_failures_through_the_sdk(
    emulator: RunningEmulator, stripe_client: stripe.StripeClient
) -> None:
    billing = Billing(stripe_client, Cache.from_url(None), customer_ttl=0)
    with pytest.raises(NotFound):
        await fetch_customer(billing, "cus_doesnotexist")
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/customers/.*", "rate_500": 1}]})
    with pytest.raises(BillingError) as unavailable:
        await fetch_customer(billing, "cus_doesnotexist")
    assert unavailable.value.code is ErrorCode.STRIPE_UNAVAILABLE
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/customers/.*", "rate_429": 1}]})
    with pytest.raises(BillingError) as limited:
        await fetch_customer(billing, "cus_doesnotexist")
    assert limited.value.code is ErrorCode.RATE_LIMITED
