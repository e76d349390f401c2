"""Tax ID values checked by their official formats and check digits (`python-stdnum`).

Stripe's tax ID types name a country's number; where python-stdnum implements that number
(VAT numbers of the EU, the UK, Switzerland and Norway, Australia's ABN, the US EIN,
India's GSTIN, Brazil's CNPJ and CPF, ...) the value must pass its format and checksum. The
other types Stripe supports are sent as given, and Stripe checks their format. In test mode
Stripe's documented test values (containing 000000000, 111111111 or 222222222, which
choose the verification outcome) pass as they are. Pure: no I/O.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from stdnum.exceptions import ValidationError

from ..errors import ErrorCode
from .refusals import Refusal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gateway.models import TaxId

MAX_TAX_ID_VALUE = 100
TEST_MODE_VALUES = ("000000000", "111111111", "222222222")
# Stripe's type -> the python-stdnum module of the same number, and what to call it.
VALIDATORS: dict[str, tuple[str, str]] = {
    "eu_vat": ("eu.vat", "EU VAT number (with its country prefix, such as DE)"),
    "gb_vat": ("gb.vat", "UK VAT number"),
    "ch_vat": ("ch.vat", "Swiss VAT number"),
    "ch_uid": ("ch.uid", "Swiss business identification number"),
    "no_vat": ("no.mva", "Norwegian VAT number"),
    "is_vat": ("is_.vsk", "Icelandic VAT number"),
    "au_abn": ("au.abn", "Australian Business Number"),
    "au_acn": ("au.acn", "Australian Company Number"),
    "nz_gst": ("nz.ird", "New Zealand GST number"),
    "ca_bn": ("ca.bn", "Canadian business number"),
    "us_ein": ("us.ein", "US Employer Identification Number"),
    "in_gst": ("in_.gstin", "Indian GSTIN"),
    "br_cnpj": ("br.cnpj", "Brazilian CNPJ"),
    "br_cpf": ("br.cpf", "Brazilian CPF"),
    "mx_rfc": ("mx.rfc", "Mexican RFC"),
    "ar_cuit": ("ar.cuit", "Argentinian CUIT"),
    "cl_tin": ("cl.rut", "Chilean RUT"),
    "co_nit": ("co.nit", "Colombian NIT"),
    "pe_ruc": ("pe.ruc", "Peruvian RUC"),
    "ec_ruc": ("ec.ruc", "Ecuadorian RUC"),
    "uy_ruc": ("uy.rut", "Uruguayan RUT"),
    "ve_rif": ("ve.rif", "Venezuelan RIF"),
    "es_cif": ("es.cif", "Spanish CIF"),
    "fr_siren": ("fr.siren", "French SIREN"),
    "fr_siret": ("fr.siret", "French SIRET"),
    "it_cf": ("it.codicefiscale", "Italian codice fiscale"),
    "de_stn": ("de.stnr", "German tax number (Steuernummer)"),
    "pl_nip": ("pl.nip", "Polish NIP"),
    "pt_nif": ("pt.nif", "Portuguese NIF"),
    "hr_oib": ("hr.oib", "Croatian OIB"),
    "ru_inn": ("ru.inn", "Russian INN"),
    "tr_tin": ("tr.vkn", "Turkish tax number"),
    "il_vat": ("il.hp", "Israeli company number"),
    "jp_cn": ("jp.cn", "Japanese corporate number"),
    "kr_brn": ("kr.brn", "Korean business registration number"),
    "cn_tin": ("cn.uscc", "Chinese unified social credit code"),
    "tw_vat": ("tw.ubn", "Taiwanese VAT number (UBN)"),
    "th_vat": ("th.tin", "Thai tax number"),
    "id_npwp": ("id.npwp", "Indonesian NPWP"),
    "sg_uen": ("sg.uen", "Singaporean UEN"),
}


# The shape of Stripe's type names, when the caller has not given Stripe's own list.
_TYPE_SHAPE = re.compile(r"^[a-z]{2,3}_[a-z_]+$")


@cache
def _module(name: str) -> Any:
    return importlib.import_module(f"stdnum.{name}")


def _invalid(message: str, field: str) -> Refusal:
    return Refusal(ErrorCode.INVALID_INPUT, message, field)


def tax_id_value(
    type: str, value: str, *, test_mode: bool, known_types: frozenset[str] | None = None
) -> str | Refusal:
    """The value to send Stripe (as typed, trimmed), or why `type` or `value` is refused;
    `known_types`: the types Stripe accepts (billing reads them off the SDK)."""
    known = type in known_types if known_types is not None else bool(_TYPE_SHAPE.match(type))
    if not known:
        return _invalid(f"{type!r} is not a tax ID type Stripe knows (for example eu_vat).", "type")
    cleaned = value.strip()
    if not cleaned or len(cleaned) > MAX_TAX_ID_VALUE:
        return _invalid("The tax ID value is empty or too long.", "value")
    validator = VALIDATORS.get(type)
    if validator is None or (test_mode and any(v in cleaned for v in TEST_MODE_VALUES)):
        return cleaned
    module, label = validator
    try:
        _module(module).validate(cleaned)
    except ValidationError as exc:
        reason = str(exc).rstrip(".")
        return _invalid(f"This is not a valid {label}: {reason[:1].lower()}{reason[1:]}.", "value")
    return cleaned


def compact(type: str, value: str) -> str:
    """The value without spaces, dots and dashes, upper case: how two spellings compare."""
    validator = VALIDATORS.get(type)
    if validator is not None:
        try:
            return str(_module(validator[0]).compact(value)).upper()
        except ValidationError:
            pass
    return "".join(ch for ch in value if ch.isalnum()).upper()


def duplicate(type: str, value: str, existing: Iterable[TaxId]) -> TaxId | None:
    """The customer's tax ID that is this one, however it is spelled."""
    wanted = compact(type, value)
    return next(
        (t for t in existing if t.type == type and compact(t.type, t.value) == wanted), None
    )


__all__ = ["VALIDATORS", "compact", "duplicate", "tax_id_value"]
