"""Pacing of the traffic to a provider: a window of requests outstanding at once, a token
bucket holding submits to the configured rate (pausing everyone when the SMSC says it is
throttled, and finding the rate it lets through), and exponential backoff with jitter."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable


class Window:
    """At most `size` holders at a time (`async with window:`); the others wait their turn in
    the order they came. A semaphore, minus asyncio.Semaphore's scans of all its waiters on
    every acquire and release: a freed place goes straight to the next in line."""

    def __init__(self, size: int) -> None:
        self._free = size  # more than 0 only while nobody waits
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> None:
        if self._free:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if not turn.cancelled():  # given a place just before being cancelled: pass it on
                self._release()
            raise  # (else its turn, cancelled, is skipped when a place frees)

    async def __aexit__(self, *_: object) -> None:
        self._release()

    def _release(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1


class TokenBucket:
    """At most `rate` tokens a second on average, in bursts of up to `burst`. The rate comes
    down when the peer throttles and goes back up to `ceiling` (the configured rate) as
    requests get through, as TCP finds what a path carries: halved at once, raised by
    `RECOVERY` with each success."""

    # Of the ceiling: the slowest a throttling peer brings the rate down to (pauses do the
    # rest), so that a dispatcher's batch still goes out well within its lease.
    FLOOR = 1 / 4
    RECOVERY = 1.05

    def __init__(
        self, rate: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate, self.burst, self._clock = rate, burst or max(1.0, rate / 10), clock
        self.ceiling = rate
        # The tokens there are (negative: promised ahead) at the moment `_at`, which lies in the
        # future while paused; no token accrues before `_at`.
        self._tokens, self._at = self.burst, clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> float:
        now = self._clock()
        if now > self._at:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
        return now

    def reserve(self) -> float:
        """Take the next token: the seconds to wait before it may be used."""
        now = self._refill()
        self._tokens -= 1
        return max(0.0, self._at - now) + max(0.0, -self._tokens) / self.rate

    def try_take(self) -> bool:
        """Take a token if one is there right now."""
        now = self._refill()
        if self._at <= now and self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    async def acquire(self) -> None:
        async with self._lock:  # one waiter at a time, so a pause reaches all the others
            delay = self.reserve()
            if delay > 0:  # (no sleep(0): a token there now is taken without a turn of the loop)
                await asyncio.sleep(delay)

    @property
    def is_paused(self) -> bool:
        return self._clock() < self._at

    def pause(self, seconds: float) -> None:
        """Hand out no token for `seconds` (the SMSC asked us to slow down)."""
        self._refill()
        self._at = max(self._at, self._clock() + seconds)
        self._tokens = min(self._tokens, 0.0)

    def slow_down(self) -> None:
        """Halve the rate (not below FLOOR of the ceiling): the peer says it is too fast."""
        self._set_rate(max(self.ceiling * self.FLOOR, self.rate / 2))

    def speed_up(self) -> None:
        """A request got through: a little closer to the ceiling (nothing to do at it)."""
        if self.rate < self.ceiling:
            self._set_rate(min(self.ceiling, self.rate * self.RECOVERY))

    def _set_rate(self, rate: float) -> None:
        self._refill()  # what accrued so far, at the old rate
        self.rate = rate


class Backoff:
    """Delays that double from `initial` up to `maximum`, each with ±20 % jitter."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial, self.maximum = initial, maximum
        self._attempt = 0

    def next(self) -> float:
        delay = min(self.maximum, self.initial * 2**self._attempt)
        self._attempt = min(self._attempt + 1, 30)
        return min(self.maximum, delay * random.uniform(0.8, 1.2))

    def reset(self) -> None:
        self._attempt = 0
