"""Pacing: the token bucket holds submits to the rate and pauses when throttled; backoff doubles."""

from __future__ import annotations

import pytest

from services.notification.sms.pacing import Backoff, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_at_once_then_each_token_waits_its_turn() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=10, burst=2, clock=clock)
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0, 0, 0.1, 0.2])
    clock.now += 0.3
    assert bucket.reserve() == pytest.approx(0.0)


def test_try_take_refuses_when_no_token_is_there() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=5, burst=1, clock=clock)
    assert bucket.try_take()
    assert not bucket.try_take()
    clock.now += 0.2
    assert bucket.try_take()


def test_a_pause_holds_every_token_until_it_ends() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    bucket.pause(2.0)
    assert bucket.is_paused
    assert not bucket.try_take()
    assert bucket.reserve() == pytest.approx(2.1)  # the pause, then a token's worth of time
    clock.now += 2.5
    assert not bucket.is_paused


def test_backoff_doubles_up_to_its_maximum_and_starts_over_when_reset() -> None:
    backoff = Backoff(initial=1.0, maximum=5.0)
    delays = [backoff.next() for _ in range(5)]
    assert 0.8 <= delays[0] <= 1.2
    assert 1.6 <= delays[1] <= 2.4
    assert all(delay <= 5.0 for delay in delays)
    assert delays[-1] >= 4.0
    backoff.reset()
    assert backoff.next() <= 1.2
