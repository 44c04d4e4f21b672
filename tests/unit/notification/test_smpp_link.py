"""One SMPP session: requests matched to their responses by sequence number, enquire_link and
unbind answered by the link itself, generic_nack for what it cannot read, pending requests
failed when the connection drops. The peer here is a raw socket speaking bytes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from services.notification.sms.link import LinkClosed, SmppLink
from services.notification.sms.pdu import HEADER, Command, Pdu, PduError, Status, parse_header


@dataclass
class Peer:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def send(self, pdu: Pdu) -> None:
        self.writer.write(pdu.encode())

    async def receive(self) -> Pdu:
        length, command, status, sequence = parse_header(await self.reader.readexactly(16))
        return Pdu(command, sequence, status, await self.reader.readexactly(length - HEADER.size))


async def echo_or_refuse(link: SmppLink, request: Pdu) -> Pdu:
    if request.command != Command.DELIVER_SM:
        raise PduError("not here", Status.RINVCMDID)
    return Pdu(Command.DELIVER_SM_RESP, request.sequence, body=b"\x00")


@pytest.fixture
async def pair() -> AsyncIterator[tuple[SmppLink, Peer]]:
    ours, theirs = socket.socketpair()
    link = SmppLink(*await asyncio.open_connection(sock=ours), echo_or_refuse, response_timeout=2)
    peer = Peer(*await asyncio.open_connection(sock=theirs))
    runner = asyncio.create_task(link.run())
    yield link, peer
    link.abort()
    peer.writer.close()
    await runner


async def test_responses_are_matched_to_requests_by_sequence_number(
    pair: tuple[SmppLink, Peer],
) -> None:
    link, peer = pair
    first = asyncio.create_task(link.request(Command.SUBMIT_SM, b"one"))
    second = asyncio.create_task(link.request(Command.SUBMIT_SM, b"two"))
    one, two = await peer.receive(), await peer.receive()
    peer.send(Pdu(Command.SUBMIT_SM_RESP, two.sequence, body=b"id-2\x00"))
    peer.send(Pdu(Command.SUBMIT_SM_RESP, one.sequence, body=b"id-1\x00"))
    assert (await first).body == b"id-1\x00"
    assert (await second).body == b"id-2\x00"
    assert one.body == b"one" and one.sequence != two.sequence


async def test_a_generic_nack_answers_the_request_it_names(pair: tuple[SmppLink, Peer]) -> None:
    link, peer = pair
    pending = asyncio.create_task(link.request(Command.SUBMIT_SM, b"x"))
    sent = await peer.receive()
    peer.send(Pdu(Command.GENERIC_NACK, sent.sequence, Status.RINVCMDLEN))
    answer = await pending
    assert (answer.command, answer.status) == (Command.GENERIC_NACK, Status.RINVCMDLEN)


async def test_the_link_answers_enquire_link_itself(pair: tuple[SmppLink, Peer]) -> None:
    link, peer = pair
    peer.send(Pdu(Command.ENQUIRE_LINK, 41))
    answer = await peer.receive()
    assert (answer.command, answer.sequence, answer.status) == (Command.ENQUIRE_LINK_RESP, 41, 0)
    assert link.enquire_links_answered == 1


async def test_requests_go_to_the_handler_and_unknown_ones_get_generic_nack(
    pair: tuple[SmppLink, Peer],
) -> None:
    _, peer = pair
    peer.send(Pdu(Command.DELIVER_SM, 5))
    answer = await peer.receive()
    assert (answer.command, answer.sequence) == (Command.DELIVER_SM_RESP, 5)
    peer.send(Pdu(0x00000103, 6))  # data_sm, which the platform does not speak
    refused = await peer.receive()
    assert (refused.command, refused.sequence) == (Command.GENERIC_NACK, 6)
    assert refused.status == Status.RINVCMDID


async def test_unbind_is_answered_and_closes_the_link(pair: tuple[SmppLink, Peer]) -> None:
    link, peer = pair
    peer.send(Pdu(Command.UNBIND, 9))
    answer = await peer.receive()
    assert (answer.command, answer.sequence) == (Command.UNBIND_RESP, 9)
    await asyncio.wait_for(link.closed.wait(), 2)


async def test_a_broken_stream_is_nacked_and_closed(pair: tuple[SmppLink, Peer]) -> None:
    link, peer = pair
    peer.writer.write(bytes.fromhex("00000004000000040000000000000001"))
    refused = await peer.receive()
    assert (refused.command, refused.status) == (Command.GENERIC_NACK, Status.RINVCMDLEN)
    await asyncio.wait_for(link.closed.wait(), 2)


async def test_requests_in_flight_fail_when_the_connection_drops(
    pair: tuple[SmppLink, Peer],
) -> None:
    link, peer = pair
    pending = [asyncio.create_task(link.request(Command.SUBMIT_SM, b"x")) for _ in range(3)]
    for _ in pending:
        await peer.receive()
    peer.writer.transport.abort()
    for request in pending:
        with pytest.raises(LinkClosed):
            await request
    with pytest.raises(LinkClosed):
        await link.request(Command.SUBMIT_SM, b"late")


async def test_a_request_left_unanswered_times_out_and_later_ones_are_still_watched(
    pair: tuple[SmppLink, Peer],
) -> None:
    link, peer = pair
    link.response_timeout = 0.05
    with pytest.raises(TimeoutError):
        await link.request(Command.SUBMIT_SM, b"lost")
    answered = asyncio.create_task(link.request(Command.SUBMIT_SM, b"kept"))
    await peer.receive()
    sent = await peer.receive()
    peer.send(Pdu(Command.SUBMIT_SM_RESP, sent.sequence, body=b"id\x00"))
    assert (await answered).body == b"id\x00"
    with pytest.raises(TimeoutError):
        await link.request(Command.SUBMIT_SM, b"lost again")
    assert link.in_flight == 0


async def test_pdus_written_in_one_turn_of_the_loop_leave_together(
    pair: tuple[SmppLink, Peer],
) -> None:
    link, peer = pair
    pending = [asyncio.create_task(link.request(Command.SUBMIT_SM, b"x")) for _ in range(5)]
    octets = await peer.reader.read(4096)
    assert len(octets) == 5 * (HEADER.size + 1)
    for request in pending:
        request.cancel()


async def test_pdus_are_framed_however_the_stream_cuts_them(pair: tuple[SmppLink, Peer]) -> None:
    link, peer = pair
    octets = b"".join(Pdu(Command.ENQUIRE_LINK, n).encode() for n in (1, 2, 3))
    peer.writer.write(octets[:40])  # two whole PDUs and the start of the third
    assert [(await peer.receive()).sequence for _ in range(2)] == [1, 2]
    peer.writer.write(octets[40:])
    assert (await peer.receive()).sequence == 3
    assert link.enquire_links_answered == 3


async def test_a_request_waits_while_the_peer_leaves_what_was_sent_unread(
    pair: tuple[SmppLink, Peer],
) -> None:
    link, peer = pair
    for n in range(64):  # about 4 MB: more than the socket and the transport's high-water hold
        link.send(Pdu(Command.SUBMIT_SM, 1000 + n, body=bytes(60_000)))
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(link.request(Command.ENQUIRE_LINK))
    await asyncio.sleep(0.05)
    assert link.in_flight == 0  # held back before it was even numbered
    for _ in range(64):
        await peer.receive()
    sent = await peer.receive()
    peer.send(Pdu(Command.ENQUIRE_LINK_RESP, sent.sequence))
    assert (await waiting).command == Command.ENQUIRE_LINK_RESP
