"""Scrub what must never reach a log: credentials, portal codes, card numbers.

The gateway never logs headers or request bodies, but messages can quote input (a GraphQL
validation error repeats the value it refused, an access log line carries the query
string), so every log line passes through here. Portal codes (`psc_...`), access tokens
(`pst_...`) and sign-in tokens (JWTs, `eyJ...`) are found by their prefix anywhere, also
inside URL-encoded text, where the character before them is part of an escape
(`%22pst_...`, `%3Dpsc_...`).
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

_SECRETS = re.compile(
    r"(?i:bearer)\s+\S+"  # an Authorization header value
    r"|\b(?:sk|rk|pk)_(?:test|live)_\w+"  # Stripe API keys
    r"|\bwhsec_\w+"  # webhook signing secrets
    # Portal session codes and access tokens, also after a URL escape (`%22psc_...`).
    r"|(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))ps[ct]_[\w-]+"
    r"|\bseti_\w+_secret_\w+"  # setup intent client secrets
    r"|(?<=[?&]code=)[\w-]+"  # a portal session code in a URL
    # Sign-in tokens (JWTs: base64url `{"` header and payload), also after a URL escape.
    r"|(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*"
)
# 13 to 19 digits, optionally grouped by spaces or dashes: a card number when Luhn agrees.
_DIGITS = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return REDACTED if _luhn(digits) else match.group(0)


def redact(text: str) -> str:
    """`text` with secrets and card numbers replaced by `[redacted]`."""
    return _DIGITS.sub(_card, _SECRETS.sub(REDACTED, text))


__all__ = ["REDACTED", "redact"]
