// Drives the Stripe emulator (URL as the only argument) with Stripe's official Node SDK:
// the calls the gateway makes, read back through the SDK's own types and errors. Prints one
// JSON line per step ({step, ok, detail?}) and a summary; exits 1 when any step failed.
import Stripe from 'stripe';

const base = new URL(process.argv[2] ?? '');
const stripe = new Stripe('sk_test_stripe_node_0123456789', {
  host: base.hostname,
  port: Number(base.port),
  protocol: base.protocol.replace(':', ''),
  maxNetworkRetries: 0,
});

const steps = [];
async function step(name, run) {
  try {
    await run();
    steps.push({ step: name, ok: true });
  } catch (error) {
    steps.push({ step: name, ok: false, detail: String(error?.stack ?? error).slice(0, 800) });
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const state = {};
await step('catalog', async () => {
  state.product = await stripe.products.create({ name: 'Basic' });
  state.monthly = await stripe.prices.create({
    product: state.product.id, unit_amount: 1000, currency: 'usd', recurring: { interval: 'month' },
  });
  state.pro = await stripe.prices.create({
    product: state.product.id, unit_amount: 3000, currency: 'usd', recurring: { interval: 'month' },
  });
  expect(state.monthly.recurring.interval === 'month', 'price interval');
});
await step('customer with a default card', async () => {
  state.customer = await stripe.customers.create({
    email: 'node@example.com', name: 'Node', payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const read = await stripe.customers.retrieve(state.customer.id, {
    expand: ['invoice_settings.default_payment_method'],
  });
  expect(read.invoice_settings.default_payment_method.card.brand === 'visa', 'expanded card');
});
await step('subscription and its invoice', async () => {
  state.subscription = await stripe.subscriptions.create({
    customer: state.customer.id, items: [{ price: state.monthly.id }],
  });
  expect(state.subscription.status === 'active', `status ${state.subscription.status}`);
  const invoices = await stripe.invoices.list({ customer: state.customer.id });
  expect(invoices.data.length === 1 && invoices.data[0].status === 'paid', 'one paid invoice');
});
await step('preview and apply a plan change', async () => {
  const item = state.subscription.items.data[0];
  const preview = await stripe.invoices.createPreview({
    customer: state.customer.id,
    subscription: state.subscription.id,
    subscription_details: { items: [{ id: item.id, price: state.pro.id }] },
  });
  expect(preview.lines.data.length > 0, 'preview lines');
  const updated = await stripe.subscriptions.update(state.subscription.id, {
    items: [{ id: item.id, price: state.pro.id }], proration_behavior: 'none',
  });
  expect(updated.items.data[0].price.id === state.pro.id, 'new price');
});
await step('cancel at period end and renew', async () => {
  const canceling = await stripe.subscriptions.update(state.subscription.id, {
    cancel_at_period_end: true,
  });
  expect(canceling.cancel_at_period_end === true, 'canceling');
  const renewed = await stripe.subscriptions.update(state.subscription.id, {
    cancel_at_period_end: false,
  });
  expect(renewed.cancel_at_period_end === false, 'renewed');
});
await step('an idempotent retry is applied once', async () => {
  const key = `node-${state.customer.id}`;
  const first = await stripe.customers.createTaxId(
    state.customer.id, { type: 'eu_vat', value: 'DE123456789' }, { idempotencyKey: key },
  );
  const again = await stripe.customers.createTaxId(
    state.customer.id, { type: 'eu_vat', value: 'DE123456789' }, { idempotencyKey: key },
  );
  expect(first.id === again.id, 'same tax id');
  const all = await stripe.customers.listTaxIds(state.customer.id);
  expect(all.data.length === 1, `${all.data.length} tax ids`);
});
await step('auto-pagination reads every page', async () => {
  for (let index = 0; index < 5; index += 1) {
    await stripe.customers.create({ email: `page${index}@example.com` });
  }
  const seen = [];
  for await (const customer of stripe.customers.list({ limit: 2 })) seen.push(customer.id);
  const whole = await stripe.customers.list({ limit: 100 });
  expect(whole.data.length >= 6 && !whole.has_more, `${whole.data.length} customers`);
  expect(seen.join() === whole.data.map((customer) => customer.id).join(), 'same order');
});
await step('errors arrive as the SDK types', async () => {
  try {
    await stripe.subscriptions.retrieve('sub_doesnotexist');
    throw new Error('no error');
  } catch (error) {
    expect(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
    expect(error.statusCode === 404 && error.code === 'resource_missing', error.code);
    expect(typeof error.requestId === 'string', 'request id');
  }
  try {
    await stripe.prices.create({ currency: 'usd', unit_amount: 100 });
    throw new Error('no error');
  } catch (error) {
    expect(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
    expect(error.statusCode === 400 && error.message.includes('product'), error.message);
  }
});

for (const line of steps) console.log(JSON.stringify(line));
const failed = steps.filter((line) => !line.ok).length;
console.log(JSON.stringify({ summary: { passed: steps.length - failed, failed } }));
process.exit(failed > 0 ? 1 : 0);
