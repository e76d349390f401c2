"""How many live sockets and streams one credential and one client address may hold.

A socket costs a connection and a bus subscription per stream, and every stream gets its
own copy of each event, so without a cap one token could hold hundreds of sockets and turn
one write into thousands of messages. Counts are per instance (a socket lives on one);
behind a proxy every client shares the proxy's address, so raise the per-address cap there.

A refusal carries a code: a socket over the per-address cap is refused before the upgrade
(HTTP 429), one over the per-credential cap is closed after `connection_init` (4429, the
reason starting with the code), and a stream over either stream cap gets the protocol's
`error` message with `extensions.code`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...settings import Settings

TOO_MANY_SOCKETS = "TOO_MANY_SOCKETS"
TOO_MANY_STREAMS = "TOO_MANY_STREAMS"
# The close code for a socket refused after connection_init (the protocol uses 44xx codes).
TOO_MANY_CLOSE_CODE = 4429


class LiveLimitError(Exception):
    """A socket or stream over its cap; `code` is one of the codes above."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LiveLimits:
    sockets_per_token: int = 5
    sockets_per_address: int = 50
    streams_per_socket: int = 10
    streams_per_token: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> LiveLimits:
        return cls(
            sockets_per_token=settings.live_max_sockets_per_token,
            sockets_per_address=settings.live_max_sockets_per_address,
            streams_per_socket=settings.live_max_streams_per_socket,
            streams_per_token=settings.live_max_streams_per_token,
        )


def _no_streams() -> int:
    return 0


@dataclass(eq=False)
class SocketSlot:
    """One open socket: where it came from, whose credential it holds, how many streams."""

    address: str
    credential: str | None = None
    streams: Callable[[], int] = field(default=_no_streams)
    closed: bool = False


def credential_key(token: str | None, customer_id: str) -> str:
    """A digest of the credential (the bearer token, never stored) and the customer it acts
    for."""
    digest = hashlib.sha256((token or "").encode("utf-8")).hexdigest()
    return f"{digest}:{customer_id}"


class LiveRegistry:
    """The open sockets of one app, counted per client address and per credential."""

    def __init__(self, limits: LiveLimits) -> None:
        self.limits = limits
        self._per_address: Counter[str] = Counter()
        self._per_credential: dict[str, set[SocketSlot]] = {}

    def open(self, address: str) -> SocketSlot:
        """Reserve a socket for `address` before the upgrade (raises when at the cap)."""
        cap = self.limits.sockets_per_address
        if self._per_address[address] >= cap:
            raise LiveLimitError(
                TOO_MANY_SOCKETS, f"Too many live sockets from this address (at most {cap})."
            )
        self._per_address[address] += 1
        return SocketSlot(address)

    def bind(self, slot: SocketSlot, credential: str) -> None:
        """Count `slot` for the credential it authenticated with (raises when at the cap)."""
        if slot.credential is not None or slot.closed:
            return
        sockets = self._per_credential.setdefault(credential, set())
        cap = self.limits.sockets_per_token
        if len(sockets) >= cap:
            if not sockets:
                del self._per_credential[credential]
            raise LiveLimitError(
                TOO_MANY_SOCKETS, f"Too many live sockets for these credentials (at most {cap})."
            )
        sockets.add(slot)
        slot.credential = credential

    def check_stream(self, slot: SocketSlot) -> None:
        """Raise when `slot` may not start one more stream."""
        per_socket = self.limits.streams_per_socket
        if slot.streams() >= per_socket:
            raise LiveLimitError(
                TOO_MANY_STREAMS, f"Too many subscriptions on this socket (at most {per_socket})."
            )
        if slot.credential is None:
            return
        per_token = self.limits.streams_per_token
        held = sum(other.streams() for other in self._per_credential.get(slot.credential, ()))
        if held >= per_token:
            raise LiveLimitError(
                TOO_MANY_STREAMS,
                f"Too many subscriptions for these credentials (at most {per_token}).",
            )

    def close(self, slot: SocketSlot) -> None:
        """Release everything `slot` held (once; later calls do nothing)."""
        if slot.closed:
            return
        slot.closed = True
        self._per_address[slot.address] -= 1
        if self._per_address[slot.address] <= 0:
            del self._per_address[slot.address]
        if slot.credential is not None:
            sockets = self._per_credential.get(slot.credential, set())
            sockets.discard(slot)
            if not sockets:
                self._per_credential.pop(slot.credential, None)

    def sockets_from(self, address: str) -> int:
        return self._per_address[address]


LIVE_REGISTRY = web.AppKey("live_registry", LiveRegistry)
# The slot a WebSocket request reserved, for its handler and `connection_init`.
LIVE_SLOT = web.RequestKey("live_slot", SocketSlot)

__all__ = [
    "LIVE_REGISTRY",
    "LIVE_SLOT",
    "TOO_MANY_CLOSE_CODE",
    "TOO_MANY_SOCKETS",
    "TOO_MANY_STREAMS",
    "LiveLimitError",
    "LiveLimits",
    "LiveRegistry",
    "SocketSlot",
    "credential_key",
]
