"""Invoice payments: one per successful charge of an invoice (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe.params import InvoicePaymentListParams, InvoicePaymentRetrieveParams

from ..router import Call, route
from ..state import includable
from .common import created_filter

if TYPE_CHECKING:
    from ..state import Emulator, Obj


def _listed(payment: Obj, params: Obj) -> bool:
    wanted = params.get("payment") or {}
    return (
        all(payment[key] == params[key] for key in ("invoice", "status") if key in params)
        and all(payment["payment"].get(key) == value for key, value in wanted.items())
        and created_filter(params.get("created"))(payment["created"])
    )


@route("GET", "/v1/invoice_payments", InvoicePaymentListParams)
def list_invoice_payments(call: Call) -> Obj:
    found = call.emu.find("invoice_payment", lambda p: _listed(p, call.params))
    return call.emu.page(found, call.params, "/v1/invoice_payments")


@route("GET", "/v1/invoice_payments/{invoice_payment}", InvoicePaymentRetrieveParams)
def retrieve_invoice_payment(call: Call) -> Obj:
    return call.emu.render(
        call.emu.get(call.path["invoice_payment"], "invoice_payment", noun="invoice payment")
    )


@includable("invoice", "payments")
def invoice_payments(emu: Emulator, invoice: Obj) -> Obj:
    """An invoice's `payments` when expanded (Stripe leaves them out otherwise): the first
    page of ten."""
    found = emu.find("invoice_payment", lambda p: p["invoice"] == invoice["id"])
    return emu.page(found, {}, f"/v1/invoices/{invoice['id']}/payments")
