"""Every code the gateway reports, and which layer may produce which.

`ErrorCode` is the one list: the policy's refusals, Stripe's failures, the sessions' errors
and the API's own all carry its members, and the GraphQL `ErrorCode` enum is this enum (its
members in this order). Each layer's codes are a `Literal` of members, so mypy refuses a
layer producing a code it does not declare, and nothing converts codes by their text.
"""

from enum import StrEnum
from typing import Literal, get_args


class ErrorCode(StrEnum):
    FEATURE_DISABLED = "FEATURE_DISABLED"
    PRICE_NOT_ALLOWED = "PRICE_NOT_ALLOWED"
    QUANTITY_NOT_ALLOWED = "QUANTITY_NOT_ALLOWED"
    REASON_NOT_ALLOWED = "REASON_NOT_ALLOWED"
    SUBSCRIPTION_NOT_ELIGIBLE = "SUBSCRIPTION_NOT_ELIGIBLE"
    ALREADY_CANCELING = "ALREADY_CANCELING"
    NOT_CANCELING = "NOT_CANCELING"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    # A pause length the portal configuration does not offer.
    PAUSE_DURATION_NOT_OFFERED = "PAUSE_DURATION_NOT_OFFERED"
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
    # Stripe did not answer a write and could not be asked afterwards whether it applied it.
    OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
    QUOTE_INVALID = "QUOTE_INVALID"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    QUOTE_MISMATCH = "QUOTE_MISMATCH"
    PRORATION_DATE_NOT_ACCEPTED = "PRORATION_DATE_NOT_ACCEPTED"


# Why the policy (`portal`) said no.
RefusalCode = Literal[
    ErrorCode.FEATURE_DISABLED,
    ErrorCode.PRICE_NOT_ALLOWED,
    ErrorCode.QUANTITY_NOT_ALLOWED,
    ErrorCode.REASON_NOT_ALLOWED,
    ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE,
    ErrorCode.ALREADY_CANCELING,
    ErrorCode.NOT_CANCELING,
    ErrorCode.ALREADY_PAUSED,
    ErrorCode.NOT_PAUSED,
    ErrorCode.PAUSE_DURATION_NOT_OFFERED,
    ErrorCode.FLOW_RESTRICTED,
    ErrorCode.INVALID_INPUT,
    ErrorCode.FIELD_NOT_ALLOWED,
    ErrorCode.LAST_PAYMENT_METHOD,
    ErrorCode.NO_SCHEDULED_CHANGE,
    ErrorCode.QUOTE_INVALID,
    ErrorCode.QUOTE_EXPIRED,
    ErrorCode.QUOTE_MISMATCH,
    ErrorCode.NOT_FOUND,
    ErrorCode.INVOICE_NOT_PAYABLE,
    ErrorCode.PAYMENT_METHOD_REQUIRED,
    ErrorCode.PROMOTION_CODE_ALREADY_APPLIED,
]

# What Stripe (or the gateway's own budget for Stripe calls) refused or failed (`billing`).
BillingErrorCode = Literal[
    ErrorCode.NOT_FOUND,
    ErrorCode.CARD_DECLINED,
    ErrorCode.INVALID_INPUT,
    ErrorCode.RATE_LIMITED,
    ErrorCode.TOO_MANY_STRIPE_CALLS,
    ErrorCode.STRIPE_UNAVAILABLE,
    ErrorCode.STRIPE_ERROR,
    ErrorCode.OUTCOME_UNKNOWN,
]

# Why a portal session's code or token was not accepted (`auth`).
SessionErrorCode = Literal[
    ErrorCode.SESSION_EXPIRED,
    ErrorCode.SESSION_ALREADY_USED,
    ErrorCode.NOT_FOUND,
]

# Why the credentials a request came with were not accepted (`auth`).
CredentialCode = Literal[
    ErrorCode.UNAUTHENTICATED,
    ErrorCode.FORBIDDEN,
    ErrorCode.INVALID_INPUT,
    ErrorCode.SESSION_EXPIRED,
    # A sign-in token's customer is found by Stripe customer search, which may fail.
    ErrorCode.STRIPE_UNAVAILABLE,
]

# Only the API reports these: an inactive configuration, an input over its size, a
# proration date a quote cannot honour.
ApiCode = Literal[
    ErrorCode.CONFIGURATION_INACTIVE,
    ErrorCode.TOO_LONG,
    ErrorCode.PRORATION_DATE_NOT_ACCEPTED,
]

REFUSAL_CODES: frozenset[ErrorCode] = frozenset(get_args(RefusalCode))
BILLING_CODES: frozenset[ErrorCode] = frozenset(get_args(BillingErrorCode))
SESSION_CODES: frozenset[ErrorCode] = frozenset(get_args(SessionErrorCode))
CREDENTIAL_CODES: frozenset[ErrorCode] = frozenset(get_args(CredentialCode))
API_CODES: frozenset[ErrorCode] = frozenset(get_args(ApiCode))

__all__ = [
    "API_CODES",
    "BILLING_CODES",
    "CREDENTIAL_CODES",
    "REFUSAL_CODES",
    "SESSION_CODES",
    "ApiCode",
    "BillingErrorCode",
    "CredentialCode",
    "ErrorCode",
    "RefusalCode",
    "SessionErrorCode",
]
