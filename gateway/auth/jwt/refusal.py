"""Why a sign-in token was refused: a short reason for the caller, details for the operator.

The caller learns the kind of problem (so a client knows to refresh an expired token) and
nothing else: never the expected audience or issuer, the keys, or which customers exist.
The operator's detail goes to the log.
"""

from __future__ import annotations

from enum import StrEnum


class RefusalReason(StrEnum):
    MALFORMED = "TOKEN_MALFORMED"
    ALGORITHM_NOT_ALLOWED = "TOKEN_ALGORITHM_NOT_ALLOWED"
    UNKNOWN_KEY = "TOKEN_UNKNOWN_KEY"
    KEYS_UNAVAILABLE = "TOKEN_KEYS_UNAVAILABLE"
    BAD_SIGNATURE = "TOKEN_BAD_SIGNATURE"
    EXPIRED = "TOKEN_EXPIRED"
    NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    WRONG_ISSUER = "TOKEN_WRONG_ISSUER"
    WRONG_AUDIENCE = "TOKEN_WRONG_AUDIENCE"
    MISSING_CLAIM = "TOKEN_MISSING_CLAIM"
    INVALID_CLAIM = "TOKEN_INVALID_CLAIM"
    UNKNOWN_CUSTOMER = "TOKEN_UNKNOWN_CUSTOMER"
    AMBIGUOUS_CUSTOMER = "TOKEN_AMBIGUOUS_CUSTOMER"


_CALLER_MESSAGES = {
    RefusalReason.MALFORMED: "The sign-in token is not a well-formed JWT.",
    RefusalReason.ALGORITHM_NOT_ALLOWED: "The sign-in token's algorithm is not accepted.",
    RefusalReason.UNKNOWN_KEY: "The sign-in token is signed with a key that is not known.",
    RefusalReason.KEYS_UNAVAILABLE: (
        "The sign-in keys cannot be read right now. Try again in a moment."
    ),
    RefusalReason.BAD_SIGNATURE: "The sign-in token's signature does not verify.",
    RefusalReason.EXPIRED: "The sign-in token has expired. Sign in again.",
    RefusalReason.NOT_YET_VALID: "The sign-in token is not valid yet.",
    RefusalReason.WRONG_ISSUER: "The sign-in token comes from an issuer that is not accepted.",
    RefusalReason.WRONG_AUDIENCE: "The sign-in token was issued for another audience.",
    RefusalReason.MISSING_CLAIM: "The sign-in token lacks a claim this gateway needs.",
    RefusalReason.INVALID_CLAIM: "A claim of the sign-in token is not what this gateway expects.",
    RefusalReason.UNKNOWN_CUSTOMER: "No billing account belongs to this sign-in.",
    RefusalReason.AMBIGUOUS_CUSTOMER: (
        "More than one billing account belongs to this sign-in; support must resolve it."
    ),
}


class JwtRefusal(Exception):
    """A refused token: `reason` and `message` for the caller, `detail` for the log only."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail

    @property
    def message(self) -> str:
        return _CALLER_MESSAGES[self.reason]


__all__ = ["JwtRefusal", "RefusalReason"]
