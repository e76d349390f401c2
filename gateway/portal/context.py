"""Everything the policy needs besides the objects acted on, built once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .configuration import Configuration
    from .flows import Flow


@dataclass(frozen=True)
class PolicyContext:
    """The session's configuration, its flow restriction (None: whole portal), and `now`.

    `now` is Unix seconds as Stripe sees it for the customer (their test clock's frozen time
    when they have one), so decisions about periods and pauses are made on Stripe's clock.
    """

    configuration: Configuration
    flow: Flow | None
    now: int
