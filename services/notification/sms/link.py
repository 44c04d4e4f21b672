"""One SMPP session over TCP, for either end (the ESME and the simulated SMSC): frames PDUs,
numbers requests and matches their responses by sequence number, answers enquire_link and
unbind itself, and answers a PDU it cannot read with generic_nack.

It is built for many PDUs a second: what is read comes in chunks of as many PDUs as have
arrived, the PDUs written during one turn of the event loop leave in one write, and one timer
watches the oldest request instead of one per request."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from services.notification.sms.pdu import (
    HEADER,
    RESPONSE_BIT,
    Command,
    Pdu,
    PduError,
    Status,
    parse_header,
)

log = logging.getLogger(__name__)

MAX_SEQUENCE = 0x7FFFFFFF
READ_SIZE = 256 * 1024  # as much as the transport hands over at once

# Answers one request from the peer (deliver_sm at the ESME, bind and submit_sm at the SMSC);
# raising PduError makes the link answer generic_nack with its status.
RequestHandler = Callable[["SmppLink", Pdu], Awaitable[Pdu]]


class LinkClosed(ConnectionError):
    """The link went down before the response came."""


class SmppLink:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        handler: RequestHandler,
        response_timeout: float = 10.0,
    ) -> None:
        self._reader, self._writer, self._handler = reader, writer, handler
        self._transport = writer.transport
        self._loop = asyncio.get_running_loop()
        # Every request waits the same time, so the oldest pending one is due first.
        self.response_timeout = response_timeout
        self._pending: dict[int, tuple[float, asyncio.Future[Pdu]]] = {}
        self._timer: asyncio.TimerHandle | None = None  # due by the oldest request's deadline
        self._outgoing: list[bytes] = []  # written during this turn of the loop, not yet sent
        self._sequence = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.closed = asyncio.Event()
        self.last_received = time.monotonic()
        self.enquire_links_answered = 0

    @property
    def is_closed(self) -> bool:
        return self.closed.is_set()

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    async def request(self, command: Command, body: bytes = b"") -> Pdu:
        """Send a request and wait for its response (or a generic_nack with its sequence);
        TimeoutError after `response_timeout` seconds."""
        if self._transport.get_write_buffer_size():  # the socket is slow: mind the high-water
            try:
                await self._writer.drain()
            except ConnectionError as error:
                raise LinkClosed(str(error)) from error
        if self.is_closed:
            raise LinkClosed("the link is down")
        self._sequence = sequence = self._sequence % MAX_SEQUENCE + 1
        answer: asyncio.Future[Pdu] = self._loop.create_future()
        deadline = self._loop.time() + self.response_timeout
        self._pending[sequence] = (deadline, answer)
        if self._timer is None:
            self._timer = self._loop.call_at(deadline, self._expire)
        self.send(Pdu(command, sequence, body=body))
        try:
            return await answer
        finally:
            self._pending.pop(sequence, None)

    def _expire(self) -> None:
        """Fail the requests past their deadline, then wait for the next one's."""
        self._timer = None
        now = self._loop.time()
        while self._pending:
            sequence = next(iter(self._pending))  # the oldest: a dict keeps insertion order
            deadline, answer = self._pending[sequence]
            if deadline > now:
                self._timer = self._loop.call_at(deadline, self._expire)
                return
            del self._pending[sequence]
            if not answer.done():
                answer.set_exception(TimeoutError())

    def respond(self, request: Pdu, status: int = Status.ROK, body: bytes = b"") -> None:
        self.send(Pdu(request.command | RESPONSE_BIT, request.sequence, status, body))

    def send(self, pdu: Pdu) -> None:
        """Queue the PDU; what is queued during one turn of the loop leaves in one write."""
        if self.is_closed or self._transport.is_closing():
            return
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.append(pdu.encode())

    def _flush(self) -> None:
        if self._outgoing and not self._transport.is_closing():
            self._transport.write(b"".join(self._outgoing))
        self._outgoing.clear()

    async def run(self) -> None:
        """Read and dispatch PDUs until the peer or this end closes the link."""
        unread = b""
        try:
            while chunk := await self._reader.read(READ_SIZE):
                self.last_received = time.monotonic()
                unread = self._dispatch_all(unread + chunk)
        except ConnectionError:
            pass
        except PduError as error:
            log.warning("closing an SMPP link with a broken stream: %s", error)
            self.send(Pdu(Command.GENERIC_NACK, 0, error.status))
            self.close()
        finally:
            if not self.is_closed:
                self.abort()

    def _dispatch_all(self, octets: bytes) -> bytes:
        """Dispatch every whole PDU in `octets`; what is left is the start of the next one."""
        start, end = 0, len(octets)
        while end - start >= HEADER.size:
            length, command, status, sequence = parse_header(octets, start)
            if end - start < length:
                break
            self._dispatch(
                Pdu(command, sequence, status, octets[start + HEADER.size : start + length])
            )
            start += length
        return octets[start:]

    def _dispatch(self, pdu: Pdu) -> None:
        if pdu.is_response:
            pending = self._pending.get(pdu.sequence)
            if pending is not None and not pending[1].done():
                pending[1].set_result(pdu)
            elif pdu.command == Command.GENERIC_NACK:
                log.warning("the peer refused a PDU it could not read (status 0x%X)", pdu.status)
        elif pdu.command == Command.ENQUIRE_LINK:
            self.enquire_links_answered += 1
            self.respond(pdu)
        elif pdu.command == Command.UNBIND:
            self.respond(pdu)
            self.close()
        else:
            task = self._loop.create_task(self._handle(pdu))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _handle(self, request: Pdu) -> None:
        try:
            self.send(await self._handler(self, request))
        except PduError as error:
            self.send(Pdu(Command.GENERIC_NACK, request.sequence, error.status))
        except Exception:
            log.exception("answering an SMPP request failed")
            self.respond(request, Status.RSYSERR)

    async def unbind(self) -> None:
        """Say goodbye (unbind, wait for unbind_resp), then close."""
        try:
            await self.request(Command.UNBIND)
        except (LinkClosed, TimeoutError):
            pass
        self.close()

    def close(self) -> None:
        """Send what is queued, then close the connection."""
        self._flush()
        self._writer.close()
        self._shut()

    def abort(self) -> None:
        """Drop the connection at once, as a broken network would."""
        self._outgoing.clear()
        self._transport.abort()
        self._shut()

    def _shut(self) -> None:
        if self.is_closed:
            return
        self.closed.set()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for _, answer in self._pending.values():
            if not answer.done():
                answer.set_exception(LinkClosed("the link went down before the response"))
