"""The hosted invoice page and invoice PDF behind `hosted_invoice_url` / `invoice_pdf`.

Like Stripe's, these links need no API key: the unguessable token in the URL is
the credential. They are plain pages (no `/v1/` prefix), so the API middleware
leaves them alone.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import web

from .. import public_urls
from ..app import RUNTIME
from ..pdf import text_pdf
from ..proration import money
from ..router import page
from ..seed import seeded_roles

if TYPE_CHECKING:
    from ..state import Emulator, Obj


def _invoice_for(request: web.Request) -> tuple[Emulator, Obj]:
    emu = request.app[RUNTIME].emu
    token = request.match_info["token"]
    for obj in emu.of_type("invoice"):
        if obj.get("_token") == token:
            return emu, obj
    raise web.HTTPNotFound(text="This invoice link is not valid.")


def _date(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%d %b %Y") if ts else "-"


def invoice_text(emu: Emulator, invoice: Obj) -> list[str]:
    """The invoice as lines of text: what both the page and the PDF show."""
    currency = invoice["currency"]
    customer = emu.objects.get(invoice["customer"], {})
    lines = [
        f"Invoice {invoice['number'] or invoice['id']}",
        f"Status: {invoice['status']}",
        f"Date: {_date(invoice['status_transitions']['finalized_at'] or invoice['created'])}",
        f"Billed to: {customer.get('name') or customer.get('email') or invoice['customer']}",
        "",
    ]
    for line in invoice["_lines"]:
        period = line["period"]
        lines.append(f"{line['description']}    {money(line['amount'], currency)}")
        lines.append(f"    {_date(period['start'])} - {_date(period['end'])}")
    lines += [
        "",
        f"Subtotal: {money(invoice['subtotal'], currency)}",
        f"Total: {money(invoice['total'], currency)}",
    ]
    if invoice["starting_balance"]:
        lines.append(f"Applied balance: {money(invoice['starting_balance'], currency)}")
    lines += [
        f"Amount due: {money(invoice['amount_due'], currency)}",
        f"Amount paid: {money(invoice['amount_paid'], currency)}",
        f"Amount remaining: {money(invoice['amount_remaining'], currency)}",
    ]
    return lines


@page("GET", public_urls.INVOICE_PDF)
async def invoice_pdf(request: web.Request) -> web.StreamResponse:
    emu, invoice = _invoice_for(request)
    name = invoice["number"] or invoice["id"]
    return web.Response(
        body=text_pdf(invoice_text(emu, invoice), title=f"Invoice {name}"),
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="Invoice-{name}.pdf"'},
    )


@page("GET", public_urls.INVOICE_PAGE)
async def invoice_page(request: web.Request) -> web.StreamResponse:
    public_urls.bind(request)
    emu, invoice = _invoice_for(request)
    text = invoice_text(emu, invoice)
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in text[1:] if line)
    pdf = html.escape(public_urls.invoice_pdf(invoice["_token"]))
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(text[0])}</title></head><body>"
        f"<h1>{html.escape(text[0])}</h1><ul>{items}</ul>"
        f'<p><a href="{pdf}">Download PDF</a></p></body></html>'
    )
    return web.Response(text=body, content_type="text/html")


@page("GET", "/_emulator/seed")
async def seed_roles(request: web.Request) -> web.StreamResponse:
    """The demo customers by role (`{"active": "cus_...", ...}`); empty when not seeded."""
    return web.json_response(seeded_roles(request.app[RUNTIME].emu))
