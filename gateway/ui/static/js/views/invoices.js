// Invoice history: date, number, amount, status, and links to Stripe's page and the PDF.

import { h } from "../dom.js";
import { date, INVOICE_STATUSES, money } from "../format.js";
import { section } from "./section.js";

function invoiceRow(invoice) {
  const number = invoice.number ?? "Draft";
  const links = [
    invoice.hostedInvoiceUrl
      ? h(
          "a",
          { href: invoice.hostedInvoiceUrl, target: "_blank", rel: "noopener noreferrer" },
          "View",
          h("span", { class: "visually-hidden" }, ` invoice ${number}`),
        )
      : null,
    invoice.invoicePdf
      ? h(
          "a",
          {
            href: invoice.invoicePdf,
            target: "_blank",
            rel: "noopener noreferrer",
            class: "pdf-link",
          },
          "PDF",
          h("span", { class: "visually-hidden" }, ` of invoice ${number}`),
        )
      : null,
  ];
  return h(
    "tr",
    { dataset: { invoice: invoice.id } },
    h("td", { "data-label": "Date" }, date(invoice.created)),
    h("td", { "data-label": "Number" }, number),
    h(
      "td",
      { "data-label": "Amount", class: "amount" },
      money(invoice.total, invoice.currency),
      (invoice.discounts ?? [])
        .filter((discount) => discount.amount)
        .map((discount) =>
          h(
            "span",
            { class: "discount-line muted" },
            `${discount.couponName ?? discount.promotionCode ?? "Discount"} −${money(discount.amount, invoice.currency)}`,
          ),
        ),
    ),
    h(
      "td",
      { "data-label": "Status" },
      h(
        "span",
        { class: `badge ${invoice.status === "PAID" ? "success" : "muted"}` },
        INVOICE_STATUSES[invoice.status] ?? invoice.status ?? "",
      ),
    ),
    h("td", { "data-label": "Links", class: "links" }, links),
  );
}

export function renderInvoices(portal) {
  const page = portal.data.invoices;
  const body = h("tbody", {}, page.nodes.map(invoiceRow));
  const more = h("button", { type: "button", class: "secondary" }, "Show more invoices");
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const added = await portal.loadMoreInvoices();
      const rows = added.map(invoiceRow);
      body.append(...rows);
      if (!portal.data.invoices.pageInfo.hasNextPage) more.remove();
      rows[0]?.querySelector("a")?.focus();
    } catch (error) {
      more.after(h("p", { class: "row-error", role: "alert" }, error.message));
    } finally {
      more.disabled = false;
    }
  });
  return section(
    { title: "Invoice history", focusKey: "invoices", className: "invoices" },
    page.nodes.length
      ? h(
          "table",
          { class: "invoice-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Date", "Number", "Amount", "Status"].map((label) =>
                h("th", { scope: "col", class: label === "Amount" ? "amount" : null }, label),
              ),
              h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Links")),
            ),
          ),
          body,
        )
      : h("p", { class: "empty" }, "No invoices yet."),
    page.pageInfo.hasNextPage ? more : null,
  );
}
