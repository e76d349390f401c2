"""The rule for out-of-order deliveries, for whoever applies live events to a view.

Stripe does not guarantee delivery order, and it retries failed deliveries later, so an
event about a subscription can arrive after a newer one about the same subscription. The
gateway's cache cannot be corrupted by that (a webhook only *invalidates*: the next read
goes to Stripe and sees the current state), but a subscriber that applies `event.object`
directly must not let an older state overwrite a newer one.

The rule: per `object_id`, remember the newest `created` applied; discard an event whose
`created` is older. Events with the same `created` (Stripe's resolution is one second)
cannot be ordered from their content, so both are accepted: treat them as "this object
changed" and refetch it, which always yields Stripe's current state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .events import LiveEvent


class LatestOnly:
    """Filters a stream of live events down to those not older than what was applied."""

    def __init__(self) -> None:
        self._newest: dict[str, int] = {}
        self._seen: set[str] = set()

    def accept(self, event: LiveEvent) -> bool:
        """True when `event` should be applied; records it as applied."""
        if event.event_id in self._seen:
            return False
        newest = self._newest.get(event.object_id)
        if newest is not None and event.created < newest:
            return False
        self._newest[event.object_id] = event.created
        self._seen.add(event.event_id)
        return True
