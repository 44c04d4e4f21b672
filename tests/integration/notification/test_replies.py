"""Replies from cadres: a command about the message it answers becomes an event for the service
that asked (e.g. assistance); anything we cannot act on is answered politely by SMS."""

from __future__ import annotations

from sqlmodel import select

from jingzhun.notification.v1 import events_pb2
from services.notification.models import Message, ReplyRecord
from tests.integration.notification.conftest import Notification
from tests.integration.notification.test_sending import request


async def reply_events(service: Notification) -> list[events_pb2.ReplyReceived]:
    """What the service published about replies (through its outbox)."""
    await service.relay.relay_once()
    bus = service.bus
    subscription = await bus.js.pull_subscribe(
        bus.subject("notification.reply.received"), stream=bus.stream_name("notification")
    )
    try:
        messages = await subscription.fetch(100, timeout=1)
    except TimeoutError:
        return []
    return [events_pb2.ReplyReceived.FromString(m.data) for m in messages]


async def short_code_of(service: Notification, user_id: str) -> str:
    async with service.components.db.read_only() as session:
        message = (await session.exec(select(Message).where(Message.user_id == user_id))).one()
    assert message.short_code is not None
    return message.short_code


async def test_a_reply_with_full_width_digits_and_the_short_code_becomes_an_event(
    service: Notification,
) -> None:
    await request(service, "task:21", "helper_a")
    await service.dispatcher.dispatch_once()
    cadre = service.cadres["helper_a"]
    code = await short_code_of(service, cadre.user_id)
    assert service.provider.texts_to(cadre.mobile)[0].endswith(f"完成后回复2 {code}。")
    await service.provider.reply(f"+86{cadre.mobile}", f"２　{code.lower()}")
    (event,) = await reply_events(service)
    assert (event.user_id, event.command, event.short_code, event.reply_reference) == (
        cadre.user_id,
        "complete",
        code,
        "task:21",
    )


async def test_a_reply_handed_over_twice_counts_once(service: Notification) -> None:
    await request(service, "task:22", "helper_a")
    await service.dispatcher.dispatch_once()
    for _ in range(2):
        await service.provider.reply(service.cadres["helper_a"].mobile, "１")
    events = await reply_events(service)
    assert [(e.command, e.reply_reference) for e in events] == [("accept", "task:22")]


async def test_replies_that_cannot_be_acted_on_are_answered_politely(
    service: Notification,
) -> None:
    await request(service, "task:23", "helper_a")
    await service.dispatcher.dispatch_once()
    code = await short_code_of(service, service.cadres["helper_a"].user_id)
    stranger, helper_b = "13700000000", service.cadres["helper_b"].mobile
    await service.provider.reply(stranger, "1")
    await service.provider.reply(service.cadres["helper_a"].mobile, "好的，收到")
    await request(service, "task:24", "helper_b")
    await service.dispatcher.dispatch_once()
    await service.provider.reply(helper_b, f"2 {code}")  # helper_a's task, not theirs
    await service.dispatcher.dispatch_once()
    assert await reply_events(service) == []
    assert "不是平台登记的干部号码" in service.provider.texts_to(stranger)[0]
    assert "未能识别您的回复" in service.provider.texts_to(service.cadres["helper_a"].mobile)[-1]
    assert "没有找到与您的回复对应的任务" in service.provider.texts_to(helper_b)[-1]
    async with service.components.db.read_only() as session:
        outcomes = sorted(r.outcome for r in (await session.exec(select(ReplyRecord))).all())
    assert outcomes == ["unknown_sender", "unmatched", "unrecognised"]
