"""Notification's metrics: each outcome the dispatcher and the receipts decide is counted once
it is recorded, and the queue and the receipts still awaited are sampled as they stand."""

from __future__ import annotations

import dataclasses

from prometheus_client import REGISTRY

from services.notification.sms.provider import DeliveryState, PermanentError, TransientError
from tests.integration.notification.conftest import Notification
from tests.integration.notification.test_sending import request, stored

COUNTERS = {
    "submitted": ("jz_sms_submitted_total", {}),
    "delivered": ("jz_sms_delivered_total", {}),
    "throttled": ("jz_sms_throttled_total", {}),
    **{
        reason: ("jz_sms_failed_total", {"reason": reason})
        for reason in ("rejected", "gave_up", "undelivered", "expired")
    },
}


def counted() -> dict[str, float]:
    return {
        what: REGISTRY.get_sample_value(name, labels) or 0.0
        for what, (name, labels) in COUNTERS.items()
    }


def moved(before: dict[str, float]) -> dict[str, float]:
    """What each counter gained since `before` (those that did)."""
    return {what: n - before[what] for what, n in counted().items() if n != before[what]}


async def test_refused_throttled_and_given_up_messages_are_counted_as_such(
    service: Notification,
) -> None:
    before = counted()
    service.components.rules = dataclasses.replace(service.components.rules, max_attempts=1)
    slow_down = TransientError("slow down", backpressure=True)
    service.provider.failures = [PermanentError("unknown subscriber"), slow_down]
    await request(service, "task:m1", "helper_a")
    await request(service, "task:m2", "helper_b")
    await service.dispatcher.dispatch_once()
    assert moved(before) == {"rejected": 1, "throttled": 1}
    service.provider.failures = [TransientError("link down")]  # a failure: its one try gone
    service.clock.advance(seconds=60)
    await service.dispatcher.dispatch_once()
    assert moved(before) == {"rejected": 1, "throttled": 1, "gave_up": 1}


async def test_submitted_messages_are_counted_delivered_undelivered_or_expired_by_receipts(
    service: Notification,
) -> None:
    before = counted()
    await request(service, "task:m3", "helper_a", "helper_b", "secretary_a")
    await service.dispatcher.dispatch_once()
    assert moved(before) == {"submitted": 3}
    messages = await stored(service)
    await service.provider.deliver(messages["helper_a"].provider_ids)
    await service.provider.deliver(messages["helper_b"].provider_ids, DeliveryState.FAILED)
    service.clock.advance(hours=48, seconds=1)
    await service.dispatcher.sweep()
    assert moved(before) == {"submitted": 3, "delivered": 1, "undelivered": 1, "expired": 1}


async def test_the_queue_depth_and_the_receipts_awaited_are_sampled_as_they_stand(
    service: Notification,
) -> None:
    def gauges() -> tuple[float | None, float | None]:
        return (
            REGISTRY.get_sample_value("jz_sms_queue_depth"),
            REGISTRY.get_sample_value("jz_sms_receipts_pending"),
        )

    await request(service, "task:m4", "helper_a", "helper_b")
    await service.dispatcher.sample_backlog()
    assert gauges() == (2, 0)
    await service.dispatcher.dispatch_once()
    await service.dispatcher.sample_backlog()
    assert gauges() == (0, 2)
    await service.provider.deliver((await stored(service))["helper_a"].provider_ids)
    await service.dispatcher.sample_backlog()
    assert gauges() == (0, 1)
