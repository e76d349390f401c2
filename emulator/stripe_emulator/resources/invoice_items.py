"""Invoice items: the pending (and invoiced) prorations subscriptions create; read-only here."""

from __future__ import annotations

from stripe.params import InvoiceItemListParams, InvoiceItemRetrieveParams

from ..clone import clone
from ..router import Call, route
from ..state import Emulator, Obj, renderer
from .common import created_filter


@renderer("invoiceitem")
def render_invoice_item(emu: Emulator, ii: Obj) -> Obj:
    body = clone(ii)
    # Invoice items are dated by `date`; `created` is only kept for list ordering.
    body.pop("created", None)
    if not ii.get("deleted"):
        body.pop("deleted", None)
    return body


@route("GET", "/v1/invoiceitems", InvoiceItemListParams)
def list_invoice_items(call: Call) -> Obj:
    params = call.params
    created = created_filter(params.get("created"))

    def wanted(ii: Obj) -> bool:
        return (
            ("customer" not in params or ii["customer"] == params["customer"])
            and ("invoice" not in params or ii["invoice"] == params["invoice"])
            and ("pending" not in params or (ii["invoice"] is None) == params["pending"])
            and created(ii["created"])
        )

    return call.emu.page(call.emu.find("invoiceitem", wanted), params, "/v1/invoiceitems")


@route("GET", "/v1/invoiceitems/{invoiceitem}", InvoiceItemRetrieveParams)
def retrieve_invoice_item(call: Call) -> Obj:
    return call.emu.render(
        call.emu.get(call.path["invoiceitem"], "invoiceitem", noun="invoiceitem")
    )
