"""One SMPP session over TCP, for either end (the ESME and the simulated SMSC): frames PDUs,
numbers requests and matches their responses by sequence number, answers enquire_link and
unbind itself, and answers a PDU it cannot read with generic_nack."""

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
        self.response_timeout = response_timeout
        self._pending: dict[int, asyncio.Future[Pdu]] = {}
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
        if self.is_closed:
            raise LinkClosed("the link is down")
        self._sequence = self._sequence % MAX_SEQUENCE + 1
        sequence = self._sequence
        answer: asyncio.Future[Pdu] = asyncio.get_running_loop().create_future()
        self._pending[sequence] = answer
        try:
            self._writer.write(Pdu(command, sequence, body=body).encode())
            await self._writer.drain()
            return await asyncio.wait_for(answer, self.response_timeout)
        except ConnectionError as error:
            raise LinkClosed(str(error)) from error
        finally:
            self._pending.pop(sequence, None)

    def respond(self, request: Pdu, status: int = Status.ROK, body: bytes = b"") -> None:
        self.send(Pdu(request.command | RESPONSE_BIT, request.sequence, status, body))

    def send(self, pdu: Pdu) -> None:
        if not self.is_closed and not self._writer.is_closing():
            self._writer.write(pdu.encode())

    async def run(self) -> None:
        """Read and dispatch PDUs until the peer or this end closes the link."""
        try:
            while True:
                self._dispatch(await self._read())
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except PduError as error:
            log.warning("closing an SMPP link with a broken stream: %s", error)
            self.send(Pdu(Command.GENERIC_NACK, 0, error.status))
            self.close()
        finally:
            if not self.is_closed:
                self.abort()

    async def _read(self) -> Pdu:
        length, command, status, sequence = parse_header(
            await self._reader.readexactly(HEADER.size)
        )
        body = await self._reader.readexactly(length - HEADER.size)
        self.last_received = time.monotonic()
        return Pdu(command, sequence, status, body)

    def _dispatch(self, pdu: Pdu) -> None:
        if pdu.is_response:
            answer = self._pending.get(pdu.sequence)
            if answer is not None and not answer.done():
                answer.set_result(pdu)
            elif pdu.command == Command.GENERIC_NACK:
                log.warning("the peer refused a PDU it could not read (status 0x%X)", pdu.status)
        elif pdu.command == Command.ENQUIRE_LINK:
            self.enquire_links_answered += 1
            self.respond(pdu)
        elif pdu.command == Command.UNBIND:
            self.respond(pdu)
            self.close()
        else:
            task = asyncio.create_task(self._handle(pdu))
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
        self._writer.close()
        self._shut()

    def abort(self) -> None:
        """Drop the connection at once, as a broken network would."""
        self._writer.transport.abort()
        self._shut()

    def _shut(self) -> None:
        if self.is_closed:
            return
        self.closed.set()
        for answer in self._pending.values():
            if not answer.done():
                answer.set_exception(LinkClosed("the link went down before the response"))
