// Money, dates and enum labels, formatted for the session's locale.

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

/** Use the session's locale (`auto` or none: the browser's). */
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

const INTERVALS = {
  DAY: ["day", "days"],
  WEEK: ["week", "weeks"],
  MONTH: ["month", "months"],
  YEAR: ["year", "years"],
};

function unitNames(unit) {
  return INTERVALS[unit] ?? [String(unit).toLowerCase(), String(unit).toLowerCase()];
}

/** "month", "3 months" (as in "$9.00 / month"). */
export function interval(unit, count = 1) {
  const [one, many] = unitNames(unit);
  return count === 1 ? one : `${count} ${many}`;
}

/** "1 month", "3 months" (a length of time). */
export function duration(unit, count = 1) {
  const [one, many] = unitNames(unit);
  return `${count} ${count === 1 ? one : many}`;
}

/** "$20.00 / month"; "Custom pricing" when the price has no unit amount. */
export function priceAmount(price) {
  if (price.unitAmount === null || price.unitAmount === undefined) return "Custom pricing";
  const amount = money(price.unitAmount, price.currency);
  return price.interval ? `${amount} / ${interval(price.interval, price.intervalCount)}` : amount;
}

/** "Pro monthly" (the nickname) or the product's name. */
export function priceName(price) {
  return price.nickname || price.product?.name || price.id;
}

export const REASONS = {
  TOO_EXPENSIVE: "It's too expensive",
  MISSING_FEATURES: "Some features are missing",
  SWITCHED_SERVICE: "I'm switching to a different service",
  UNUSED: "I don't use it enough",
  CUSTOMER_SERVICE: "Customer service was less than expected",
  TOO_COMPLEX: "Ease of use was less than expected",
  LOW_QUALITY: "Quality was less than expected",
  OTHER: "Other reason",
};

export const STATUSES = {
  INCOMPLETE: "Incomplete",
  INCOMPLETE_EXPIRED: "Expired",
  TRIALING: "Trial",
  ACTIVE: "Active",
  PAST_DUE: "Past due",
  CANCELED: "Canceled",
  UNPAID: "Unpaid",
  PAUSED: "Paused",
};

export const INVOICE_STATUSES = {
  DRAFT: "Draft",
  OPEN: "Open",
  PAID: "Paid",
  UNCOLLECTIBLE: "Uncollectible",
  VOID: "Void",
};

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
  return BRANDS[name] ?? (name ? name[0].toUpperCase() + name.slice(1) : "Card");
}

/** "Visa •••• 4242" or the payment method type. */
export function paymentMethodName(method) {
  if (method.card) return `${brand(method.card.brand)} •••• ${method.card.last4}`;
  return method.type.replaceAll("_", " ");
}

/** A discount as a customer reads it: "Welcome offer: 25% off for 3 months (code WELCOME3)". */
export function discountText(discount) {
  const off =
    discount.percentOff != null
      ? `${Number(discount.percentOff)}% off`
      : `${money(discount.amountOff, discount.currency)} off`;
  let how = "";
  if (discount.duration === "ONCE") how = " on the next invoice";
  else if (discount.duration === "REPEATING") {
    const months = discount.durationInMonths;
    how = discount.end ? ` until ${date(discount.end)}` : ` for ${months} month${months === 1 ? "" : "s"}`;
  }
  const name = discount.couponName ? `${discount.couponName}: ` : "";
  const code = discount.promotionCode ? ` (code ${discount.promotionCode})` : "";
  return `${name}${off}${how}${code}`;
}
