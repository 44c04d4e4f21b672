"""The SMSC simulator inside the test process, on an event loop of its own in a thread: the
platform's notification binds to it over TCP as to a carrier's SMSC, while tests read what it
received, inject replies from phones and cut the link."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from services.notification.sms.simulator import ReceivedMessage, ReceivedPart, SmscSimulator

T = TypeVar("T")


class SmscThread:
    def __init__(self, **options: Any) -> None:
        self.simulator = SmscSimulator(**options)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smsc", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._call(self.simulator.start())

    def stop(self) -> None:
        self._call(self.simulator.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    @property
    def port(self) -> int:
        return self.simulator.port

    def messages(self) -> list[ReceivedMessage]:
        return list(self.simulator.messages)

    def texts_to(self, phone: str, containing: str = "") -> list[str]:
        """The texts the phone received (those containing `containing`), in order."""
        return [m.text for m in self.messages() if m.phone == phone and containing in m.text]

    def parts(self) -> list[ReceivedPart]:
        return list(self.simulator.parts)

    def send_mo(self, phone: str, text: str) -> None:
        """A text from `phone` to the platform's number, in UCS-2."""
        self._call(self.simulator.send_mo(phone, text))

    def drop_links(self) -> None:
        self._loop.call_soon_threadsafe(self.simulator.drop_links)

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)


def eventually(check: Callable[[], T | None], seconds: float = 20, what: str = "") -> T:
    """`check()`'s first truthy value, polled until the deadline five times a second: a check
    that asks the API stays far below the account's 1,200 requests a minute."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:.0f} s: {what or check}")
        time.sleep(0.2)
