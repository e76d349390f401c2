"""A write's own events delivered at the moment its answer is being put in place.

Stripe delivers a write's events while the gateway is still busy with the write's answer;
with the events counter, versions and `wrote:` marks living in Redis (or shared by two
tasks of one instance), any step of one can fall between two steps of the other. These
tests deliver the events at the chosen step (no timing luck) and judge by what Stripe
holds, read through the SDK, and by the Stripe requests the next overview costs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

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


@pytest.mark.parametrize("moment", ["before", "after"])
async def test_the_calls_events_as_its_answer_lands_leave_the_queued_change(
    moment: str,
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A queued change is two requests of one call: a schedule created from the
    subscription (its event states one phase: no change queued; the subscription's event
    names the schedule by id only), then its phases. Delivered just before or just after
    the answer (the subscription with its two-phase schedule expanded) is put in place,
    none of them may leave a state without the queued change."""
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)  # the world's history: not delivered
    token = await b.gateway.token_for(world.bob.id)
    await warm(b, token)
    put_in_place = cache_updates.carry_out  # what `apply_written` calls

    async def with_the_calls_events(*args: Any, **kwargs: Any) -> None:
        if moment == "before":
            await _deliver_all(a, _new_events(emulator, seen))
        await put_in_place(*args, **kwargs)
        if moment == "after":
            await _deliver_all(a, _new_events(emulator, seen))

    monkeypatch.setattr(written_answers, "carry_out", with_the_calls_events)
    await _queue_a_change(pair, world, token)
    monkeypatch.undo()
    await _deliver_all(a, _new_events(emulator, seen))  # none left, or a straggler
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == ONE_PREVIEW
    (subscription,) = after["subscriptions"]
    assert subscription["scheduledChange"] is not None
    assert shown(after) == await truth(stripe_client, world.bob.id)


async def test_an_event_placed_before_the_answers_marks_does_not_land_over_the_answer(
    pair: Pair,
    world: World,
    emulator: RunningEmulator,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The schedule's creation event (one phase) is placed against the `wrote:` marks
    before the answer sets them (there is none for a schedule the call just created), and
    its edit comes after the answer is in place: it must not land one phase over two."""
    a, b = pair.a, pair.b
    seen: set[str] = set()
    _new_events(emulator, seen)
    token = await b.gateway.token_for(world.bob.id)
    await warm(b, token)
    carry_out = cache_updates.carry_out
    apply = written_answers.apply_written
    answers: list[bool] = []
    pending: list[tuple[Any, ...]] = []
    creations: list[str] = []

    async def answer_first(*args: Any, **kwargs: Any) -> None:
        against = kwargs.get("against")
        if against is not None and against.object_id in creations and pending:
            answers.append(await apply(*pending.pop()))
        await carry_out(*args, **kwargs)

    async def at_the_creations_edit(*args: Any) -> bool:
        pending.append(args)
        events = _new_events(emulator, seen)
        creations.extend(
            e["data"]["object"]["id"]
            for e in events
            if e["type"] == "subscription_schedule.created"
        )
        created = [e for e in events if e["type"] == "subscription_schedule.created"]
        await _deliver_all(a, created)
        assert answers == [True], "the answer was put in place between the event's steps"
        await _deliver_all(a, [e for e in events if e not in created])
        return True

    monkeypatch.setattr(cache_updates, "carry_out", answer_first)
    monkeypatch.setattr(writes, "apply_written", at_the_creations_edit)
    await _queue_a_change(pair, world, token)
    monkeypatch.undo()
    emulator.reset_log()

    after = await overview(b, token)
    assert stripe_requests(emulator) == ONE_PREVIEW
    assert after["subscriptions"][0]["scheduledChange"] is not None
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
