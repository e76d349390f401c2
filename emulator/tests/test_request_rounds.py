"""Rounds are counted by cause (a request sent after another was answered), so answers of
one round spread apart by a busy machine still count as one round."""

from __future__ import annotations

from typing import Any

from stripe_emulator.request_log import rounds


def _entry(received: float, answered: float) -> dict[str, Any]:
    return {"received": received, "at": answered}


def test_no_requests_is_no_round() -> None:
    assert rounds([]) == 0


def test_parallel_requests_answered_far_apart_are_one_round() -> None:
    entries = [_entry(0.00, 0.30), _entry(0.01, 0.90), _entry(0.02, 1.50)]
    assert rounds(entries) == 1


def test_a_request_sent_after_an_answer_is_the_next_round() -> None:
    entries = [_entry(0.0, 0.3), _entry(0.31, 0.6), _entry(0.32, 0.62), _entry(0.61, 0.9)]
    assert rounds(entries) == 3


def test_the_longest_chain_counts_not_the_number_of_gaps() -> None:
    # One after another: four waits.
    entries = [_entry(0.0, 0.3), _entry(0.5, 0.8), _entry(1.0, 1.3), _entry(1.4, 1.7)]
    assert rounds(entries) == 4
    # Two chains of two side by side: the client waited twice, not four times.
    side_by_side = [_entry(0.0, 0.3), _entry(0.0, 0.3), _entry(0.31, 0.6), _entry(0.31, 0.6)]
    assert rounds(side_by_side) == 2
