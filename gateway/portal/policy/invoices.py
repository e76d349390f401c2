"""Invoice history: shown when the feature is on, whatever state the subscriptions are in.

A customer whose subscriptions have all ended still needs their invoices, so nothing about
subscriptions is checked. A session limited to a flow does not browse invoices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..actions import AccountAction
from .gates import gate

if TYPE_CHECKING:
    from ..context import PolicyContext
    from ..refusals import Refusal


def invoice_history_refusal(ctx: PolicyContext) -> Refusal | None:
    return gate(
        ctx,
        AccountAction.VIEW_INVOICES,
        enabled=ctx.configuration.features.invoice_history.enabled,
        feature="Invoice history",
    )
