"""Length limits on the free text of every input, Stripe's own where it documents one.

Stripe refuses longer strings itself, but only after the gateway has spent a call on them
(and a 100,000-character value makes a request that fails like an outage). So every text
field of a mutation's input, and of `previewSubscriptionUpdate`'s, is measured first and
refused as `TOO_LONG` naming the field, before any Stripe call. Ids (`ID` fields) are not
measured here: one that cannot be a Stripe id is answered like a missing object
(`gateway/billing/ids.py`).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.unset import UnsetType
from strawberry.utils.str_converters import to_camel_case

from ..portal import MAX_COMMENT, MAX_EMAIL, MAX_NAME, MAX_PHONE, MAX_TAX_ID_VALUE
from .errors import ErrorCode, UserError, user_error

# Stripe's maxLength for most strings (address lines, city, comments, URLs...).
DEFAULT_MAX_LENGTH = 5000
# Lower limits by input field name: Stripe's documented ones, and the tax ID value's.
MAX_LENGTHS = {
    "email": MAX_EMAIL,  # customer.email: 512
    "name": MAX_NAME,  # customer.name: 256
    "phone": MAX_PHONE,  # customer.phone: 20
    "value": MAX_TAX_ID_VALUE,  # a tax ID's number (Stripe documents no limit)
    "comment": MAX_COMMENT,  # cancellation_details.comment: 5000
    "promotionCode": 500,  # promotion_code.code
    "customMessage": 500,  # flow_data.after_completion.hosted_confirmation.custom_message
}
# Fields named like the ones above that Stripe limits differently (by dotted path).
PATH_MAX_LENGTHS = {
    "shipping.name": DEFAULT_MAX_LENGTH,
    "shipping.phone": DEFAULT_MAX_LENGTH,
}


def _is_id(field_type: Any) -> bool:
    while isinstance(field_type, StrawberryOptional | StrawberryList):
        field_type = field_type.of_type
    return field_type is strawberry.ID


def _texts(value: Any, path: str, is_id: bool) -> list[tuple[str, str, bool]]:
    """Every (path, text, is an id) under `value`, an input object, list or scalar."""
    if type(value) is str:
        return [(path, value, is_id)]
    if isinstance(value, list):
        found: list[tuple[str, str, bool]] = []
        for index, item in enumerate(value):
            found += _texts(item, f"{path}[{index}]", is_id)
        return found
    if not has_object_definition(value):
        return []
    found = []
    for field in value.__strawberry_definition__.fields:
        item = getattr(value, field.python_name, None)
        if item is None or isinstance(item, UnsetType):
            continue
        name = field.graphql_name or to_camel_case(field.python_name)
        found += _texts(item, f"{path}.{name}" if path else name, _is_id(field.type))
    return found


def _limit(path: str) -> int:
    plain = ".".join(part.split("[", 1)[0] for part in path.split("."))
    if plain in PATH_MAX_LENGTHS:
        return PATH_MAX_LENGTHS[plain]
    return MAX_LENGTHS.get(plain.rsplit(".", 1)[-1], DEFAULT_MAX_LENGTH)


def too_long(data: object) -> UserError | None:
    """`TOO_LONG` for the first text field of the input `data` over its limit, else None."""
    for path, text, is_id in _texts(data, "", False):
        if is_id:
            continue
        limit = _limit(path)
        if len(text) > limit:
            return user_error(
                ErrorCode.TOO_LONG,
                f"'{path}' has {len(text)} characters; at most {limit} are allowed.",
                path,
            )
    return None


__all__ = ["DEFAULT_MAX_LENGTH", "MAX_LENGTHS", "PATH_MAX_LENGTHS", "too_long"]
