// Drives the Stripe emulator (URL as the only argument) with Stripe's official Node SDK:
// customers, cards, the catalog, subscriptions, updates with prorations, previews,
// invoices, portal sessions, test clocks and a webhook verified with the SDK's helper,
// read back through the SDK's own types and errors. Prints one JSON line per step
// ({step, ok, detail?}) and a summary; exits 1 when any step failed.
import http from 'node:http';
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


await step('cards: a setup intent, attach, default, detach', async () => {
  const intent = await stripe.setupIntents.create({
    customer: state.customer.id, usage: 'off_session', allowed_payment_method_types: ['card'],
  });
  expect(intent.status === 'requires_payment_method', `intent ${intent.status}`);
  const confirmed = await stripe.setupIntents.confirm(intent.id, {
    payment_method: 'pm_card_mastercard',
  });
  expect(confirmed.status === 'succeeded', `confirmed ${confirmed.status}`);
  const cards = await stripe.customers.listPaymentMethods(state.customer.id, { type: 'card' });
  const mastercard = cards.data.find((card) => card.card.brand === 'mastercard');
  expect(cards.data.length === 2 && mastercard, `${cards.data.length} cards`);
  const updated = await stripe.customers.update(state.customer.id, {
    invoice_settings: { default_payment_method: mastercard.id },
  });
  expect(updated.invoice_settings.default_payment_method === mastercard.id, 'new default');
  const spare = await stripe.paymentMethods.attach('pm_card_amex', { customer: state.customer.id });
  const detached = await stripe.paymentMethods.detach(spare.id);
  expect(detached.customer === null, 'detached');
  try {
    await stripe.setupIntents.confirm(
      (await stripe.setupIntents.create({
        customer: state.customer.id, allowed_payment_method_types: ['card'],
      })).id,
      { payment_method: 'pm_card_chargeDeclined' },
    );
    throw new Error('no decline');
  } catch (error) {
    expect(error instanceof Stripe.errors.StripeCardError, String(error));
    expect(error.code === 'card_declined', error.code);
  }
});
await step('catalog: coupons, promotion codes, lookup keys', async () => {
  state.yearly = await stripe.prices.create({
    product: state.product.id, unit_amount: 10000, currency: 'usd',
    recurring: { interval: 'year' }, lookup_key: 'node_yearly',
  });
  const found = await stripe.prices.list({ lookup_keys: ['node_yearly'], expand: ['data.product'] });
  expect(found.data.length === 1 && found.data[0].product.id === state.product.id, 'lookup key');
  state.coupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
  state.code = await stripe.promotionCodes.create({
    code: 'NODE20', promotion: { type: 'coupon', coupon: state.coupon.id },
  });
  const codes = await stripe.promotionCodes.list({ code: 'NODE20' });
  expect(codes.data.length === 1 && codes.data[0].promotion.coupon === state.coupon.id, 'code');
  const product = await stripe.products.update(state.product.id, { metadata: { tier: 'basic' } });
  expect(product.metadata.tier === 'basic', 'product metadata');
});
await step('a subscription with a promotion code and a trial', async () => {
  const trial = await stripe.subscriptions.create({
    customer: state.customer.id, items: [{ price: state.monthly.id }],
    discounts: [{ promotion_code: state.code.id }], trial_period_days: 7,
    expand: ['latest_invoice', 'discounts'],
  });
  expect(trial.status === 'trialing', `status ${trial.status}`);
  expect(trial.discounts[0].source.coupon === state.coupon.id, 'discount');
  expect(trial.latest_invoice.total === 0, 'trial invoice is free');
  const ended = await stripe.subscriptions.update(trial.id, {
    trial_end: 'now', expand: ['latest_invoice'],
  });
  expect(ended.status === 'active', `after trial ${ended.status}`);
  expect(ended.latest_invoice.total === 800, `20% off: ${ended.latest_invoice.total}`);
  const canceled = await stripe.subscriptions.cancel(trial.id, {
    cancellation_details: { feedback: 'too_expensive' },
  });
  expect(canceled.status === 'canceled', 'canceled');
});
await step('an upgrade previewed, then prorated', async () => {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1775001600 });
  const customer = await stripe.customers.create({
    test_clock: clock.id, payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: state.monthly.id }],
  });
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1775001600 + 15 * 86400 });
  const item = sub.items.data[0];
  const prorationDate = 1775001600 + 15 * 86400;
  const preview = await stripe.invoices.createPreview({
    customer: customer.id, subscription: sub.id,
    subscription_details: {
      items: [{ id: item.id, price: state.pro.id }],
      proration_behavior: 'always_invoice', proration_date: prorationDate,
    },
  });
  const prorations = preview.lines.data.filter(
    (line) => line.parent.subscription_item_details.proration,
  );
  expect(prorations.length === 2, `${prorations.length} proration lines`);
  const updated = await stripe.subscriptions.update(sub.id, {
    items: [{ id: item.id, price: state.pro.id }],
    proration_behavior: 'always_invoice', proration_date: prorationDate,
    expand: ['latest_invoice'],
  });
  expect(updated.latest_invoice.total === preview.total, `${updated.latest_invoice.total} vs ${preview.total}`);
  expect(updated.latest_invoice.status === 'paid', updated.latest_invoice.status);
  const pending = await stripe.subscriptions.update(sub.id, {
    items: [{ id: item.id, quantity: 2 }], proration_behavior: 'create_prorations',
  });
  expect(pending.items.data[0].quantity === 2, 'quantity');
  const items = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
  expect(items.data.length === 2, `${items.data.length} pending items`);
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1775001600 + 40 * 86400 });
  const invoices = await stripe.invoices.list({ subscription: sub.id });
  expect(invoices.data[0].billing_reason === 'subscription_cycle', invoices.data[0].billing_reason);
  const lines = await stripe.invoices.listLineItems(invoices.data[0].id);
  expect(lines.data.length === 3, `${lines.data.length} renewal lines`);
  state.clock = clock;
});
await step('invoices: paid by hand, voided, uncollectible', async () => {
  const customer = await stripe.customers.create({ email: 'bills@example.com' });
  const sub = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: state.monthly.id }],
    collection_method: 'send_invoice', days_until_due: 14,
  });
  const open = await stripe.invoices.retrieve(sub.latest_invoice);
  expect(open.status === 'open' && open.due_date !== null, open.status);
  const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  const paid = await stripe.invoices.pay(open.id, { payment_method: card.id });
  expect(paid.status === 'paid' && paid.amount_paid === 1000, paid.status);
  const payments = await stripe.invoicePayments.list({ invoice: open.id });
  expect(payments.data.length === 1 && payments.data[0].status === 'paid', 'invoice payment');
  const second = await stripe.subscriptions.create({
    customer: customer.id, items: [{ price: state.pro.id }],
    collection_method: 'send_invoice', days_until_due: 14,
  });
  const marked = await stripe.invoices.markUncollectible(second.latest_invoice);
  expect(marked.status === 'uncollectible', marked.status);
  const voided = await stripe.invoices.voidInvoice(second.latest_invoice);
  expect(voided.status === 'void', voided.status);
});
await step('portal configuration and sessions', async () => {
  const configuration = await stripe.billingPortal.configurations.create({
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: 'at_period_end' },
      subscription_update: {
        enabled: true, default_allowed_updates: ['price'], proration_behavior: 'create_prorations',
        products: [{ product: state.product.id, prices: [state.monthly.id, state.pro.id] }],
      },
    },
    expand: ['features.subscription_update.products'],
  });
  expect(configuration.features.subscription_update.products.length === 1, 'products');
  const session = await stripe.billingPortal.sessions.create({
    customer: state.customer.id, configuration: configuration.id,
    return_url: 'https://example.com/account',
  });
  expect(session.url.startsWith('http') && session.customer === state.customer.id, session.url);
  const deepLink = await stripe.billingPortal.sessions.create({
    customer: state.customer.id, configuration: configuration.id,
    flow_data: {
      type: 'subscription_cancel',
      subscription_cancel: { subscription: state.subscription.id },
    },
  });
  expect(deepLink.flow.type === 'subscription_cancel', deepLink.flow.type);
});
await step('a webhook, verified with the SDK helper', async () => {
  const received = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ body, signature: request.headers['stripe-signature'] });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"received":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address();
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${port}/hooks`, enabled_events: ['customer.updated'],
    });
    await stripe.customers.update(state.customer.id, { metadata: { hooked: 'yes' } });
    for (let wait = 0; wait < 100 && received.length === 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received.length === 1, `${received.length} deliveries`);
    const event = stripe.webhooks.constructEvent(
      received[0].body, received[0].signature, endpoint.secret,
    );
    expect(event.type === 'customer.updated', event.type);
    expect(event.data.object.metadata.hooked === 'yes', 'payload');
    expect(event.data.previous_attributes.metadata.hooked === undefined, 'previous');
    try {
      stripe.webhooks.constructEvent(received[0].body, received[0].signature, 'whsec_wrong');
      throw new Error('a wrong secret verified');
    } catch (error) {
      expect(error instanceof Stripe.errors.StripeSignatureVerificationError, String(error));
    }
    await stripe.webhookEndpoints.del(endpoint.id);
  } finally {
    server.close();
  }
});
await step('events list what happened', async () => {
  const events = await stripe.events.list({ type: 'customer.subscription.*', limit: 100 });
  expect(events.data.some((event) => event.type === 'customer.subscription.created'), 'created');
  const one = await stripe.events.retrieve(events.data[0].id);
  expect(one.id === events.data[0].id, 'retrieve');
  await stripe.testHelpers.testClocks.del(state.clock.id);
});

for (const line of steps) console.log(JSON.stringify(line));
const failed = steps.filter((line) => !line.ok).length;
console.log(JSON.stringify({ summary: { passed: steps.length - failed, failed } }));
process.exit(failed > 0 ? 1 : 0);
