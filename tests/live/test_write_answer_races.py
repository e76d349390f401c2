"""A write's own events delivered at the moment its answer is being put in place.

Stripe delivers a write's events while the gateway is still busy with the write's answer;
with the events counter, versions and `wrote:` marks living in Redis (or shared by two
tasks of one instance), any step of one can fall between two steps of the other. These
tests deliver the events at the chosen step (no timing luck) and judge by what Stripe
holds, read through the SDK, and by the Stripe requests the next overview costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.billing import cache_updates, writes, written_answers
from tests.api.mutation_calls import mutate
from tests.live.test_cache_after_writes import (
    ONE_PREVIEW,
    _deliver_all,
    _new_events,
    a_later_second,
    shown,
    truth,
)
from tests.live.test_cache_by_webhooks import overview, stripe_requests, warm

if TYPE_CHECKING:
    import pytest
    import stripe

    from tests.conftest import RunningEmulator
    from tests.live.instances import Pair
    from tests.support.world import World


async def _queue_a_change(pair: Pair, world: World, token: str) -> None:
    payload = await mutate(
        pair.b.gateway,
        token,
        "updateSubscription",
        subscriptionId=world.bob.subscription,
        priceId=world.basic_monthly,
    )
    assert payload["userErrors"] == [], payload
    assert payload["subscription"]["scheduledChange"] is not None


async def test_the_schedules_creation_event_at_the_answer_does_not_undo_the_queued_change(
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A queued change is two requests of one call: a schedule created from the
    subscription (its event states one phase: no change queued), then its phases. The
    schedule is new, so nothing marked it as being written; its creation event, delivered
    just as the answer (two phases) is put in place, must not land one phase over it."""
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)  # the world's history: not delivered
    token = await b.gateway.token_for(world.bob.id)
    await warm(b, token)
    put_in_place = written_answers.carry_out

    async def then_the_calls_events(*args: Any, **kwargs: Any) -> None:
        await put_in_place(*args, **kwargs)
        await _deliver_all(a, _new_events(emulator, seen))

    monkeypatch.setattr(written_answers, "carry_out", then_the_calls_events)
    await _queue_a_change(pair, world, token)
    monkeypatch.undo()
    await _deliver_all(a, _new_events(emulator, seen))  # none left, or a straggler
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == ONE_PREVIEW
    (subscription,) = after["subscriptions"]
    assert subscription["scheduledChange"] is not None
    assert shown(after) == await truth(stripe_client, world.bob.id)


async def test_the_answer_read_between_an_events_version_and_its_call_still_lands(
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Undoing a queued change: the release's `customer.subscription.updated` is ordered
    (the subscription's version rises) and, at that very step, the write's answer is put
    in place. The answer's guard must see that the newest event is the call's own (and
    land), not a new version with the previous event's call (and drop what it would
    change, costing the next overview a Stripe read)."""
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)
    token = await b.gateway.token_for(world.bob.id)
    await _queue_a_change(pair, world, token)
    await _deliver_all(a, _new_events(emulator, seen))
    await a_later_second()  # the release's events come in a later second than the queuing
    await warm(b, token)

    subscription_id = world.bob.subscription
    order_of = cache_updates.order_of
    apply = written_answers.apply_written
    answers: list[bool] = []
    pending: list[tuple[Any, ...]] = []

    async def then_the_answer(cache: Any, object_id: str, *rest: Any) -> Any:
        order = await order_of(cache, object_id, *rest)
        if object_id == subscription_id and pending:
            answers.append(await apply(*pending.pop()))
        return order

    async def at_its_events_order(*args: Any) -> bool:
        pending.append(args)
        await _deliver_all(a, _new_events(emulator, seen))
        assert answers == [True], "the answer was put in place while its event was ordered"
        return True

    monkeypatch.setattr(cache_updates, "order_of", then_the_answer)
    monkeypatch.setattr(writes, "apply_written", at_its_events_order)
    payload = await mutate(b.gateway, token, "undoScheduledChange", subscriptionId=subscription_id)
    monkeypatch.undo()
    assert payload["userErrors"] == [], payload
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == ONE_PREVIEW
    assert after["subscriptions"][0]["scheduledChange"] is None
    assert shown(after) == await truth(stripe_client, world.bob.id)
