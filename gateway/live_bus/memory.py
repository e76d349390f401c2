"""The live-event bus within one process: for one instance, and for tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import EventBus

if TYPE_CHECKING:
    from .events import LiveEvent


class InMemoryBus(EventBus):
    """Events reach subscribers of this process only: for one instance, and for tests."""

    async def publish(self, event: LiveEvent) -> None:
        self._check_open()
        self._deliver(event)

    def _idle(self, customer_id: str) -> None:
        """Nothing is held per customer beyond the subscriber set already dropped."""

    async def _shutdown(self) -> None:
        """No connections to release."""
