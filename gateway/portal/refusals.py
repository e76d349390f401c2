"""Why the policy said no: a code the API maps to `userErrors`, a message, the input at fault."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RefusalCode(StrEnum):
    FEATURE_DISABLED = "FEATURE_DISABLED"
    PRICE_NOT_ALLOWED = "PRICE_NOT_ALLOWED"
    QUANTITY_NOT_ALLOWED = "QUANTITY_NOT_ALLOWED"
    REASON_NOT_ALLOWED = "REASON_NOT_ALLOWED"
    SUBSCRIPTION_NOT_ELIGIBLE = "SUBSCRIPTION_NOT_ELIGIBLE"
    ALREADY_CANCELING = "ALREADY_CANCELING"
    NOT_CANCELING = "NOT_CANCELING"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    FLOW_RESTRICTED = "FLOW_RESTRICTED"
    INVALID_INPUT = "INVALID_INPUT"
    FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED"
    LAST_PAYMENT_METHOD = "LAST_PAYMENT_METHOD"
    NO_SCHEDULED_CHANGE = "NO_SCHEDULED_CHANGE"
    QUOTE_INVALID = "QUOTE_INVALID"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    QUOTE_MISMATCH = "QUOTE_MISMATCH"
    PRORATION_DATE_NOT_ACCEPTED = "PRORATION_DATE_NOT_ACCEPTED"
    NOT_FOUND = "NOT_FOUND"
    INVOICE_NOT_PAYABLE = "INVOICE_NOT_PAYABLE"
    PAYMENT_METHOD_REQUIRED = "PAYMENT_METHOD_REQUIRED"
    PROMOTION_CODE_ALREADY_APPLIED = "PROMOTION_CODE_ALREADY_APPLIED"


@dataclass(frozen=True)
class Refusal:
    """A refused action. `field` is the GraphQL input field (camelCase) at fault, if one is."""

    code: RefusalCode
    message: str
    field: str | None = None


def refuse(code: RefusalCode, message: str, field: str | None = None) -> Refusal:
    return Refusal(code, message, field)
