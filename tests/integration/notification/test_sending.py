"""Sending: one message per source and recipient however often a request comes, retries with
growing delays, quiet hours and daily caps, receipts, and messages whose receipt never came."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, time

from opentelemetry import trace
from sqlmodel import col, select

from jingzhun.identity.v1 import events_pb2 as identity_events
from jingzhun.notification.v1 import events_pb2
from kit.telemetry import configure_tracing, inject_headers
from services.notification.models import Message
from services.notification.sms.provider import (
    DeliveryState,
    OutgoingSms,
    PermanentError,
    Submitted,
    TransientError,
)
from tests.integration.notification.conftest import Notification

TASK = {"task": "核实张三户收入", "due": "11月30日"}


async def request(service: Notification, source: str, *names: str, urgent: bool = False) -> None:
    """Another service asks for messages, as it would: an event on the bus."""
    event = events_pb2.NotificationRequested(
        source_id=source,
        template="task_assigned",
        variables=TASK,
        user_ids=[service.cadres[name].user_id for name in names],
        urgent=urgent,
        reply_reference=source,
    )
    await service.bus.publish("notification.requested", event.SerializeToString(), msg_id=source)
    await service.flow()


async def stored(service: Notification) -> dict[str, Message]:
    """The messages by recipient name."""
    names = {cadre.user_id: name for name, cadre in service.cadres.items()}
    async with service.components.db.read_only() as session:
        found = (await session.exec(select(Message).order_by(col(Message.created_at)))).all()
    return {names[m.user_id]: m for m in found}


async def test_a_request_delivered_twice_texts_each_recipient_once(service: Notification) -> None:
    event = events_pb2.NotificationRequested(
        source_id="task:1",
        template="task_assigned",
        variables=TASK,
        user_ids=[service.cadres["helper_a"].user_id, service.cadres["helper_b"].user_id],
    )
    for msg_id in ("relay-1", "relay-2"):  # a duplicate the broker's window no longer catches
        await service.bus.publish(
            "notification.requested", event.SerializeToString(), msg_id=msg_id
        )
    await service.flow()
    await service.dispatcher.dispatch_once()
    await service.dispatcher.dispatch_once()
    a, b = service.cadres["helper_a"], service.cadres["helper_b"]
    assert sorted(sms.phone for sms in service.provider.sent) == [a.mobile, b.mobile]
    assert service.provider.texts_to(a.mobile) == [
        "【精准扶贫】helper_a您好，您有新任务：核实张三户收入，请于11月30日前完成。回复1接受，完成后回复2 。"
    ]


async def test_a_new_account_gets_one_welcome_text(service: Notification) -> None:
    created = identity_events.UserChanged(
        user_id=service.cadres["secretary_a"].user_id,
        region_code="370102001001",
        roles=["secretary"],
    )
    for msg_id in ("created-1", "created-2"):
        await service.bus.publish(
            "identity.user.created", created.SerializeToString(), msg_id=msg_id
        )
    await service.flow()
    await service.dispatcher.dispatch_once()
    assert service.provider.texts_to(service.cadres["secretary_a"].mobile) == [
        "【精准扶贫】secretary_a您好，您的精准扶贫平台账号已开通，登录名为本手机号。"
    ]


async def test_transient_failures_are_retried_later_and_later(service: Notification) -> None:
    service.provider.failures = [TransientError("throttled"), TransientError("link down", 300)]
    await request(service, "task:2", "helper_a")
    await service.dispatcher.dispatch_once()
    await service.dispatcher.dispatch_once()  # not due yet: nothing is tried
    assert (await stored(service))["helper_a"].status == "queued"
    assert len(service.provider.failures) == 1
    service.clock.advance(seconds=30)
    await service.dispatcher.dispatch_once()  # the second try fails; the SMSC asked for 300 s
    service.clock.advance(seconds=299)
    await service.dispatcher.dispatch_once()
    assert service.provider.sent == []
    service.clock.advance(seconds=1)
    await service.dispatcher.dispatch_once()
    message = (await stored(service))["helper_a"]
    assert (message.status, message.attempts, len(service.provider.sent)) == ("submitted", 3, 1)


async def test_a_refused_message_fails_and_one_that_keeps_failing_is_given_up(
    service: Notification,
) -> None:
    service.components.rules = dataclasses.replace(service.components.rules, max_attempts=2)
    service.provider.failures = [PermanentError("unknown subscriber"), TransientError("busy")]
    await request(service, "task:3", "helper_a")
    await request(service, "task:4", "helper_b")
    await service.dispatcher.dispatch_once()
    service.provider.failures = [TransientError("busy again")]
    service.clock.advance(seconds=30)
    await service.dispatcher.dispatch_once()
    messages = await stored(service)
    assert (messages["helper_a"].status, messages["helper_a"].error) == (
        "failed",
        "unknown subscriber",
    )
    assert (messages["helper_b"].status, messages["helper_b"].error) == (
        "failed",
        "gave up: busy again",
    )


async def test_quiet_hours_hold_ordinary_messages_but_not_urgent_ones(
    service: Notification,
) -> None:
    rules = service.components.rules
    service.components.rules = dataclasses.replace(rules, quiet_start=time(22), quiet_end=time(7))
    service.clock.now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 23:00 in Shandong
    await request(service, "alert:1", "helper_a", urgent=True)
    await request(service, "task:5", "helper_b")
    await service.dispatcher.dispatch_once()
    assert [sms.phone for sms in service.provider.sent] == [service.cadres["helper_a"].mobile]
    assert (await stored(service))["helper_b"].status == "held"
    service.clock.now = datetime(2026, 11, 23, 22, 59, tzinfo=UTC)  # 06:59
    await service.dispatcher.dispatch_once()
    assert len(service.provider.sent) == 1
    service.clock.now = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 07:00: the morning
    await service.dispatcher.dispatch_once()
    assert service.provider.sent[-1].phone == service.cadres["helper_b"].mobile


async def test_a_number_gets_no_more_than_its_daily_cap_but_urgent_messages_go_through(
    service: Notification,
) -> None:
    service.components.rules = dataclasses.replace(service.components.rules, daily_cap=2)
    for source in ("task:6", "task:7", "task:8"):
        await request(service, source, "helper_a")
    await request(service, "alert:2", "helper_a", urgent=True)
    await service.dispatcher.dispatch_once()
    assert [sms.urgent for sms in service.provider.sent] == [True, False]
    service.clock.now = datetime(2026, 11, 23, 15, 59, tzinfo=UTC)  # 23:59 in Shandong
    await service.dispatcher.dispatch_once()
    assert len(service.provider.sent) == 2
    service.clock.now = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # midnight: a new day
    await service.dispatcher.dispatch_once()
    assert len(service.provider.sent) == 4


async def test_receipts_settle_messages_and_a_missing_one_expires(service: Notification) -> None:
    service.provider.parts = 2  # long messages: a receipt for each part
    await request(service, "task:9", "helper_a", "helper_b")
    await service.dispatcher.dispatch_once()
    a, b = (await stored(service))["helper_a"], (await stored(service))["helper_b"]
    first, second = a.provider_ids.split()
    await service.provider.deliver(first)
    assert (await stored(service))["helper_a"].status == "submitted"  # one part of two
    await service.provider.deliver(second)
    await service.provider.deliver(b.provider_ids.split()[0])
    assert (await stored(service))["helper_a"].status == "delivered"
    service.clock.advance(hours=48, seconds=1)
    await service.dispatcher.sweep()
    messages = await stored(service)
    assert (messages["helper_a"].status, messages["helper_b"].status) == ("delivered", "expired")


async def test_a_receipt_that_comes_before_its_submit_is_recorded_still_counts(
    service: Notification,
) -> None:
    service.provider.instant_receipts = True
    await request(service, "task:10", "helper_a")
    await service.dispatcher.dispatch_once()
    await service.dispatcher.sweep()
    assert (await stored(service))["helper_a"].status == "delivered"


async def test_a_failed_receipt_fails_the_message(service: Notification) -> None:
    await request(service, "task:11", "helper_a")
    await service.dispatcher.dispatch_once()
    provider_id = (await stored(service))["helper_a"].provider_ids
    await service.provider.deliver(provider_id, DeliveryState.FAILED)
    assert (await stored(service))["helper_a"].status == "failed"


async def test_the_trace_of_the_event_continues_to_the_submit(service: Notification) -> None:
    configure_tracing("notification-tests")
    event = events_pb2.NotificationRequested(
        source_id="alert:9",
        template="notice",
        variables={"text": "返贫预警"},
        user_ids=[service.cadres["helper_a"].user_id],
        urgent=True,
    )
    with trace.get_tracer(__name__).start_as_current_span("assistance raises an alert") as span:
        await service.bus.publish(
            "notification.requested",
            event.SerializeToString(),
            msg_id="alert:9",
            headers=inject_headers({}),
        )
    await service.flow()
    await service.dispatcher.dispatch_once()
    assert service.provider.trace_ids == [span.get_span_context().trace_id]


async def test_the_running_dispatcher_sends_what_is_queued_and_settles_it(
    service: Notification,
) -> None:
    service.provider.instant_receipts = True
    running = asyncio.create_task(service.dispatcher.run())
    try:
        await request(service, "task:30", "helper_a", "helper_b")
        for _ in range(400):  # the commit wakes it; receipts are applied by its sweep
            statuses = {m.status for m in (await stored(service)).values()}
            if statuses == {"delivered"}:
                break
            await asyncio.sleep(0.05)
    finally:
        running.cancel()
    assert (statuses, len(service.provider.sent)) == ({"delivered"}, 2)


async def test_a_message_whose_sender_died_is_sent_again_once_its_lease_runs_out(
    service: Notification,
) -> None:
    await request(service, "task:31", "helper_a")
    memory, submitting = service.dispatcher.provider, asyncio.Event()

    class Dying:
        async def submit(self, sms: OutgoingSms) -> Submitted:
            submitting.set()
            await asyncio.Event().wait()  # the process dies before the SMSC answers
            raise AssertionError("unreachable")

    service.dispatcher.provider = Dying()  # type: ignore[assignment]
    sending = asyncio.create_task(service.dispatcher.dispatch_once())
    await submitting.wait()
    sending.cancel()
    service.dispatcher.provider = memory
    await service.dispatcher.dispatch_once()  # another dispatcher: the message is leased
    assert (memory.sent, (await stored(service))["helper_a"].status) == ([], "queued")
    service.clock.advance(seconds=service.dispatcher.timing.lease)
    await service.dispatcher.dispatch_once()
    message = (await stored(service))["helper_a"]
    assert (len(memory.sent), message.status, message.attempts) == (1, "submitted", 1)
