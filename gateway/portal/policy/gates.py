"""The checks every action starts with: is it inside the session's flow, is its feature on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ErrorCode
from ..flows import flow_refusal
from ..refusals import Refusal

if TYPE_CHECKING:
    from ..actions import Action
    from ..context import PolicyContext


def gate(
    ctx: PolicyContext,
    action: Action,
    *,
    enabled: bool,
    feature: str,
    subscription_id: str | None = None,
) -> Refusal | None:
    """FLOW_RESTRICTED, then FEATURE_DISABLED (`feature` names it for the message)."""
    refusal = flow_refusal(ctx.flow, action, subscription_id)
    if refusal is not None:
        return refusal
    if not enabled:
        return Refusal(ErrorCode.FEATURE_DISABLED, f"{feature} is not available in this portal.")
    return None


def not_eligible(message: str) -> Refusal:
    return Refusal(ErrorCode.SUBSCRIPTION_NOT_ELIGIBLE, message, "subscriptionId")
