"""Per-request loaders for the one customer a request acts for.

Each Stripe read happens at most once per GraphQL operation however many fields ask for
it, and independent reads run concurrently. The customer id is fixed when the loaders are
built (from the authenticated scope), so no key a caller passes can reach another customer.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from ..billing import (
    CustomerRecord,
    existing_customer,
    fetch_invoice,
    fetch_prices,
    fetch_product,
    fetch_record,
    fetch_subscription,
    list_invoices,
    list_payment_methods,
    list_subscriptions,
    recall_subscription_ids,
    tax_ids_of,
    upcoming_invoice,
)
from ..models import (
    Customer,
    Invoice,
    InvoicePage,
    PaymentMethod,
    Price,
    Product,
    Subscription,
    TaxId,
)
from .request_memo import RequestMemo
from .subscription_products import with_catalog_products, with_products

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from ..billing import Billing
    from ..portal import Catalog

# Prefetch tasks run beside the resolvers that will await their loads; held until done.
_prefetching: set[asyncio.Future[object]] = set()


def _in_background(work: Awaitable[object]) -> None:
    """Let `work` (a load's future, or a coroutine) run on; its failure is for the field that
    awaits the same load to report, and is not logged as unhandled when no field does."""
    future = asyncio.ensure_future(work)
    if future is not work:
        _prefetching.add(future)

    def done(finished: asyncio.Future[object]) -> None:
        _prefetching.discard(finished)
        if not finished.cancelled():
            finished.exception()

    future.add_done_callback(done)


async def _fetch_tax_ids(
    billing: Billing, customers: RequestMemo[str, CustomerRecord], customer_id: str
) -> tuple[TaxId, ...]:
    record = await customers.load(customer_id)  # the tax IDs come with the customer
    return await tax_ids_of(billing, customer_id, record)


async def _fetch_subscriptions(
    billing: Billing, catalog: Catalog, customer_id: str
) -> tuple[Subscription, ...]:
    found = await list_subscriptions(billing, customer_id)
    return await _with_products(billing, catalog, found)


async def _fetch_subscription(
    billing: Billing,
    catalog: Catalog,
    customer_id: str,
    listed: RequestMemo[str, tuple[Subscription, ...]],
    subscription_id: str,
) -> Subscription:
    # Shares the list read with `subscriptions` in the same operation.
    for sub in await listed.load(customer_id):
        if sub.id == subscription_id:
            return sub
    found = await fetch_subscription(billing, customer_id, subscription_id)
    return (await _with_products(billing, catalog, (found,)))[0]


async def _with_products(
    billing: Billing, catalog: Catalog, subs: tuple[Subscription, ...]
) -> tuple[Subscription, ...]:
    """Give each item's price its product: from the catalog, else fetched (and cached)."""
    from_catalog = [with_catalog_products(sub, catalog) for sub in subs]
    if all(done is not None for done in from_catalog):
        return tuple(done for done in from_catalog if done is not None)
    known = dict(catalog.products)
    missing = {
        item.price.product_id
        for sub in subs
        for item in sub.items
        if item.price.product is None and item.price.product_id not in known
    }
    fetched = await asyncio.gather(
        *(fetch_product(billing, pid) for pid in missing),
        return_exceptions=True,
    )
    known.update({p.id: p for p in fetched if isinstance(p, Product)})
    return tuple(with_products(sub, known) for sub in subs)


async def _fetch_invoice_page(
    billing: Billing, customer_id: str, key: tuple[int, str | None]
) -> InvoicePage:
    return await list_invoices(billing, customer_id, *key)


async def _fetch_prices(
    billing: Billing, catalog: Catalog, price_ids: list[str]
) -> Sequence[Price | None]:
    # The catalog has every price with its product; Stripe is asked only for the rest.
    missing = [pid for pid in price_ids if catalog.price(pid) is None]
    found = await fetch_prices(billing, missing) if missing else {}
    return [catalog.price(pid) or found.get(pid) for pid in price_ids]


class Loaders:
    """The reads of one request. Nothing here refers back to the `Loaders` itself (the
    fetch functions close over what they need): a request's loaders and everything they
    read are freed by reference counting when the request ends, not left for the cyclic
    garbage collector."""

    def __init__(self, billing: Billing, customer_id: str, catalog: Catalog) -> None:
        self.customer_id = customer_id
        self._billing = billing
        self._catalog = catalog
        self._customer = RequestMemo[str, CustomerRecord](partial(fetch_record, billing))
        self._tax_ids = RequestMemo[str, tuple[TaxId, ...]](
            partial(_fetch_tax_ids, billing, self._customer)
        )
        self._subscriptions = RequestMemo[str, tuple[Subscription, ...]](
            partial(_fetch_subscriptions, billing, catalog)
        )
        self._payment_methods = RequestMemo[str, tuple[PaymentMethod, ...]](
            partial(list_payment_methods, billing)
        )
        self._subscription = RequestMemo[str, Subscription](
            partial(_fetch_subscription, billing, catalog, customer_id, self._subscriptions)
        )
        self._invoice = RequestMemo[str, Invoice](partial(fetch_invoice, billing, customer_id))
        self._invoice_page = RequestMemo[tuple[int, str | None], InvoicePage](
            partial(_fetch_invoice_page, billing, customer_id)
        )
        self._upcoming = RequestMemo[str, Invoice | None](
            partial(upcoming_invoice, billing, customer_id)
        )
        self._price_loader: DataLoader[str, Price | None] | None = None

    @property
    def _prices(self) -> DataLoader[str, Price | None]:
        # Batched (a scheduled change names several prices at once); built on first use.
        if self._price_loader is None:
            self._price_loader = DataLoader[str, Price | None](
                partial(_fetch_prices, self._billing, self._catalog)
            )
        return self._price_loader

    async def customer(self) -> Customer:
        return existing_customer(await self._customer.load(self.customer_id))

    # The reads below answer the shared read itself (awaitable), not a coroutine around it:
    # one coroutine less per field that awaits one.

    def tax_ids(self) -> Awaitable[tuple[TaxId, ...]]:
        return self._tax_ids.load(self.customer_id)

    def subscriptions(self) -> Awaitable[tuple[Subscription, ...]]:
        return self._subscriptions.load(self.customer_id)

    def payment_methods(self) -> Awaitable[tuple[PaymentMethod, ...]]:
        return self._payment_methods.load(self.customer_id)

    def subscription(self, subscription_id: str) -> Awaitable[Subscription]:
        return self._subscription.load(subscription_id)

    def invoice(self, invoice_id: str) -> Awaitable[Invoice]:
        return self._invoice.load(invoice_id)

    def invoice_page(self, limit: int, starting_after: str | None) -> Awaitable[InvoicePage]:
        return self._invoice_page.load((limit, starting_after))

    def upcoming_invoice(self, subscription_id: str) -> Awaitable[Invoice | None]:
        return self._upcoming.load(subscription_id)

    def prefetch_tax_ids(self) -> None:
        """Start the tax ID read now, beside the customer's (a field below it will need it)."""
        _in_background(self._tax_ids.load(self.customer_id))

    def prefetch_upcoming_invoices(self, may_see: Callable[[str], bool]) -> None:
        """Start the previews of the subscriptions the customer had at the last list read,
        beside the list read itself (see `billing.subscription_ids`)."""
        _in_background(self._prefetch_upcoming(may_see))

    async def _prefetch_upcoming(self, may_see: Callable[[str], bool]) -> None:
        known = await recall_subscription_ids(self._billing, self.customer_id)
        await asyncio.gather(
            *(self._upcoming.load(sub_id) for sub_id in known if may_see(sub_id)),
            return_exceptions=True,
        )

    async def price(self, price_id: str) -> Price | None:
        return await self._prices.load(price_id)

    async def prices(self, price_ids: Sequence[str]) -> list[Price | None]:
        return list(await self._prices.load_many(price_ids))

    async def reread_subscription(self, subscription_id: str) -> Subscription:
        """The subscription as a read returns it (its discounts expanded), not as a write's
        answer primed it."""
        return await _fetch_subscription(
            self._billing, self._catalog, self.customer_id, self._subscriptions, subscription_id
        )

    async def adopt_subscription(self, subscription: Subscription) -> Subscription:
        """A subscription a write just returned: products filled in, served to later fields."""
        (adopted,) = await _with_products(self._billing, self._catalog, (subscription,))
        self._subscription.prime(adopted.id, adopted)
        return adopted

    def forget_customer_data(self) -> None:
        """After a write: this request's later reads go back to Stripe (through the cache)."""
        for loader in (
            self._customer,
            self._tax_ids,
            self._subscriptions,
            self._payment_methods,
            self._subscription,
            self._invoice,
            self._invoice_page,
            self._upcoming,
        ):
            loader.clear_all()
