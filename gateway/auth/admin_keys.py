"""Admin API keys: configured in `GATEWAY_ADMIN_KEYS`, kept only as SHA-256 digests.

Checking a presented key compares its digest with every configured digest in constant
time, so neither timing nor an early exit tells which key (or how much of one) matched.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pydantic import SecretStr


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class AdminKeys:
    def __init__(self, keys: Iterable[SecretStr]) -> None:
        self._digests = tuple(_digest(key.get_secret_value()) for key in keys)

    def __bool__(self) -> bool:
        return bool(self._digests)

    def __repr__(self) -> str:
        return f"AdminKeys(<{len(self._digests)} configured>)"

    def matches(self, presented: str) -> bool:
        candidate = _digest(presented)
        matched = False
        for digest in self._digests:
            matched |= hmac.compare_digest(candidate, digest)
        return matched
