"""The SMPP client against the local SMSC simulator over real TCP on 127.0.0.1: concatenated
UCS-2 parts, receipts and replies, throttling, a link dropped in the middle of a window, and
enquire_link keeping a quiet link up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from services.notification.sms.provider import (
    DeliveryState,
    OutgoingSms,
    PermanentError,
    Receipt,
    Reply,
    Submitted,
    TransientError,
)
from services.notification.sms.simulator import ReceivedMessage, SmscSimulator
from services.notification.sms.smpp import SmppConfig, SmppProvider
from services.notification.sms.text import Concatenation, decode_text, split_udh

LONG_NOTICE = (
    "【精准扶贫】各位帮扶干部：根据县扶贫办安排，本周五前请完成所包农户的入户走访，核实两不愁三保障"
    "情况，重点关注饮水安全和危房改造进展，如有突发困难请及时上报乡镇。收到请回复１。"
)


class Inbox:
    """What the provider hands the service."""

    def __init__(self) -> None:
        self.receipts: list[Receipt] = []
        self.replies: list[Reply] = []
        self.changed = asyncio.Event()

    async def on_receipt(self, receipt: Receipt) -> None:
        self.receipts.append(receipt)
        self.changed.set()

    async def on_reply(self, reply: Reply) -> None:
        self.replies.append(reply)
        self.changed.set()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


async def eventually(simulator: SmscSimulator, condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        await simulator.wait_until(condition)


@pytest.fixture
async def simulator() -> AsyncIterator[SmscSimulator]:
    simulator = SmscSimulator(receipt_delay=0.02, inactivity_timeout=None)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
async def connect(simulator: SmscSimulator, inbox: Inbox) -> AsyncIterator[Callable[..., Any]]:
    providers: list[SmppProvider] = []

    async def start(**overrides: Any) -> SmppProvider:
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": simulator.port,
            "system_id": "jingzhun",
            "password": "jz-dev",
            "source_addr": "106900001",
            "response_timeout": 2.0,
            "reconnect_initial": 0.05,
            "throttle_initial": 0.05,
        } | overrides
        provider = SmppProvider(SmppConfig(**settings))
        await provider.start(inbox.on_receipt, inbox.on_reply)
        providers.append(provider)
        return provider

    yield start
    for provider in providers:
        await provider.close()


async def test_a_long_chinese_notice_arrives_as_concatenated_ucs2_parts(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    provider = await connect()
    submitted = await provider.submit(OutgoingSms("msg-1", "13800000001", LONG_NOTICE))
    assert len(submitted.provider_ids) == 2 == len(simulator.parts)
    headers = [split_udh(part.message.short_message) for part in simulator.parts]
    reference = headers[0][0].reference if headers[0][0] else None
    assert [h for h, _ in headers] == [
        Concatenation(reference, 2, 1),
        Concatenation(reference, 2, 2),
    ]
    assert all(p.message.esm_class == 0x40 for p in simulator.parts)
    assert all(p.message.data_coding == 8 for p in simulator.parts)
    assert len(decode_text(headers[0][1], 8)) == 67
    assert simulator.messages == [ReceivedMessage("13800000001", LONG_NOTICE)]
    assert [p.message_id for p in simulator.parts] == submitted.provider_ids


async def test_receipts_reach_the_service_with_the_provider_id_and_outcome(
    connect: Callable[..., Any], inbox: Inbox
) -> None:
    provider = await connect()
    delivered = await provider.submit(OutgoingSms("msg-2", "13800000001", "【精准扶贫】您好"))
    failed = await provider.submit(OutgoingSms("msg-3", "13800000004", "【精准扶贫】您好"))
    await inbox.wait_until(lambda: len(inbox.receipts) == 2)
    outcomes = {r.provider_id: r.state for r in inbox.receipts}
    assert outcomes == {
        delivered.provider_ids[0]: DeliveryState.DELIVERED,
        failed.provider_ids[0]: DeliveryState.FAILED,
    }


async def test_a_receipt_the_service_failed_to_take_is_delivered_again(
    connect: Callable[..., Any], inbox: Inbox
) -> None:
    failures = [RuntimeError("the database is away")]
    take = inbox.on_receipt

    async def fail_once(receipt: Receipt) -> None:
        if failures:
            raise failures.pop()
        await take(receipt)

    inbox.on_receipt = fail_once  # type: ignore[method-assign]
    provider = await connect()
    submitted = await provider.submit(OutgoingSms("msg-4", "13800000001", "【精准扶贫】再试"))
    await inbox.wait_until(lambda: len(inbox.receipts) == 1)
    assert failures == []
    assert inbox.receipts[0].provider_id == submitted.provider_ids[0]


async def test_a_reply_with_full_width_digits_reaches_the_service_intact(
    simulator: SmscSimulator, connect: Callable[..., Any], inbox: Inbox
) -> None:
    await connect()
    await eventually(simulator, lambda: simulator.binds == 1)
    assert await simulator.send_mo("+8613800000002", "１ 好的　Ａ７") == [0]
    assert await simulator.send_mo("13800000003", "2 OK", ucs2=False) == [0]
    long_reply = "已完成走访，" * 20
    assert await simulator.send_mo("13800000005", long_reply) == [0, 0]
    await inbox.wait_until(lambda: len(inbox.replies) == 3)
    assert {(r.phone, r.text) for r in inbox.replies} == {
        ("13800000002", "１ 好的　Ａ７"),
        ("13800000003", "2 OK"),
        ("13800000005", long_reply),
    }


async def test_a_throttled_provider_backs_off_and_every_message_gets_through_once(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    simulator.throttle_rate = 50.0
    provider = await connect(rate=2000.0, window=10)

    async def send_as_the_service_does(number: int) -> Submitted:
        while True:
            try:
                return await provider.submit(
                    OutgoingSms(f"t-{number}", f"1380000{number:04d}", f"第{number}条")
                )
            except TransientError as error:
                await asyncio.sleep(error.retry_after or 0.1)

    await asyncio.gather(*(send_as_the_service_does(n) for n in range(60)))
    assert simulator.throttled > 0
    assert sorted(m.text for m in simulator.messages) == sorted(f"第{n}条" for n in range(60))


async def test_a_link_dropped_mid_window_fails_the_submits_in_flight_and_comes_back(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    provider = await connect(window=10)
    await provider.submit(OutgoingSms("before", "13800000001", "第一条"))
    simulator.stall_submits = True
    in_flight = [
        asyncio.create_task(provider.submit(OutgoingSms(f"w-{n}", "13800000001", f"窗口{n}")))
        for n in range(5)
    ]
    await eventually(simulator, lambda: len(simulator.parts) == 6)
    simulator.drop_links()
    for submit in in_flight:
        with pytest.raises(TransientError):
            await submit
    simulator.stall_submits = False
    await eventually(simulator, lambda: simulator.binds == 2)
    after = await provider.submit(OutgoingSms("after", "13800000001", "重连后"))
    assert after.provider_ids == [simulator.parts[-1].message_id]
    assert provider.binds == 2


async def test_enquire_link_keeps_a_quiet_link_up(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    simulator.inactivity_timeout = 1.0
    provider = await connect(enquire_interval=0.1)
    await eventually(simulator, lambda: simulator.enquire_links >= 15)  # quiet for 1.5 s and more
    assert simulator.binds == 1
    await provider.submit(OutgoingSms("idle", "13800000001", "还在"))
    assert provider.binds == 1


async def test_without_enquire_link_the_smsc_drops_a_quiet_link_and_the_client_binds_again(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    simulator.inactivity_timeout = 0.3
    provider = await connect(enquire_interval=60.0)
    await eventually(simulator, lambda: simulator.binds >= 2)
    await provider.submit(OutgoingSms("rebound", "13800000001", "又连上了"))
    assert simulator.enquire_links == 0


async def test_a_receipt_held_back_never_reaches_the_service(
    simulator: SmscSimulator, connect: Callable[..., Any], inbox: Inbox
) -> None:
    simulator.hold_receipts = True
    provider = await connect()
    submitted = await provider.submit(OutgoingSms("held", "13800000001", "等回执"))
    await eventually(simulator, lambda: simulator.held_receipts == submitted.provider_ids)
    assert inbox.receipts == []


async def test_a_message_too_long_is_refused_before_anything_is_sent(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    provider = await connect(max_segments=2)
    with pytest.raises(PermanentError):
        await provider.submit(OutgoingSms("long", "13800000001", "字" * 200))
    assert simulator.parts == []


async def test_a_wrong_password_never_binds_and_submits_fail_transiently(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    provider = await connect(password="wrong", response_timeout=0.3)
    with pytest.raises(TransientError):
        await provider.submit(OutgoingSms("nobind", "13800000001", "你好"))
    assert simulator.binds == 0 and simulator.parts == []


async def test_the_addresses_are_national_with_an_unknown_source_type_by_default(
    simulator: SmscSimulator, connect: Callable[..., Any]
) -> None:
    provider = await connect()
    await provider.submit(OutgoingSms("national", "13800000001", "你好"))
    (part,) = [p.message for p in simulator.parts]
    assert (part.source_addr, part.source_addr_ton, part.source_addr_npi) == ("106900001", 0, 0)
    assert (part.destination_addr, part.dest_addr_ton, part.dest_addr_npi) == ("13800000001", 2, 1)


async def test_the_source_type_and_an_international_destination_are_as_configured(
    simulator: SmscSimulator, connect: Callable[..., Any], inbox: Inbox
) -> None:
    provider = await connect(source_ton=3, source_npi=9, dest_format="international")
    submitted = await provider.submit(OutgoingSms("abroad", "13800000001", LONG_NOTICE))
    parts = [p.message for p in simulator.parts]
    assert {(p.source_addr, p.source_addr_ton, p.source_addr_npi) for p in parts} == {
        ("106900001", 3, 9)
    }
    assert {(p.destination_addr, p.dest_addr_ton, p.dest_addr_npi) for p in parts} == {
        ("8613800000001", 1, 1)
    }
    await inbox.wait_until(lambda: len(inbox.receipts) == 2)
    assert {r.provider_id for r in inbox.receipts} == set(submitted.provider_ids)
