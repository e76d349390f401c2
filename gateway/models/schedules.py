"""A change queued on a subscription schedule, and which schedules the gateway owns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .stripe_fields import id_of, value_of


@dataclass(frozen=True)
class PhaseItem:
    price_id: str
    quantity: int


# Metadata the gateway puts on the schedules it creates to queue a change, so it knows which
# schedules it may rewrite or release (a schedule the business set up itself is left alone).
QUEUED_CHANGE_METADATA = {"portal_gateway": "queued_change"}
# ... and on those it creates for a timed pause (their pause schedule resumes the
# subscription at the chosen date); released when the customer resumes earlier.
PAUSE_METADATA = {"portal_gateway": "pause"}
_GATEWAY_MARKS = (QUEUED_CHANGE_METADATA, PAUSE_METADATA)


def is_gateway_schedule(obj: Any) -> bool:
    """Whether an expanded schedule is one the gateway created (a queued change, a pause)."""
    metadata = value_of(obj, "metadata") or {}
    return any(all(value_of(metadata, k) == v for k, v in mark.items()) for mark in _GATEWAY_MARKS)


def scheduled_resume_at(obj: Any) -> int | None:
    """When a live expanded schedule's pause schedule resumes its subscription, if it will."""
    if obj is None or isinstance(obj, str) or value_of(obj, "status") not in ("active",):
        return None
    for entry in value_of(obj, "pause_schedules", []) or []:
        resume = value_of(entry, "resume")
        if resume is not None and value_of(value_of(resume, "status"), "type") == "scheduled":
            return int(value_of(resume, "resume_at"))
    return None


def is_live_gateway_schedule(obj: Any) -> bool:
    return (
        obj is not None
        and not isinstance(obj, str)
        and value_of(obj, "status") in ("active", "not_started")
        and is_gateway_schedule(obj)
    )


@dataclass(frozen=True)
class ScheduledChange:
    """The next phase of a subscription's schedule: what the subscription becomes, and when."""

    schedule_id: str
    effective_at: int
    items: tuple[PhaseItem, ...]
    # What the schedule does after its last phase (release, cancel, ...).
    end_behavior: str = "release"

    @classmethod
    def from_schedule(cls, obj: Any) -> ScheduledChange | None:
        """From an expanded `subscription.schedule`; None when nothing is queued."""
        if (
            obj is None
            or isinstance(obj, str)
            or value_of(obj, "status") not in ("active", "not_started")
        ):
            return None
        current_end = value_of(value_of(obj, "current_phase"), "end_date")
        for phase in value_of(obj, "phases", []) or []:
            start = value_of(phase, "start_date")
            if start is not None and (current_end is None or int(start) >= int(current_end)):
                return cls(
                    schedule_id=value_of(obj, "id"),
                    effective_at=int(start),
                    items=tuple(
                        PhaseItem(
                            id_of(value_of(item, "price")) or "", int(value_of(item, "quantity", 1))
                        )
                        for item in value_of(phase, "items", []) or []
                    ),
                    end_behavior=value_of(obj, "end_behavior", "release"),
                )
        return None
