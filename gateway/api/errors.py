"""Errors the API reports: `userErrors` on payloads, and a few top-level GraphQL errors.

Expected refusals (policy said no, Stripe declined a card, an id is not the customer's)
are data: `UserError { code message field }`. Missing or refused credentials, and Stripe
being unreachable during a read, are top-level errors with `extensions.code`. Anything
else is a bug and is masked in production.
"""

import re
from typing import Any

import strawberry
from graphql import GraphQLError

from ..billing import BillingError
from ..errors import ErrorCode as ErrorCode
from ..portal import Refusal

# The GraphQL enum is the gateway's one list of codes (`gateway.errors`), members in its order.
strawberry.enum(
    ErrorCode,
    name="ErrorCode",
    description="Why a request was refused; stable, for frontends to branch on.",
)


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
    return UserError(code=refusal.code, message=refusal.message, field=refusal.field)


def from_billing(
    exc: BillingError, *, field: str | None = None, fields: dict[str, str] | None = None
) -> UserError:
    """A Stripe failure as a user error. `field` names the input for a NOT_FOUND; `fields`
    maps Stripe parameter names to input fields (unmapped ones are camel-cased)."""
    target = field
    if exc.param and target is None:
        target = (fields or {}).get(exc.param) or camel_case(exc.param)
    return UserError(code=exc.code, message=exc.message, field=target)


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
        return GatewayError(exc.code, exc.message, retryAfter=exc.retry_after)
    return GatewayError(exc.code, exc.message)


def refused(refusal: Refusal) -> GatewayError:
    """A policy refusal on a read (FEATURE_DISABLED, FLOW_RESTRICTED) as a top-level error."""
    return GatewayError(refusal.code, refusal.message)


def input_path(stripe_path: str) -> str:
    """`flow_data.subscription_update_confirm.items[0].price` ->
    `flowData.subscriptionUpdateConfirm.items[0].price` (GraphQL input names)."""

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(word.capitalize() for word in rest)

    return ".".join(camel(part) for part in stripe_path.split("."))
