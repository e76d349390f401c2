// Money, dates and enum labels, formatted for the session's locale.

import { t } from "./i18n.js";

// Stripe's zero-decimal currencies: amounts are already in whole units.
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

let locale;

/** Format in `value` (the locale `useLanguage` settled on; none: the browser's). */
export function setLocale(value) {
  locale = value && value !== "auto" ? value : undefined;
  try {
    new Intl.NumberFormat(locale);
  } catch {
    locale = undefined;
  }
}

export function money(amount, currency) {
  const code = (currency || "usd").toLowerCase();
  const units = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  return new Intl.NumberFormat(locale, { style: "currency", currency: code.toUpperCase() }).format(
    units,
  );
}

export function date(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso));
}

/** "month", "3 months" (as in "$9.00 / month"). */
export function interval(unit, count = 1) {
  return count === 1 ? t(`interval.${unit}`) : duration(unit, count);
}

/** "1 month", "3 months" (a length of time), in the page's language. */
export function duration(unit, count = 1) {
  const name = { DAY: "day", WEEK: "week", MONTH: "month", YEAR: "year" }[unit];
  if (!name) return `${count} ${String(unit).toLowerCase()}`;
  return new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "long" }).format(
    count,
  );
}

/** "$20.00 / month"; "Custom pricing" when the price has no unit amount. */
export function priceAmount(price) {
  if (price.unitAmount === null || price.unitAmount === undefined) return t("price.custom");
  const amount = money(price.unitAmount, price.currency);
  return price.interval
    ? t("price.perInterval", { amount, interval: interval(price.interval, price.intervalCount) })
    : amount;
}

/**
 * A subscription item's price as a customer reads it: "$20.00 / month", or for several
 * seats the total with the price per seat: "$60.00 / month (3 seats at $20.00 per seat)".
 */
export function itemAmount(item) {
  const quantity = item.quantity ?? 1;
  const price = item.price;
  if (quantity === 1) return priceAmount(price);
  if (price.unitAmount === null || price.unitAmount === undefined) {
    return t("price.units", { count: quantity, each: priceAmount(price) });
  }
  const total = priceAmount({ ...price, unitAmount: price.unitAmount * quantity });
  return t("price.perSeatTotal", {
    total,
    count: quantity,
    each: money(price.unitAmount, price.currency),
  });
}

/** "Pro monthly" (the nickname) or the product's name. */
export function priceName(price) {
  return price.nickname || price.product?.name || price.id;
}

/** A built-in cancellation reason (`TOO_EXPENSIVE`, ...) in the page's language. */
export function reasonLabel(reason) {
  const key = `reason.${reason}`;
  const text = t(key);
  return text === key ? String(reason) : text;
}

/** A subscription status (`ACTIVE`, ...) in the page's language. */
export function statusLabel(status) {
  const key = `status.${status}`;
  const text = t(key);
  return text === key ? String(status ?? "") : text;
}

/** An invoice status (`PAID`, ...) in the page's language. */
export function invoiceStatusLabel(status) {
  const key = `invoice.status.${status}`;
  const text = t(key);
  return text === key ? String(status ?? "") : text;
}

const BRANDS = {
  amex: "American Express",
  diners: "Diners Club",
  discover: "Discover",
  eftpos_au: "eftpos",
  jcb: "JCB",
  mastercard: "Mastercard",
  unionpay: "UnionPay",
  visa: "Visa",
};

export function brand(name) {
  return BRANDS[name] ?? (name ? name[0].toUpperCase() + name.slice(1) : t("card"));
}

/** "Visa •••• 4242" or the payment method type. */
export function paymentMethodName(method) {
  if (method.card) return `${brand(method.card.brand)} •••• ${method.card.last4}`;
  return method.type.replaceAll("_", " ");
}

/** What a coupon takes off: "25% off", "$5.00 off" (in the page's locale). */
function amountOff(coupon) {
  const amount =
    coupon.percentOff != null
      ? new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
          Number(coupon.percentOff) / 100,
        )
      : money(coupon.amountOff, coupon.currency);
  return t("discount.off", { amount });
}

/**
 * A coupon's terms as an offer, before it applies (a retention offer), the way Stripe's
 * portal words them: "20% off for 3 months", "$5.00 off once", "10% off forever".
 */
export function couponTerms(coupon) {
  const off = amountOff(coupon);
  if (coupon.duration === "ONCE") return t("offer.once", { off });
  if (coupon.duration === "REPEATING" && coupon.durationInMonths) {
    return t("offer.for", { off, length: duration("MONTH", coupon.durationInMonths) });
  }
  return t("offer.forever", { off });
}

/** A discount as a customer reads it: "Welcome offer: 25% off for 3 months (code WELCOME3)". */
export function discountText(discount) {
  let text = amountOff(discount);
  if (discount.duration === "ONCE") text = t("discount.once", { off: text });
  else if (discount.duration === "REPEATING") {
    text = discount.end
      ? t("discount.until", { off: text, date: date(discount.end) })
      : t("discount.for", { off: text, length: duration("MONTH", discount.durationInMonths) });
  }
  if (discount.couponName) text = t("discount.named", { name: discount.couponName, text });
  if (discount.promotionCode) text = t("discount.code", { text, code: discount.promotionCode });
  return text;
}
