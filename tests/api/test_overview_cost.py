"""A portal overview costs a handful of Stripe requests, issued in parallel, and a repeat
within the customer cache TTL costs none. Counted in the emulator's request log."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from stripe_emulator.request_log import rounds

if TYPE_CHECKING:
    from tests.conftest import RunningEmulator
    from tests.support.gateway import GatewayFactory, RunningGateway
    from tests.support.world import World

MAX_OVERVIEW_REQUESTS = 6

OVERVIEW = """{
  session { id customerId returnUrl expiresAt configuration { id businessProfile { headline } } }
  customer {
    id email name phone address { line1 city country } shipping { name }
    taxIds { id type value }
    defaultPaymentMethod { id card { brand last4 } }
  }
  subscriptions {
    id status cancelAtPeriodEnd cancelAt currentPeriodEnd trialEnd isPaused
    scheduledChange { effectiveAt }
    items { id quantity price { id unitAmount interval product { id name } } }
    availableActions
    upcomingInvoice { amountDue total lines { amount description } }
  }
  paymentMethods { id isDefault card { brand last4 expMonth expYear } }
  invoices(first: 10) {
    nodes { id number status total amountDue created hostedInvoiceUrl invoicePdf }
    pageInfo { hasNextPage endCursor }
  }
  plans { product { name } prices { id unitAmount interval } }
}"""


def _requests(emulator: RunningEmulator) -> Counter[str]:
    return Counter(f"{e['method']} {e['route']}" for e in emulator.runtime.log.entries)


async def test_overview_costs_a_handful_of_requests(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    # No customer cache: every read goes to Stripe, as on a cold start.
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    emulator.reset_log()
    data = (await gateway.post(OVERVIEW, token=token)).ok()
    assert data["customer"]["taxIds"][0]["id"] == world.alice.tax_id
    assert len(data["invoices"]["nodes"]) == len(world.alice.invoices)
    assert data["subscriptions"][0]["upcomingInvoice"]["amountDue"] == 1000
    requests = _requests(emulator)
    print("overview Stripe requests:", dict(requests))
    assert sum(requests.values()) <= MAX_OVERVIEW_REQUESTS, requests
    # Each resource once: loaders share reads between fields.
    assert all(count == 1 for count in requests.values()), requests


COLD_READS = Counter(
    {
        "GET /v1/customers/{customer}": 1,  # the tax IDs come with it (expand[]=tax_ids)
        "GET /v1/subscriptions": 1,
        "GET /v1/customers/{customer}/payment_methods": 1,
        "GET /v1/invoices": 1,
    }
)
PREVIEW = "POST /v1/invoices/create_preview"


async def test_a_cold_overview_is_four_reads_and_one_preview_per_invoicing_subscription(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    emulator.reset_log()
    data = (await gateway.post(OVERVIEW, token=token)).ok()
    assert [t["id"] for t in data["customer"]["taxIds"]] == [world.alice.tax_id]
    requests = _requests(emulator)
    previews = requests.pop(PREVIEW, 0)
    assert requests == COLD_READS
    invoicing = [s for s in data["subscriptions"] if s["upcomingInvoice"] is not None]
    assert previews == len(invoicing) >= 1


async def test_a_repeat_within_the_cache_ttl_is_free(
    gateway: RunningGateway, world: World, emulator: RunningEmulator
) -> None:
    token = await gateway.token_for(world.alice.id)
    (await gateway.post(OVERVIEW, token=token)).ok()
    emulator.reset_log()
    (await gateway.post(OVERVIEW, token=token)).ok()
    assert _requests(emulator) == Counter()


async def test_overview_requests_run_concurrently(
    gateway_factory: GatewayFactory, world: World, emulator: RunningEmulator
) -> None:
    gateway = await gateway_factory.start(world.configurations(), customer_cache_ttl_seconds=0)
    token = await gateway.token_for(world.alice.id)
    latency = 0.3
    emulator.runtime.faults.configure({"rules": [{"path": "/v1/.*", "latency_ms": latency * 1000}]})
    emulator.reset_log()
    (await gateway.post(OVERVIEW, token=token)).ok()
    count = sum(_requests(emulator).values())
    assert count <= MAX_OVERVIEW_REQUESTS
    # Reads that do not depend on each other overlap: at most two rounds (a first sight
    # learns the subscriptions before their upcoming invoices), judged by which request
    # was sent after which answer, not by the clock.
    assert rounds(emulator.runtime.log.entries) <= 2, emulator.runtime.log.entries
