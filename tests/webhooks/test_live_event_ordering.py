"""The out-of-order rule: never apply an older state of an object over a newer one."""

from __future__ import annotations

import pytest

from gateway.live_bus import LatestOnly, LiveEvent, LiveEventKind


def event(event_id: str, object_id: str, created: int) -> LiveEvent:
    return LiveEvent(
        customer_id="cus_1",
        kind=LiveEventKind.SUBSCRIPTION,
        type="customer.subscription.updated",
        event_id=event_id,
        object_id=object_id,
        created=created,
        object={"id": object_id, "created_by": event_id},
    )


def test_older_states_of_the_same_object_are_discarded() -> None:
    latest = LatestOnly()
    assert latest.accept(event("evt_2", "sub_1", 200))
    assert not latest.accept(event("evt_1", "sub_1", 100))
    assert latest.accept(event("evt_3", "sub_1", 300))


def test_each_object_is_ordered_on_its_own() -> None:
    latest = LatestOnly()
    assert latest.accept(event("evt_2", "sub_1", 200))
    assert latest.accept(event("evt_1", "sub_2", 100))


def test_same_second_events_are_both_applied_but_a_repeat_is_not() -> None:
    latest = LatestOnly()
    assert latest.accept(event("evt_1", "sub_1", 200))
    assert latest.accept(event("evt_2", "sub_1", 200))
    assert not latest.accept(event("evt_2", "sub_1", 200))


def test_a_live_event_crosses_processes_as_json_unchanged() -> None:
    original = event("evt_1", "sub_1", 200)
    copy = LiveEvent.from_json(original.to_json())
    assert copy == original
    assert copy.object == original.object
    assert copy.kind is LiveEventKind.SUBSCRIPTION


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("[]", "JSON object"),
        ('{"customer_id": "cus_1"}', "'kind'"),
        (event("evt_1", "sub_1", 1).to_json().replace('"created":1', '"created":true'), "created"),
    ],
)
def test_a_malformed_live_event_names_the_field(raw: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        LiveEvent.from_json(raw)
