// Invoice history: date, number, amount, status, and links to Stripe's page and the PDF.

import { h } from "../dom.js";
import { date, invoiceStatusLabel, money } from "../format.js";
import { section } from "./section.js";
import { errorText, t } from "../i18n.js";

function invoiceRow(invoice) {
  const number = invoice.number ?? t("invoice.status.DRAFT");
  const links = [
    invoice.hostedInvoiceUrl
      ? h(
          "a",
          { href: invoice.hostedInvoiceUrl, target: "_blank", rel: "noopener noreferrer" },
          t("invoice.view"),
          h("span", { class: "visually-hidden" }, ` ${t("invoice.named", { number })}`),
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
          h("span", { class: "visually-hidden" }, ` ${t("invoice.pdfOf", { number })}`),
        )
      : null,
  ];
  return h(
    "tr",
    { dataset: { invoice: invoice.id } },
    h("td", { "data-label": t("invoice.date") }, date(invoice.created)),
    h("td", { "data-label": t("invoice.number") }, number),
    h(
      "td",
      { "data-label": t("amount"), class: "amount" },
      money(invoice.total, invoice.currency),
      (invoice.discounts ?? [])
        .filter((discount) => discount.amount)
        .map((discount) =>
          h(
            "span",
            { class: "discount-line muted" },
            `${discount.couponName ?? discount.promotionCode ?? t("subscription.discount")} −${money(discount.amount, invoice.currency)}`,
          ),
        ),
    ),
    h(
      "td",
      { "data-label": t("invoice.statusLabel") },
      h(
        "span",
        { class: `badge ${invoice.status === "PAID" ? "success" : "muted"}` },
        invoiceStatusLabel(invoice.status),
      ),
    ),
    h("td", { "data-label": t("invoice.links"), class: "links" }, links),
  );
}

export function renderInvoices(portal) {
  const page = portal.data.invoices;
  const body = h("tbody", {}, page.nodes.map(invoiceRow));
  const more = h("button", { type: "button", class: "secondary" }, t("invoice.more"));
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const added = await portal.loadMoreInvoices();
      const rows = added.map(invoiceRow);
      body.append(...rows);
      if (!portal.data.invoices.pageInfo.hasNextPage) more.remove();
      rows[0]?.querySelector("a")?.focus();
    } catch (error) {
      more.after(h("p", { class: "row-error", role: "alert" }, errorText(error)));
    } finally {
      more.disabled = false;
    }
  });
  return section(
    { title: t("invoice.title"), focusKey: "invoices", className: "invoices" },
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
              ["invoice.date", "invoice.number", "amount", "invoice.statusLabel"].map((key) =>
                h("th", { scope: "col", class: key === "amount" ? "amount" : null }, t(key)),
              ),
              h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("invoice.links"))),
            ),
          ),
          body,
        )
      : h("p", { class: "empty" }, t("invoice.empty")),
    page.pageInfo.hasNextPage ? more : null,
  );
}
