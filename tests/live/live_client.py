"""A `graphql-transport-ws` client speaking the protocol frame by frame over aiohttp's WebSocket.

Deliberately not a library client: the tests check the gateway's side of each message
(`connection_init` -> `connection_ack`, `subscribe` -> `next`* -> `complete`, `error`).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from types import TracebackType

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 5.0
BILLING_EVENTS = """
subscription Live($kinds: [BillingEventKind!]) {
  billingEvents(kinds: $kinds) { id kind type objectId occurredAt source }
}
"""


class Closed(Exception):
    """The server closed the socket; `code` and `reason` say why."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed with {code}: {reason}")
        self.code = code
        self.reason = reason


class LiveClient:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket

    @classmethod
    async def open(
        cls, http: aiohttp.ClientSession, base_url: str, *, protocols: tuple[str, ...] = (PROTOCOL,)
    ) -> LiveClient:
        url = base_url.replace("http://", "ws://", 1) + "/graphql"
        return cls(await http.ws_connect(url, protocols=protocols))

    @classmethod
    async def connect(
        cls, http: aiohttp.ClientSession, base_url: str, payload: dict[str, Any] | None
    ) -> LiveClient:
        """Open a socket and complete `connection_init` (asserting the `connection_ack`)."""
        client = await cls.open(http, base_url)
        try:
            await client.init(payload)
            ack = await client.receive()
            assert ack["type"] == "connection_ack", ack
        except BaseException:
            await client.close()
            raise
        return client

    async def __aenter__(self) -> LiveClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def init(self, payload: dict[str, Any] | None) -> None:
        message: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = payload
        await self.send(message)

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send_str(json.dumps(message))

    async def subscribe(
        self,
        operation_id: str,
        query: str = BILLING_EVENTS,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> None:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        if operation_name is not None:
            payload["operationName"] = operation_name
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def complete(self, operation_id: str) -> None:
        await self.send({"id": operation_id, "type": "complete"})

    async def receive(self, seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        """The next protocol message; `Closed` when the server closes instead."""
        async with asyncio.timeout(seconds):
            message = await self.socket.receive()
        if message.type == aiohttp.WSMsgType.TEXT:
            data: dict[str, Any] = json.loads(message.data)
            return data
        if message.type == aiohttp.WSMsgType.CLOSE:
            raise Closed(int(message.data), str(message.extra or ""))
        if message.type in (aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            raise Closed(self.socket.close_code, "")
        raise AssertionError(f"unexpected WebSocket message {message!r}")

    async def next_event(self, operation_id: str, seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        """The next `billingEvents` event of the operation (asserting a `next` without errors)."""
        message = await self.receive(seconds)
        assert message == {**message, "id": operation_id, "type": "next"}, message
        assert "errors" not in message["payload"], message
        event: dict[str, Any] = message["payload"]["data"]["billingEvents"]
        return event

    async def ended_with(self, operation_id: str) -> list[str]:
        """The codes of the error that ends a stream: a `next` with no data, then `complete`."""
        last = await self.receive()
        assert last["type"] == "next"
        assert last["payload"]["data"] is None
        codes = [e["extensions"]["code"] for e in last["payload"]["errors"]]
        assert await self.receive() == {"id": operation_id, "type": "complete"}
        return codes

    async def event_of_type(
        self, operation_id: str, event_type: str, seconds: float = WAIT_SECONDS
    ) -> dict[str, Any]:
        """The first event of `event_type` (Stripe may send related events first)."""
        async with asyncio.timeout(seconds):
            while True:
                event = await self.next_event(operation_id, seconds)
                if event["type"] == event_type:
                    return event

    async def nothing_for(self, seconds: float) -> None:
        """Assert that no message arrives for `seconds`."""
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected silence, got {message}")

    async def close(self) -> None:
        await self.socket.close()
