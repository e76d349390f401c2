"""Phone numbers checked by libphonenumber (the `phonenumbers` package), as Stripe's form
checks them: a number in international form (+49 30 1234567), or a national one read in the
country of the customer's address. Sent to Stripe in E.164 (+49301234567). Pure: no I/O."""

from __future__ import annotations

import phonenumbers

from ..errors import ErrorCode
from .refusals import Refusal

# Stripe's limit for a phone number.
MAX_PHONE = 20


def phone_param(value: str, country: str | None, field: str) -> str | Refusal:
    """`value` in E.164, or why it is refused; `country` (ISO code) reads national numbers."""
    text = value.strip()
    if len(text) > MAX_PHONE:
        return Refusal(
            ErrorCode.INVALID_INPUT,
            f"The phone number is longer than {MAX_PHONE} characters.",
            field,
        )
    region = (country or "").upper() or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        hint = "" if region else " Start it with + and the country code."
        return Refusal(ErrorCode.INVALID_INPUT, f"This is not a phone number.{hint}", field)
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region or "any country"
        return Refusal(
            ErrorCode.INVALID_INPUT, f"This is not a valid phone number in {where}.", field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


__all__ = ["MAX_PHONE", "phone_param"]
