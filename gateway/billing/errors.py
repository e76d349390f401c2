"""One error family for everything Stripe can refuse, with messages safe to show a customer.

Billing code never lets a `stripe.StripeError` escape: `stripe_errors()` turns it into a
`BillingError` whose `code` the API maps onto its error enum and whose `message` never
carries request ids, keys or another customer's object ids.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

import stripe

from ..errors import BillingErrorCode as BillingErrorCode
from ..errors import ErrorCode
from .refusal_messages import customer_message
from .stripe_budget import StripeCallRefused

if TYPE_CHECKING:
    from collections.abc import Iterator

logger = logging.getLogger(__name__)


class BillingError(Exception):
    """Stripe refused or failed; `param` is Stripe's parameter name when it named one."""

    def __init__(
        self,
        code: BillingErrorCode,
        message: str,
        *,
        param: str | None = None,
        stripe_code: str | None = None,
        decline_code: str | None = None,
        ambiguous: bool = False,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        # Seconds to wait, when the gateway's own limit refused the call.
        self.retry_after = retry_after
        self.code = code
        self.message = message
        self.param = param
        self.stripe_code = stripe_code
        self.decline_code = decline_code
        # No answer, or a 5xx: a write may have been applied all the same (re-read Stripe).
        self.ambiguous = ambiguous

    def say(self, message: str) -> None:
        """Replace the message (what the customer reads)."""
        self.message = message
        self.args = (message,)

    def __repr__(self) -> str:
        return f"BillingError({self.code.value}, {self.message!r}, param={self.param!r})"


class NotSent(stripe.APIConnectionError):
    """A request the gateway refused to send (its breaker is open): Stripe never saw it."""


class NotFound(BillingError):
    """Missing, deleted, or someone else's: the three look the same from outside."""

    def __init__(self, noun: str, param: str | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{noun} not found.", param=param)
        self.noun = noun


UNAVAILABLE_MESSAGE = "The billing service is unavailable right now. Please try again shortly."
RATE_LIMITED_MESSAGE = "Too many billing requests right now. Please try again in a moment."
GENERIC_MESSAGE = "The billing service could not complete this request."

# Stripe's invalid-request messages are written for people, but some quote ids or keys.
_UNSAFE = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_\w+|\breq_\w+|https?://\S+")


def _safe(message: str | None, fallback: str) -> str:
    if not message:
        return fallback
    return _UNSAFE.sub("…", message).strip() or fallback


def from_stripe_error(exc: stripe.StripeError, *, noun: str | None = None) -> BillingError:
    """Map one SDK exception to a `BillingError` (`noun` names what a 404 was about)."""
    if isinstance(exc, StripeCallRefused):  # the gateway's budget; nothing was sent
        return BillingError(exc.refusal_code, exc.refusal_message, retry_after=exc.retry_after)
    code = getattr(exc, "code", None)
    param = getattr(exc, "param", None)
    if isinstance(exc, stripe.CardError):
        return BillingError(
            ErrorCode.CARD_DECLINED,
            _safe(exc.user_message, "The card was declined."),
            param=param,
            stripe_code=code,
            decline_code=getattr(exc, "decline_code", None),
        )
    if isinstance(exc, stripe.RateLimitError):
        return BillingError(ErrorCode.RATE_LIMITED, RATE_LIMITED_MESSAGE, stripe_code=code)
    if isinstance(exc, stripe.APIConnectionError | stripe.APIError) or (
        exc.http_status is not None and exc.http_status >= 500
    ):
        logger.warning("Stripe unavailable: %s", type(exc).__name__)
        return BillingError(
            ErrorCode.STRIPE_UNAVAILABLE,
            UNAVAILABLE_MESSAGE,
            ambiguous=not isinstance(exc, NotSent),
        )
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        logger.error("Stripe refused the gateway's API key (%s)", type(exc).__name__)
        return BillingError(ErrorCode.STRIPE_ERROR, GENERIC_MESSAGE)
    if isinstance(exc, stripe.InvalidRequestError):
        if code == "resource_missing" or exc.http_status == 404:
            return NotFound(noun or "Object", param=param)
        # Stripe's text is for developers (states, every accepted value): logged, not shown.
        logger.info(
            "Stripe refused a request (%s, param %s): %s",
            code,
            param,
            _safe(exc.user_message, GENERIC_MESSAGE),
        )
        return BillingError(
            ErrorCode.INVALID_INPUT,
            customer_message(code, param),
            param=param,
            stripe_code=code,
        )
    logger.warning("unexpected Stripe error %s (%s)", type(exc).__name__, code)
    return BillingError(ErrorCode.STRIPE_ERROR, GENERIC_MESSAGE, param=param, stripe_code=code)


@contextmanager
def stripe_errors(noun: str | None = None) -> Iterator[None]:
    """Run Stripe calls inside; re-raise their failures as `BillingError`s."""
    try:
        yield
    except stripe.StripeError as exc:
        raise from_stripe_error(exc, noun=noun) from None
