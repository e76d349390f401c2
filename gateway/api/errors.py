"""Errors the API reports: `userErrors` on payloads, and a few top-level GraphQL errors.

Expected refusals (policy said no, Stripe declined a card, an id is not the customer's)
are data: `UserError { code message field }`. Missing or refused credentials, and Stripe
being unreachable during a read, are top-level errors with `extensions.code`. Anything
else is a bug and is masked in production.
"""

import re
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError

from ..billing import BillingError
from ..portal import Refusal


@strawberry.enum(description="Why a request was refused; stable, for frontends to branch on.")
class ErrorCode(Enum):
    FEATURE_DISABLED = "FEATURE_DISABLED"
    PRICE_NOT_ALLOWED = "PRICE_NOT_ALLOWED"
    QUANTITY_NOT_ALLOWED = "QUANTITY_NOT_ALLOWED"
    REASON_NOT_ALLOWED = "REASON_NOT_ALLOWED"
    SUBSCRIPTION_NOT_ELIGIBLE = "SUBSCRIPTION_NOT_ELIGIBLE"
    ALREADY_CANCELING = "ALREADY_CANCELING"
    NOT_CANCELING = "NOT_CANCELING"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED"
    LAST_PAYMENT_METHOD = "LAST_PAYMENT_METHOD"
    NO_SCHEDULED_CHANGE = "NO_SCHEDULED_CHANGE"
    INVOICE_NOT_PAYABLE = "INVOICE_NOT_PAYABLE"
    PAYMENT_METHOD_REQUIRED = "PAYMENT_METHOD_REQUIRED"
    PROMOTION_CODE_ALREADY_APPLIED = "PROMOTION_CODE_ALREADY_APPLIED"
    FLOW_RESTRICTED = "FLOW_RESTRICTED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    CARD_DECLINED = "CARD_DECLINED"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    SESSION_ALREADY_USED = "SESSION_ALREADY_USED"
    CONFIGURATION_INACTIVE = "CONFIGURATION_INACTIVE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    TOO_MANY_STRIPE_CALLS = "TOO_MANY_STRIPE_CALLS"
    TOO_LONG = "TOO_LONG"
    STRIPE_UNAVAILABLE = "STRIPE_UNAVAILABLE"
    STRIPE_ERROR = "STRIPE_ERROR"
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    QUOTE_INVALID = "QUOTE_INVALID"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    QUOTE_MISMATCH = "QUOTE_MISMATCH"
    PRORATION_DATE_NOT_ACCEPTED = "PRORATION_DATE_NOT_ACCEPTED"


@strawberry.type(description="An expected refusal, reported as data next to the payload's object.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = strawberry.field(
        default=None, description="The input field at fault (camelCase), when one is."
    )


def user_error(code: ErrorCode, message: str, field: str | None = None) -> UserError:
    return UserError(code=code, message=message, field=field)


def camel_case(name: str) -> str:
    """`invoice_settings[default_payment_method]` -> `invoiceSettings.defaultPaymentMethod`."""
    parts = [p for p in re.split(r"[\[\]]+", name) if p]

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(word.capitalize() for word in rest)

    return ".".join(camel(part) for part in parts)


def from_refusal(refusal: Refusal) -> UserError:
    return UserError(
        code=ErrorCode(refusal.code.value), message=refusal.message, field=refusal.field
    )


def from_billing(
    exc: BillingError, *, field: str | None = None, fields: dict[str, str] | None = None
) -> UserError:
    """A Stripe failure as a user error. `field` names the input for a NOT_FOUND; `fields`
    maps Stripe parameter names to input fields (unmapped ones are camel-cased)."""
    target = field
    if exc.param and target is None:
        target = (fields or {}).get(exc.param) or camel_case(exc.param)
    return UserError(code=ErrorCode(exc.code.value), message=exc.message, field=target)


class GatewayError(GraphQLError):
    """A deliberate top-level error with `extensions.code` (never masked)."""

    def __init__(self, code: ErrorCode, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})
        self.code = code


def unauthenticated(
    message: str = "Sign in: send 'Authorization: Bearer <token>'.",
) -> GatewayError:
    return GatewayError(ErrorCode.UNAUTHENTICATED, message)


def forbidden(message: str) -> GatewayError:
    return GatewayError(ErrorCode.FORBIDDEN, message)


def billing_failure(exc: BillingError) -> GatewayError:
    """A Stripe failure during a read (a write reports it in `userErrors` instead)."""
    if exc.retry_after is not None:
        return GatewayError(ErrorCode(exc.code.value), exc.message, retryAfter=exc.retry_after)
    return GatewayError(ErrorCode(exc.code.value), exc.message)


def refused(refusal: Refusal) -> GatewayError:
    """A policy refusal on a read (FEATURE_DISABLED, FLOW_RESTRICTED) as a top-level error."""
    return GatewayError(ErrorCode(refusal.code.value), refusal.message)


def input_path(stripe_path: str) -> str:
    """`flow_data.subscription_update_confirm.items[0].price` ->
    `flowData.subscriptionUpdateConfirm.items[0].price` (GraphQL input names)."""

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(word.capitalize() for word in rest)

    return ".".join(camel(part) for part in stripe_path.split("."))
