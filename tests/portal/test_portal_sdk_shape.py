"""The model stays in step with the stripe SDK's `billing_portal.Configuration`.

Every field the SDK declares exists in the model, nothing more, and every enum allows
exactly the SDK's values: a new SDK field or enum value fails here, not in production.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from stripe.billing import FeedbackOption as StripeFeedbackOption
from stripe.billing_portal import Configuration as StripeConfiguration

from gateway.portal.configuration import Configuration, FeedbackOption


def _literals(annotation: Any) -> frozenset[str]:
    found: set[str] = set()
    stack = [annotation]
    while stack:
        current = stack.pop()
        if typing.get_origin(current) is typing.Literal:
            found.update(typing.get_args(current))
        else:
            stack.extend(typing.get_args(current))
    return frozenset(found)


def _sdk_fields(cls: type, prefix: str = "") -> dict[str, frozenset[str]]:
    # Raw annotations: the SDK's Literal enums are real objects; its cross-references are
    # forward references to types only imported for type checkers.
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        hints.update(vars(klass).get("__annotations__", {}))
    inner = getattr(cls, "_inner_class_types", {})
    fields: dict[str, frozenset[str]] = {}
    for name, hint in hints.items():
        if name.startswith("_") or name == "OBJECT_NAME":
            continue
        fields[prefix + name] = _literals(hint)
        if name in inner:
            fields.update(_sdk_fields(inner[name], f"{prefix}{name}."))
    return fields


def _model_class(annotation: Any) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
        stack.extend(typing.get_args(current))
    return None


def _model_fields(model: type[BaseModel], prefix: str = "") -> dict[str, frozenset[str]]:
    fields: dict[str, frozenset[str]] = {}
    for name, info in model.model_fields.items():
        fields[prefix + name] = _literals(info.annotation)
        nested = _model_class(info.annotation)
        if nested is not None:
            fields.update(_model_fields(nested, f"{prefix}{name}."))
    return fields


FEEDBACK_OPTIONS = "features.subscription_cancel.cancellation_reason.feedback_options"


def test_model_has_exactly_the_sdk_fields_and_enums() -> None:
    sdk = _sdk_fields(StripeConfiguration)
    # An expandable reference to another resource: its fields are that resource's.
    ours = {
        path: values
        for path, values in _model_fields(Configuration).items()
        if not path.startswith(FEEDBACK_OPTIONS + ".")
    }
    assert sorted(ours) == sorted(sdk)
    # `object` is the one constant; every other enum must match value for value.
    differing = {path: (ours[path], sdk[path]) for path in sdk if ours[path] != sdk[path]}
    assert differing == {}
    assert sdk["features.subscription_cancel.mode"] == {"at_period_end", "immediately"}


def test_feedback_options_have_the_sdk_feedback_option_fields() -> None:
    sdk = _sdk_fields(StripeFeedbackOption)
    ours = _model_fields(FeedbackOption)
    assert sorted(ours) == sorted(path for path in sdk if "." not in path)
    assert ours["status"] == sdk["status"]
