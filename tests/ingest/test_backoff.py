"""Reconnect delays: exponential, capped, jittered, reset after success."""

import random

import pytest
from pydantic import ValidationError

from ingest.backoff import Backoff, BackoffPolicy


def test_doubles_up_to_the_cap_without_jitter() -> None:
    b = Backoff(BackoffPolicy(initial_s=0.5, factor=2, max_s=30, jitter=0))
    assert [b.next_delay() for _ in range(9)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_reset_starts_over() -> None:
    b = Backoff(BackoffPolicy(jitter=0))
    b.next_delay()
    b.next_delay()
    b.reset()
    assert b.next_delay() == 0.5


def test_jitter_spreads_delays_within_bounds() -> None:
    policy = BackoffPolicy(initial_s=1, factor=2, max_s=30, jitter=0.2)
    delays = {Backoff(policy, random.Random(i)).next_delay() for i in range(50)}
    assert len(delays) > 40
    assert all(0.8 <= d <= 1.2 for d in delays)


def test_jitter_never_exceeds_the_cap() -> None:
    b = Backoff(BackoffPolicy(initial_s=1, max_s=5, jitter=0.5), random.Random(1))
    assert all(b.next_delay() <= 5 for _ in range(100))


def test_many_failures_do_not_overflow() -> None:
    b = Backoff(BackoffPolicy(jitter=0))
    for _ in range(5000):
        b.next_delay()
    assert b.next_delay() == 30


def test_bad_policy_is_rejected() -> None:
    with pytest.raises(ValidationError, match="max_s"):
        BackoffPolicy(initial_s=10, max_s=1)
    with pytest.raises(ValidationError, match="extra"):
        BackoffPolicy(intial_s=1)  # type: ignore[call-arg]
