"""The rules for billing details, on their own (pure): which Stripe types are checked by
python-stdnum, that each accepts its library's own example numbers, and that addresses and
phone numbers are refused on the exact field."""

from __future__ import annotations

import re

import pytest

from gateway.billing import STRIPE_TAX_ID_TYPES as TAX_ID_TYPES
from gateway.models import Address
from gateway.portal.addresses import address_params
from gateway.portal.phones import phone_param
from gateway.portal.refusals import Refusal
from gateway.portal.tax_id_formats import (
    VALIDATORS,
    _module,
    compact,
    tax_id_value,
)


def test_every_checked_type_is_one_stripe_knows() -> None:
    assert set(VALIDATORS) <= TAX_ID_TYPES
    assert {"eu_vat", "gb_vat", "us_ein", "au_abn", "in_gst"} <= set(VALIDATORS)


@pytest.mark.parametrize("tax_type", sorted(VALIDATORS))
def test_each_type_accepts_its_librarys_examples(tax_type: str) -> None:
    module = _module(VALIDATORS[tax_type][0])
    # A doctest whose answer is the number itself (a refused one answers with a Traceback).
    examples = re.findall(r">>> validate\('([^']+)'\)[^\n]*\n'", module.__doc__ or "")
    assert examples, tax_type
    for example in examples:
        checked = tax_id_value(tax_type, example, test_mode=False, known_types=TAX_ID_TYPES)
        assert checked == example.strip(), example


def test_spellings_of_one_number_compare_equal() -> None:
    assert compact("eu_vat", "de 811.907-980") == compact("eu_vat", "DE811907980")
    assert compact("ca_qst", "1234567890 tq 1234") == "1234567890TQ1234"


@pytest.mark.parametrize(
    ("address", "field"),
    [
        (
            Address(line1="1 Main", city="Austin", state="TX", postal_code="ABCDE", country="US"),
            "address.postalCode",
        ),
        (
            Address(line1="1 Main", city="Austin", postal_code="73301", country="US"),
            "address.state",
        ),
        (
            Address(line1="Hauptstr. 1", city="Berlin", postal_code="1", country="DE"),
            "address.postalCode",
        ),
        (Address(line1="Hauptstr. 1", postal_code="10115", country="DE"), "address.city"),
        (Address(city="Berlin", postal_code="10115", country="DE"), "address.line1"),
        (Address(line1="Hauptstr. 1", city="Berlin", postal_code="10115"), "address.country"),
        (Address(line1="x", city="y", country="XX"), "address.country"),
        (Address(), "address"),
    ],
)
def test_addresses_are_refused_on_the_field_at_fault(address: Address, field: str) -> None:
    refused = address_params(address, "address")
    assert isinstance(refused, Refusal)
    assert refused.field == field


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("(650) 253-0000", "US", "+16502530000"),
        ("abc", None, None),
        ("030 1234567", None, None),
        ("+1 555 0100", None, None),
    ],
)
def test_phone_numbers(value: str, country: str | None, expected: str | None) -> None:
    answer = phone_param(value, country, "phone")
    if expected is None:
        assert isinstance(answer, Refusal)
        assert answer.field == "phone"
    else:
        assert answer == expected
