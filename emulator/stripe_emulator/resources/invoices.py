"""Invoices: previews, list, retrieve, lines, pay, finalize, void, mark uncollectible.

`create_preview` is registered before `/v1/invoices/{invoice}` so the literal
path wins. Paying the latest invoice of an `incomplete`, `past_due` or `unpaid`
subscription makes it active again (see `invoicing`); a declined charge is
Stripe's 402 card_error with the card's `decline_code` (see `cards`).
"""

from __future__ import annotations

from stripe.params import (
    InvoiceCreatePreviewParams,
    InvoiceFinalizeInvoiceParams,
    InvoiceLineItemListParams,
    InvoiceListParams,
    InvoiceMarkUncollectibleParams,
    InvoicePayParams,
    InvoiceRetrieveParams,
    InvoiceVoidInvoiceParams,
)

from .. import invoicing, public_urls
from ..clone import clone
from ..errors import invalid
from ..item_changes import unsupported
from ..lifecycle import payment_error
from ..previews import preview
from ..public_urls import with_origin
from ..router import Call, route
from ..state import Emulator, Obj, renderer
from .common import created_filter, require_payment_method_of

LINES_SHOWN = 10


@renderer("invoice")
def render_invoice(emu: Emulator, invoice: Obj) -> Obj:
    body = clone(invoice)
    lines = invoice["_lines"]
    body["lines"] = {
        "data": clone(lines[:LINES_SHOWN]),
        "has_more": len(lines) > LINES_SHOWN,
        "object": "list",
        "url": f"/v1/invoices/{invoice['id']}/lines",
    }
    token = invoice["_token"]
    if token:
        body["hosted_invoice_url"] = public_urls.invoice_page(token)
        body["invoice_pdf"] = public_urls.invoice_pdf(token)
    return body


def _stored(call: Call) -> Obj:
    return call.emu.get(call.path["invoice"], "invoice", param="invoice")


@route("POST", "/v1/invoices/create_preview", InvoiceCreatePreviewParams)
@with_origin
def create_preview(call: Call) -> Obj:
    return preview(call.emu, call.params)


@route("GET", "/v1/invoices", InvoiceListParams)
@with_origin
def list_invoices(call: Call) -> Obj:
    params = call.params
    created = created_filter(params.get("created"))
    due = created_filter(params.get("due_date"))

    def wanted(invoice: Obj) -> bool:
        return (
            all(
                invoice[key] == params[key]
                for key in ("customer", "status", "collection_method")
                if key in params
            )
            and (
                "subscription" not in params
                or invoicing.subscription_of(invoice) == params["subscription"]
            )
            and created(invoice["created"])
            and (
                "due_date" not in params
                or (invoice["due_date"] is not None and due(invoice["due_date"]))
            )
        )

    return call.emu.page(call.emu.find("invoice", wanted), params, "/v1/invoices")


@route("GET", "/v1/invoices/{invoice}", InvoiceRetrieveParams)
@with_origin
def retrieve_invoice(call: Call) -> Obj:
    return call.emu.render(_stored(call))


@route("GET", "/v1/invoices/{invoice}/lines", InvoiceLineItemListParams)
@with_origin
def list_lines(call: Call) -> Obj:
    invoice = _stored(call)
    lines = [clone(line) for line in invoice["_lines"]]
    # Lines are not stored objects; page them by their own ids, in invoice order.
    page = _page_lines(lines, call.params)
    page["url"] = f"/v1/invoices/{invoice['id']}/lines"
    return page


def _page_lines(lines: list[Obj], params: Obj) -> Obj:
    limit = params.get("limit", 10)
    if not 1 <= limit <= 100:
        raise invalid(
            "Invalid limit: must be between 1 and 100",
            param="limit",
            code="parameter_invalid_integer",
        )
    ids = [line["id"] for line in lines]
    after, before = params.get("starting_after"), params.get("ending_before")
    for name, cursor in (("starting_after", after), ("ending_before", before)):
        if cursor is not None and cursor not in ids:
            raise invalid(f"No such line item: '{cursor}'", param=name, code="resource_missing")
    if after is not None:
        window = lines[ids.index(after) + 1 :]
        chosen = window[:limit]
    elif before is not None:
        window = lines[: ids.index(before)]
        chosen = window[-limit:]
    else:
        window = lines
        chosen = lines[:limit]
    return {"data": chosen, "has_more": len(window) > limit, "object": "list", "url": ""}


@route("POST", "/v1/invoices/{invoice}/pay", InvoicePayParams, inert=("off_session",))
@with_origin
def pay_invoice(call: Call) -> Obj:
    invoice = _stored(call)
    params = call.params
    for key in ("source", "mandate", "forgive"):
        if params.get(key):
            raise unsupported(key, "invoice payments")
    status = invoice["status"]
    if status == "paid":
        raise invalid("Invoice is already paid.", param="invoice")
    if status == "void":
        raise invalid("This invoice has been voided and can no longer be paid.", param="invoice")
    pm = params.get("payment_method")
    if pm:
        require_payment_method_of(call.emu, pm, invoice["customer"], "payment_method")
    now = call.emu.now(invoice["customer"])
    if status == "draft":
        invoicing.finalize(call.emu, invoice, now)
    if invoice["status"] == "paid":
        return call.emu.render(invoice)
    if status == "uncollectible":
        invoice["status"] = "open"
    if params.get("paid_out_of_band"):
        invoicing.mark_paid(call.emu, invoice, now)
        return call.emu.render(invoice)
    decline = invoicing.attempt_payment(call.emu, invoice, now, pm)
    if decline is not None:
        if status == "uncollectible":
            invoice["status"] = "uncollectible"
        raise payment_error(decline)
    return call.emu.render(invoice)


@route("POST", "/v1/invoices/{invoice}/finalize", InvoiceFinalizeInvoiceParams)
@with_origin
def finalize_invoice(call: Call) -> Obj:
    invoice = _stored(call)
    if invoice["status"] != "draft":
        raise invalid(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
            param="invoice",
            code="invoice_not_editable",
        )
    if "auto_advance" in call.params:
        invoice["auto_advance"] = call.params["auto_advance"]
    invoicing.finalize(call.emu, invoice, call.emu.now(invoice["customer"]))
    return call.emu.render(invoice)


@route("POST", "/v1/invoices/{invoice}/void", InvoiceVoidInvoiceParams)
@with_origin
def void_invoice(call: Call) -> Obj:
    invoice = _stored(call)
    if invoice["status"] not in ("open", "uncollectible"):
        raise invalid(
            f"You can only void an open or uncollectible invoice; this one is "
            f"`{invoice['status']}`.",
            param="invoice",
        )
    invoicing.void(call.emu, invoice, call.emu.now(invoice["customer"]))
    return call.emu.render(invoice)


@route("POST", "/v1/invoices/{invoice}/mark_uncollectible", InvoiceMarkUncollectibleParams)
@with_origin
def mark_uncollectible(call: Call) -> Obj:
    invoice = _stored(call)
    if invoice["status"] != "open":
        raise invalid(
            f"You can only mark an open invoice uncollectible; this one is `{invoice['status']}`.",
            param="invoice",
        )
    invoicing.mark_uncollectible(call.emu, invoice, call.emu.now(invoice["customer"]))
    return call.emu.render(invoice)
