"""Where a flow session's frontend goes when the flow is done (Stripe's `after_completion`).

Not policy (it changes nothing the customer may do), so it travels beside the portal's
`Flow` rather than inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..portal.flows import FlowDataError

AfterCompletionType = Literal["hosted_confirmation", "portal_homepage", "redirect"]
AFTER_COMPLETION_TYPES: tuple[AfterCompletionType, ...] = get_args(AfterCompletionType)
PATH = "flow_data.after_completion"


@dataclass(frozen=True)
class AfterCompletion:
    type: AfterCompletionType = "portal_homepage"
    # Required for `redirect`.
    return_url: str | None = None
    # Optional for `hosted_confirmation`.
    custom_message: str | None = None

    def to_flow_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        if self.type == "redirect":
            data["redirect"] = {"return_url": self.return_url}
        if self.type == "hosted_confirmation" and self.custom_message is not None:
            data["hosted_confirmation"] = {"custom_message": self.custom_message}
        return data

    @classmethod
    def from_flow_data(cls, data: Mapping[str, Any] | None) -> AfterCompletion:
        """Parse `flow_data.after_completion` (absent: back to the portal's home page)."""
        if data is None:
            return cls()
        kind = data.get("type")
        if kind not in AFTER_COMPLETION_TYPES:
            raise FlowDataError(
                f"{PATH}.type", f"expected one of {', '.join(AFTER_COMPLETION_TYPES)}, got {kind!r}"
            )
        unknown = set(data) - {"type", kind}
        if unknown:
            raise FlowDataError(f"{PATH}.{sorted(unknown)[0]}", "unknown parameter")
        body = data.get(kind) or {}
        if not isinstance(body, Mapping):
            raise FlowDataError(f"{PATH}.{kind}", "expected an object")
        if kind == "redirect":
            url = body.get("return_url")
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                raise FlowDataError(f"{PATH}.redirect.return_url", "expected an http(s) URL")
            return cls(type="redirect", return_url=url)
        if kind == "hosted_confirmation":
            message = body.get("custom_message")
            if message is not None and (not isinstance(message, str) or len(message) > 500):
                raise FlowDataError(
                    f"{PATH}.hosted_confirmation.custom_message", "expected text (500 characters)"
                )
            return cls(type="hosted_confirmation", custom_message=message)
        return cls(type="portal_homepage")
