"""The hosted invoice page and the invoice PDF: no API key, real HTML, a well-formed PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import aiohttp
from billing_support import TIMES, make_catalog, make_customer
from stripe_emulator.pdf import LINES_PER_PAGE, text_pdf

if TYPE_CHECKING:
    import stripe
    from stripe_emulator.testing import RunningEmulator


def pdf_problems(data: bytes) -> list[str]:
    """Structural checks a PDF reader relies on: header, xref offsets, lengths, trailer."""
    problems = []
    if not data.startswith(b"%PDF-1.4\n"):
        problems.append("header")
    if not data.rstrip().endswith(b"%%EOF"):
        problems.append("EOF marker")
    start = int(re.findall(rb"startxref\n(\d+)\n", data)[-1])
    if not data[start:].startswith(b"xref\n"):
        problems.append("startxref does not point at the xref table")
    header = re.match(rb"xref\n0 (\d+)\n", data[start:])
    assert header is not None
    count = int(header.group(1))
    entries = data[start + header.end() :].split(b"\n")[:count]
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        if not data[offset:].startswith(f"{number} 0 obj\n".encode()):
            problems.append(f"xref entry {number} points at the wrong place")
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        length = int(match.group(1))
        if data[match.end() + length : match.end() + length + 10] != b"\nendstream":
            problems.append("a stream's /Length is wrong")
    if b"/Root 1 0 R" not in data or f"/Size {count}".encode() not in data:
        problems.append("trailer")
    return problems


def pdf_text(data: bytes) -> list[str]:
    """The strings the content streams show, in order (our PDFs use simple `(...) Tj`)."""
    raw = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data)
    return [re.sub(rb"\\(.)", rb"\1", s).decode("cp1252") for s in raw]


def test_the_pdf_writer_makes_well_formed_multi_page_documents() -> None:
    lines = ["Invoice ABC-0001", f"1 {TIMES} Pro (at €20.00 / month) (a) \\ b"]
    lines += [f"line {n}" for n in range(LINES_PER_PAGE + 5)]
    data = text_pdf(lines, title="Invoice (test)")
    assert pdf_problems(data) == []
    assert b"/Count 2" in data
    assert pdf_text(data)[:2] == lines[:2]
    assert pdf_text(data)[-1] == lines[-1]
    if shutil.which("pdftotext"):  # a real reader, when the machine has one
        shown = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        assert f"1 {TIMES} Pro (at €20.00 / month) (a) \\ b" in shown


async def test_hosted_page_and_pdf_need_no_key(
    stripe_client: stripe.StripeClient, emulator: RunningEmulator
) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id, "quantity": 2}]}
    )
    invoice = await stripe_client.v1.invoices.retrieve_async(str(sub.latest_invoice))
    assert invoice.hosted_invoice_url is not None
    assert invoice.invoice_pdf is not None
    async with aiohttp.ClientSession() as session:
        async with session.get(invoice.hosted_invoice_url) as page:
            assert page.status == 200
            assert page.content_type == "text/html"
            html = await page.text()
        async with session.get(invoice.invoice_pdf) as pdf:
            assert pdf.status == 200
            assert pdf.content_type == "application/pdf"
            data = await pdf.read()
        async with session.get(f"{emulator.url}/invoices/test_not_a_token/pdf") as missing:
            assert missing.status == 404
    assert f"Invoice {invoice.number}" in html
    assert f"2 {TIMES} Pro (at $20.00 / month)" in html
    assert invoice.invoice_pdf in html
    assert pdf_problems(data) == []
    text = pdf_text(data)
    assert text[0] == f"Invoice {invoice.number}"
    assert f"2 {TIMES} Pro (at $20.00 / month)    $40.00" in text
    assert "Amount paid: $40.00" in text
    assert "Billed to: Ada Payer" in text
    # Page hits are not Stripe API calls.
    assert all(not e["path"].startswith("/invoices/") for e in emulator.runtime.log.entries)


async def test_drafts_have_no_links(stripe_client: stripe.StripeClient) -> None:
    catalog = await make_catalog(stripe_client)
    customer = await make_customer(stripe_client)
    sub = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": catalog.pro_monthly.id}]}
    )
    preview = await stripe_client.v1.invoices.create_preview_async({"subscription": sub.id})
    assert (preview.hosted_invoice_url, preview.invoice_pdf) == (None, None)
