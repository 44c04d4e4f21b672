"""The dispatcher sending through the real SMPP link to the SMSC simulator (TCP on 127.0.0.1), on
SQLite and PostgreSQL: a long message refused after its first part sends only the rest, under
the same reference; two long messages in flight to one phone never share a reference; a
carrier that keeps throttling slows the link down and uses up no message's attempts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from sqlmodel import col, select

from jingzhun.notification.v1 import events_pb2
from services.notification import queue_service
from services.notification.dispatcher import Dispatcher, Timing
from services.notification.models import Message
from services.notification.receipts import Receipts
from services.notification.replies import Replies
from services.notification.sms.pdu import Status
from services.notification.sms.provider import Receipt
from services.notification.sms.simulator import ReceivedMessage, SmscSimulator
from services.notification.sms.smpp import SmppConfig, SmppProvider
from services.notification.sms.text import Concatenation, split_udh
from tests.integration.notification.conftest import Notification

# A task long enough for two parts (more than 70 UCS-2 units, signed and greeted).
LONG_TASK = (
    "核实张三户二〇二六年家庭收入、饮水安全、住房安全、义务教育和基本医疗保障情况并上传走访照片"
)
SECOND_TASK = "核实李四户危房改造进度、产业帮扶资金到位情况和公益岗位出勤记录并上传现场照片备查"


@dataclass
class Sending:
    service: Notification
    smsc: SmscSimulator
    provider: SmppProvider
    dispatcher: Dispatcher
    receipt_came: asyncio.Event

    async def ask(self, source: str, task: str, name: str = "helper_a") -> None:
        """Another service asks for a task's text to a cadre (an event on the bus)."""
        event = events_pb2.NotificationRequested(
            source_id=source,
            template="task_assigned",
            variables={"task": task, "due": "11月30日"},
            user_ids=[self.service.cadres[name].user_id],
            reply_reference=source,
        )
        await self.service.bus.publish(
            "notification.requested", event.SerializeToString(), msg_id=source
        )
        await self.service.flow()

    async def messages(self) -> list[Message]:
        async with self.service.components.db.read_only() as session:
            return list((await session.exec(select(Message).order_by(col(Message.id)))).all())

    async def settle(self, status: str) -> list[Message]:
        """The messages once every one of them has `status`: receipts are applied as they come,
        and those that came before their submit was recorded on the dispatcher's next sweep."""
        async with asyncio.timeout(10):
            while True:
                self.receipt_came.clear()
                await self.dispatcher.sweep()
                messages = await self.messages()
                if {m.status for m in messages} == {status}:
                    return messages
                with contextlib.suppress(TimeoutError):  # the sweep's interval, shortened
                    await asyncio.wait_for(self.receipt_came.wait(), 0.1)


@pytest.fixture
async def sending(service: Notification) -> AsyncIterator[Sending]:
    smsc = SmscSimulator(receipt_delay=0.01, failing_suffix="")
    await smsc.start()
    config = SmppConfig(
        host="127.0.0.1",
        port=smsc.port,
        system_id="jingzhun",
        password="jz-dev",
        source_addr="106900001",
        response_timeout=2.0,
        reconnect_initial=0.05,
        throttle_initial=0.01,
        throttle_max=0.05,
    )
    provider = SmppProvider(config)
    receipts, receipt_came = Receipts(service.components), asyncio.Event()

    async def on_receipt(receipt: Receipt) -> None:
        await receipts.on_receipt(receipt)
        receipt_came.set()

    await provider.start(on_receipt, Replies(service.components, service.queue).on_reply)
    dispatcher = Dispatcher(service.components, provider, receipts, Timing())
    yield Sending(service, smsc, provider, dispatcher, receipt_came)
    await provider.close()
    await smsc.stop()


def references(smsc: SmscSimulator) -> list[Concatenation]:
    """The concatenation header of every part the SMSC took, in order."""
    headers = [split_udh(p.message.short_message)[0] for p in smsc.parts]
    return [header for header in headers if header is not None]


async def test_a_long_message_refused_after_its_first_part_sends_only_the_rest(
    sending: Sending,
) -> None:
    sending.smsc.refuse(Status.RTHROTTLED, times=5, part=2)  # every try of one submit
    await sending.ask("task:long", LONG_TASK)
    await sending.dispatcher.dispatch_once()
    (waiting,) = await sending.messages()
    assert waiting.status == "queued" and len(sending.smsc.parts) == 1
    sending.service.clock.advance(hours=1)
    await sending.dispatcher.dispatch_once()
    (message,) = await sending.settle("delivered")
    headers = references(sending.smsc)
    assert [h.number for h in headers] == [1, 2]  # part 1 once: the handset pays it once
    assert headers[0].reference == headers[1].reference
    assert message.provider_ids.split() == [p.message_id for p in sending.smsc.parts]
    assert [m.text for m in sending.smsc.messages] == [message.text]


async def test_two_long_messages_in_flight_to_one_phone_never_share_a_reference(
    sending: Sending, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ids whose checksums end alike: a reference derived from the id would be the same.
    seen: dict[int, str] = {}
    for number in range(1000):
        candidate = uuid.UUID(int=number + 1).hex
        low = zlib.crc32(candidate.encode()) & 0xFF
        if low in seen:
            ids = iter([uuid.UUID(hex=seen[low]), uuid.UUID(hex=candidate)])
            break
        seen[low] = candidate
    monkeypatch.setattr(queue_service, "uuid", SimpleNamespace(uuid4=lambda: next(ids)))
    await sending.ask("task:a", LONG_TASK)
    await sending.ask("task:b", SECOND_TASK)
    await sending.dispatcher.dispatch_once()  # both in one batch, their parts interleaved
    messages = await sending.settle("delivered")
    headers = {p.message_id: split_udh(p.message.short_message)[0] for p in sending.smsc.parts}
    refs = {
        m.id: {h.reference for p in m.provider_ids.split() if (h := headers[p])} for m in messages
    }
    assert all(len(r) == 1 for r in refs.values())
    assert len(set.union(*refs.values())) == 2
    phone = sending.service.cadres["helper_a"].mobile
    assert sorted(sending.smsc.messages, key=lambda m: m.text) == sorted(
        (ReceivedMessage(phone, m.text) for m in messages), key=lambda m: m.text
    )


async def test_a_carrier_throttling_for_long_slows_the_link_and_uses_up_no_attempts(
    sending: Sending,
) -> None:
    service = sending.service
    service.components.rules = dataclasses.replace(service.components.rules, max_attempts=2)
    throttling = sending.smsc.refuse(Status.RTHROTTLED, times=10**6)
    await sending.ask("task:busy", "明天上午九点到村委会开会。")
    for _ in range(4):  # twice the attempts a message has
        await sending.dispatcher.dispatch_once()
        service.clock.advance(minutes=5)
    (waiting,) = await sending.messages()
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    assert sending.provider.rate < sending.provider.config.rate
    throttling.times = 0  # the carrier lets traffic through again
    await sending.dispatcher.dispatch_once()
    (message,) = await sending.settle("delivered")
    assert message.attempts == 1
    assert len(sending.smsc.messages) == 1
