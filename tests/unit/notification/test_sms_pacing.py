"""Pacing: the window lets in so many at a time in turn, the token bucket holds submits to the rate
and pauses when throttled; backoff doubles."""

from __future__ import annotations

import asyncio

import pytest

from services.notification.sms.pacing import Backoff, TokenBucket, Window


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


async def test_a_window_lets_in_at_most_its_size_and_the_others_in_the_order_they_came() -> None:
    window, inside, entered = Window(2), [0], []
    release = asyncio.Event()

    async def hold(name: int) -> None:
        async with window:
            entered.append(name)
            inside[0] += 1
            assert inside[0] <= 2
            await release.wait()
            inside[0] -= 1

    holders = [asyncio.create_task(hold(n)) for n in range(5)]
    await asyncio.sleep(0)
    assert entered == [0, 1]
    release.set()
    await asyncio.gather(*holders)
    assert entered == [0, 1, 2, 3, 4]


async def test_a_place_is_never_lost_to_a_waiter_cancelled_before_or_after_getting_it() -> None:
    window = Window(1)
    await window.__aenter__()
    cancelled_waiting = asyncio.create_task(window.__aenter__())
    cancelled_when_given = asyncio.create_task(window.__aenter__())
    last = asyncio.create_task(window.__aenter__())
    await asyncio.sleep(0)
    cancelled_waiting.cancel()
    await asyncio.sleep(0)
    await window.__aexit__()  # the place goes to `cancelled_when_given`...
    cancelled_when_given.cancel()  # ...cancelled before it could run: `last` gets it
    await asyncio.wait_for(last, 1)
    assert cancelled_waiting.cancelled() and cancelled_when_given.cancelled()


def test_throttling_halves_the_rate_down_to_a_floor_and_successes_bring_it_back() -> None:
    bucket = TokenBucket(rate=100, clock=Clock())
    bucket.slow_down()
    assert bucket.rate == 50
    for _ in range(10):
        bucket.slow_down()
    assert bucket.rate == 100 * TokenBucket.FLOOR
    for _ in range(200):
        bucket.speed_up()
    assert bucket.rate == 100 == bucket.ceiling


def test_a_slower_rate_spaces_the_tokens_further_apart() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=10, burst=1, clock=clock)
    bucket.reserve()
    bucket.slow_down()
    assert bucket.reserve() == pytest.approx(0.2)
