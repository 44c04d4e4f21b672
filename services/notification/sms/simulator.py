"""A local SMSC speaking SMPP 3.4 over TCP on 127.0.0.1, for development and tests: it accepts
transceiver binds, acknowledges submit_sm, records what it received, sends delivery receipts and
replies from phones, and can throttle, refuse chosen parts, stall, drop the link and hold receipts
back.

    python -m services.notification.sms.simulator --port 2775
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from kit.id_numbers import mask_mobile
from kit.logs import configure_logging
from kit.settings import CommonSettings
from services.notification.sms import text
from services.notification.sms.inbound import Reassembler, make_receipt, read_part
from services.notification.sms.link import LinkClosed, SmppLink
from services.notification.sms.pacing import TokenBucket
from services.notification.sms.pdu import (
    Bind,
    Command,
    Pdu,
    PduError,
    ShortMessage,
    Status,
    encode_id,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceivedPart:
    """One submit_sm the simulator accepted (or stalled on), as it came."""

    message_id: str
    message: ShortMessage

    @property
    def phone(self) -> str:
        return self.message.destination_addr


@dataclass
class Refusal:
    """A test's rule: the next `times` submit_sm that are part `part` of a concatenated message
    (any submit when 0) to `phone` (any when empty) are answered `status`, not taken."""

    status: int
    times: int
    part: int = 0
    phone: str = ""

    def applies(self, message: ShortMessage) -> bool:
        if self.times <= 0 or (self.phone and message.destination_addr != self.phone):
            return False
        if not self.part:
            return True
        concatenation = None
        if message.esm_class & text.ESM_CLASS_UDHI:
            concatenation, _ = text.split_udh(message.short_message)
        return concatenation is not None and concatenation.number == self.part


@dataclass(frozen=True)
class ReceivedMessage:
    """A whole message, its parts joined, as the handset would show it."""

    phone: str
    text: str
    received_at: float = field(default_factory=time.monotonic, compare=False)  # its last part


class SmscSimulator:
    """`await start()`, point an ESME at `port`, flip the switches while it runs."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        system_id: str = "jingzhun",
        password: str = "jz-dev",
        receipt_delay: float = 0.05,
        failing_suffix: str = "4",
        throttle_rate: float | None = None,
        inactivity_timeout: float | None = None,
        service_number: str = "106900001",
        keep_records: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self.system_id, self.password = system_id, password
        self.receipt_delay, self.failing_suffix = receipt_delay, failing_suffix
        self.inactivity_timeout, self.service_number = inactivity_timeout, service_number
        self.throttle_rate = throttle_rate
        self.hold_receipts = False  # keep every receipt from now on (the message never expires)
        self.stall_submits = False  # record submit_sm but answer nothing: a window in flight
        self.refusals: list[Refusal] = []  # see refuse()
        # What it received, for tests to read (a long-running simulator only logs it).
        self.keep_records = keep_records
        self.accepted = 0  # submit_sm taken
        self.parts: list[ReceivedPart] = []
        self.messages: list[ReceivedMessage] = []
        self.held_receipts: list[str] = []
        self.binds = 0
        self.throttled = 0
        self.refused = 0  # submit_sm answered by a refusal
        self._bound: list[SmppLink] = []
        self._links: set[SmppLink] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._reassembler = Reassembler()
        self._bucket: TokenBucket | None = None
        self._run = secrets.token_hex(3)
        self._changed = asyncio.Event()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("SMSC simulator listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            link.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def enquire_links(self) -> int:
        """enquire_link PDUs answered on links still open."""
        return sum(link.enquire_links_answered for link in self._links)

    def refuse(self, status: int, times: int, *, part: int = 0, phone: str = "") -> Refusal:
        """Answer `status` to the next `times` submits the rule picks (see Refusal)."""
        refusal = Refusal(status, times, part, phone)
        self.refusals.append(refusal)
        return refusal

    def drop_links(self) -> None:
        """Cut every connection at once, whatever is in flight, as a broken network would."""
        for link in list(self._links):
            link.abort()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until `condition()` holds: checked whenever something arrives or binds, and
        every 50 ms for what the links count themselves (enquire_link)."""
        while not condition():
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 0.05)

    async def send_mo(self, phone: str, message: str, *, ucs2: bool = True) -> list[int]:
        """A text from a phone, in as many concatenated parts as it needs; the ESME's answers."""
        if ucs2:
            encoded = text.encode(message, secrets.randbelow(256))
        else:
            encoded = text.EncodedSms([message.encode("latin-1")], 0, text.DATA_CODING_DEFAULT)
        statuses = []
        for part in encoded.parts:
            mo = ShortMessage(
                destination_addr=self.service_number,
                short_message=part,
                source_addr=phone,
                esm_class=encoded.esm_class,
                data_coding=encoded.data_coding,
            )
            statuses.append(await self._deliver(mo))
        return statuses

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = SmppLink(reader, writer, self._on_request)
        self._links.add(link)
        watchdog = self._spawn(self._watch_inactivity(link))
        try:
            await link.run()
        finally:
            watchdog.cancel()
            self._links.discard(link)
            if link in self._bound:
                self._bound.remove(link)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _watch_inactivity(self, link: SmppLink) -> None:
        """Drop a link that stays silent too long, as carriers' SMSCs do."""
        if self.inactivity_timeout is None:
            return
        while not link.is_closed:
            quiet = time.monotonic() - link.last_received
            if quiet >= self.inactivity_timeout:
                log.info("dropping a silent link")
                link.abort()
                return
            await asyncio.sleep(self.inactivity_timeout - quiet)

    async def _on_request(self, link: SmppLink, request: Pdu) -> Pdu:
        if request.command == Command.BIND_TRANSCEIVER:
            return self._bind(link, request)
        if link not in self._bound:
            raise PduError("not bound", Status.RINVBNDSTS)
        if request.command == Command.SUBMIT_SM:
            return await self._submit(link, request)
        raise PduError(f"unsupported command 0x{request.command:08X}", Status.RINVCMDID)

    def _bind(self, link: SmppLink, request: Pdu) -> Pdu:
        bind = Bind.decode(request.body)
        status = Status.ROK
        if link in self._bound:
            status = Status.RALYBND
        elif bind.system_id != self.system_id:
            status = Status.RBINDFAIL
        elif bind.password != self.password:
            status = Status.RINVPASWD
        else:
            self._bound.append(link)
            self.binds += 1
            self._changed.set()
        return Pdu(Command.BIND_TRANSCEIVER_RESP, request.sequence, status, encode_id("JZSIM"))

    async def _submit(self, link: SmppLink, request: Pdu) -> Pdu:
        message = ShortMessage.decode(request.body)
        if self.refusals and (status := self._refusal(message)) is not None:
            return Pdu(Command.SUBMIT_SM_RESP, request.sequence, status)
        if self._is_throttled():
            self.throttled += 1
            return Pdu(Command.SUBMIT_SM_RESP, request.sequence, Status.RTHROTTLED)
        message_id = f"{self._run}{self.accepted:07x}"
        self._record(message_id, message)
        if self.stall_submits:
            await link.closed.wait()
        elif message.registered_delivery & 0x01:
            self._spawn(self._send_receipt(message_id, message))
        return Pdu(Command.SUBMIT_SM_RESP, request.sequence, body=encode_id(message_id))

    def _refusal(self, message: ShortMessage) -> int | None:
        """The status of the first rule that refuses this submit, that rule used once."""
        for refusal in self.refusals:
            if refusal.applies(message):
                refusal.times -= 1
                self.refused += 1
                self._changed.set()
                return refusal.status
        return None

    def _is_throttled(self) -> bool:
        if self.throttle_rate is None:
            return False
        if self._bucket is None or self._bucket.rate != self.throttle_rate:
            self._bucket = TokenBucket(self.throttle_rate)
        return not self._bucket.try_take()

    def _record(self, message_id: str, message: ShortMessage) -> None:
        phone = message.destination_addr
        self.accepted += 1
        if self.keep_records:
            self.parts.append(ReceivedPart(message_id, message))
        concatenation, part = read_part(message)
        whole = self._reassembler.add(phone, concatenation, part)
        if whole is not None:
            self._reassembler.forget(phone, concatenation)
            if self.keep_records:
                self.messages.append(ReceivedMessage(phone, whole))
            masked = mask_mobile(phone)
            log.info("a message to %s: %s", masked, whole, extra={"to": masked, "text": whole})
        self._changed.set()

    async def _send_receipt(self, message_id: str, submitted: ShortMessage) -> None:
        await asyncio.sleep(self.receipt_delay)
        if self.hold_receipts:
            self.held_receipts.append(message_id)
            self._changed.set()
            return
        phone = submitted.destination_addr
        failed = bool(self.failing_suffix) and phone.endswith(self.failing_suffix)
        receipt = make_receipt(message_id, phone, submitted.source_addr, delivered=not failed)
        while True:  # a receipt waits until an ESME takes it, as an SMSC's queue does
            with contextlib.suppress(LinkClosed, TimeoutError, LookupError):
                if await self._deliver(receipt) == Status.ROK:
                    return
            await asyncio.sleep(max(self.receipt_delay, 0.05))

    async def _deliver(self, message: ShortMessage) -> int:
        """Send a deliver_sm to a bound ESME; its deliver_sm_resp status."""
        if not self._bound:
            raise LookupError("no ESME is bound")
        link = self._bound[secrets.randbelow(len(self._bound))]
        response = await link.request(Command.DELIVER_SM, message.encode())
        return response.status


async def _serve_forever(simulator: SmscSimulator) -> None:
    await simulator.start()
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.notification.sms.simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2775)
    parser.add_argument("--system-id", default="jingzhun")
    parser.add_argument("--password", default="jz-dev")
    parser.add_argument("--receipt-delay", type=float, default=1.0, help="seconds")
    parser.add_argument("--failing-suffix", default="4", help="numbers ending so fail")
    parser.add_argument("--throttle-rate", type=float, default=None, help="parts per second")
    args = parser.parse_args()
    configure_logging("smsc-simulator", CommonSettings().log_level)  # JZ_LOG_LEVEL
    simulator = SmscSimulator(
        args.host,
        args.port,
        system_id=args.system_id,
        password=args.password,
        receipt_delay=args.receipt_delay,
        failing_suffix=args.failing_suffix,
        throttle_rate=args.throttle_rate,
        keep_records=False,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(simulator))


if __name__ == "__main__":
    main()
