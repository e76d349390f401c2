"""Customer tax IDs: format checks for common types and Stripe's asynchronous verification.

Types Stripe verifies with a government registry (EU VIES, UK HMRC, the
Australian ABR) start `pending` and settle right after the response, with a
`customer.tax_id.updated` event. In test mode a value containing `111111111`
ends `unverified` and one containing `222222222` ends `unavailable`; anything
else well-formed ends `verified`. Other types are `unavailable` from the start.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from stripe.params import (
    CustomerTaxIdCreateParams,
    CustomerTaxIdDeleteParams,
    CustomerTaxIdListParams,
    CustomerTaxIdRetrieveParams,
)

from ..clone import clone
from ..errors import invalid, resource_missing
from ..router import Call, route
from ..state import includable

if TYPE_CHECKING:
    from ..state import Emulator, Obj

_EU_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "EL",
    "ES",
    "FI",
    "FR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "XI",
]
# Value patterns from Stripe's list of supported tax ID types and their examples.
_FORMATS: dict[str, str] = {
    "eu_vat": rf"(?:{'|'.join(_EU_COUNTRIES)})[0-9A-Z+*]{{2,12}}",
    "eu_oss_vat": r"EU[0-9]{9}",
    "gb_vat": r"GB(?:[0-9]{9}|[0-9]{12}|GD[0-9]{3}|HA[0-9]{3})",
    "us_ein": r"[0-9]{2}-?[0-9]{7}",
    "au_abn": r"[0-9]{11}",
    "au_arn": r"[0-9]{12}",
    "ca_bn": r"[0-9]{9}",
    "ca_gst_hst": r"[0-9]{9}RT[0-9]{4}",
    "ca_qst": r"[0-9]{10}TQ[0-9]{4}",
    "ch_vat": r"CHE-?[0-9]{3}\.?[0-9]{3}\.?[0-9]{3} ?(?:MWST|TVA|IVA)",
    "ch_uid": r"CHE-?[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}",
    "no_vat": r"[0-9]{9}MVA",
    "nz_gst": r"[0-9]{8,9}",
    "in_gst": r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]Z[0-9A-Z]",
    "jp_cn": r"[0-9]{13}",
    "jp_trn": r"T[0-9]{13}",
    "sg_uen": r"[0-9]{8,9}[A-Z]|[STRF][0-9]{2}[A-Z]{2}[0-9]{4}[A-Z]",
    "za_vat": r"4[0-9]{9}",
    "br_cnpj": r"[0-9]{2}\.?[0-9]{3}\.?[0-9]{3}/?[0-9]{4}-?[0-9]{2}",
    "br_cpf": r"[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}",
    "mx_rfc": r"[A-Z&Ñ]{3,4}[0-9]{6}[A-Z0-9]{3}",
}
_VERIFIED_BY_REGISTRY = frozenset({"eu_vat", "gb_vat", "au_abn"})
# eu_vat values start with a VAT prefix that is not always the ISO country code.
_VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


def _country(tax_type: str, value: str) -> str | None:
    if tax_type == "eu_vat":
        prefix = value[:2]
        return _VAT_PREFIX_COUNTRY.get(prefix, prefix)
    if tax_type == "eu_oss_vat":
        return None
    return tax_type.split("_", 1)[0].upper()


def _settle(emu: Emulator, tax_id_id: str) -> None:
    """The registry's answer arrives: pending becomes verified, unverified or unavailable."""
    tax_id = emu.objects.get(tax_id_id)
    if tax_id is None or tax_id.get("deleted"):
        return
    before = clone(tax_id["verification"])
    value = tax_id["value"]
    status = "verified"
    if "111111111" in value:
        status = "unverified"
    elif "222222222" in value:
        status = "unavailable"
    tax_id["verification"]["status"] = status
    if status == "verified":
        customer = emu.objects.get(tax_id["customer"]) or {}
        tax_id["verification"]["verified_name"] = customer.get("name") or ""
        tax_id["verification"]["verified_address"] = None
    emu.emit("customer.tax_id.updated", tax_id, {"verification": before})


def _customer(call: Call) -> Obj:
    return call.emu.get(call.path["customer"], "customer", param="customer")


def checked_value(tax_type: str, raw: str, param: str) -> str:
    """The value as Stripe stores it (spaces dropped, upper case), or its `tax_id_invalid`."""
    value = re.sub(r"\s+", "", raw) if tax_type != "ch_vat" else raw
    value = value.upper() if tax_type in _FORMATS else value
    pattern = _FORMATS.get(tax_type)
    if pattern is not None and re.fullmatch(pattern, value) is None:
        raise invalid(f"Invalid value for {tax_type}.", param=param, code="tax_id_invalid")
    return value


@route("POST", "/v1/customers/{customer}/tax_ids", CustomerTaxIdCreateParams)
def create_tax_id(call: Call) -> Obj:
    customer = _customer(call)
    tax_type: str = call.params["type"]
    value = checked_value(tax_type, call.params["value"], "value")
    return call.emu.render(add_tax_id(call.emu, customer, tax_type, value))


def add_tax_id(emu: Emulator, customer: Obj, tax_type: str, value: str) -> Obj:
    """A new tax ID for `customer` (value already checked); registry types settle later."""
    pending = tax_type in _VERIFIED_BY_REGISTRY
    tax_id = emu.create(
        "txi",
        "tax_id",
        {
            "country": _country(tax_type, value),
            "customer": customer["id"],
            "customer_account": None,
            "owner": {"customer": customer["id"], "customer_account": None, "type": "customer"},
            "type": tax_type,
            "value": value,
            "verification": {
                "status": "pending" if pending else "unavailable",
                "verified_address": None,
                "verified_name": None,
            },
        },
        customer=customer["id"],
    )
    emu.emit("customer.tax_id.created", tax_id)
    if pending:
        asyncio.get_running_loop().call_soon(_settle, emu, tax_id["id"])
    return tax_id


def _of_customer(emu: Emulator, customer: str) -> list[Obj]:
    return emu.find("tax_id", lambda t: t["customer"] == customer and not t.get("deleted"))


@route("GET", "/v1/customers/{customer}/tax_ids", CustomerTaxIdListParams)
def list_tax_ids(call: Call) -> Obj:
    customer = _customer(call)
    found = _of_customer(call.emu, customer["id"])
    return call.emu.page(found, call.params, f"/v1/customers/{customer['id']}/tax_ids")


@includable("customer", "tax_ids")
def customer_tax_ids(emu: Emulator, customer: Obj) -> Obj:
    """A customer's `tax_ids` when expanded (Stripe leaves it out otherwise): the first page
    of ten, as the tax IDs list endpoint gives it."""
    found = _of_customer(emu, customer["id"])
    return emu.page(found, {}, f"/v1/customers/{customer['id']}/tax_ids")


def _tax_id(call: Call) -> Obj:
    customer = _customer(call)
    tax_id = call.emu.objects.get(call.path["id"])
    if (
        tax_id is None
        or tax_id["object"] != "tax_id"
        or tax_id.get("deleted")
        or tax_id["customer"] != customer["id"]
    ):
        raise resource_missing("tax_id", call.path["id"], "id")
    return tax_id


@route("GET", "/v1/customers/{customer}/tax_ids/{id}", CustomerTaxIdRetrieveParams)
def retrieve_tax_id(call: Call) -> Obj:
    return call.emu.render(_tax_id(call))


@route("DELETE", "/v1/customers/{customer}/tax_ids/{id}", CustomerTaxIdDeleteParams)
def delete_tax_id(call: Call) -> Obj:
    tax_id = _tax_id(call)
    call.emu.emit("customer.tax_id.deleted", tax_id)
    tax_id["deleted"] = True
    return {"id": tax_id["id"], "object": "tax_id", "deleted": True}
