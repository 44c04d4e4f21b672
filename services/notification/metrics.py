"""Notification's Prometheus metrics (names are a contract: docs/metrics.md): the outcomes the
dispatcher and the receipts decide, counted once their unit of work is committed, and the
queue and the receipts still awaited, sampled by the dispatcher."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge

from services.notification.domain import DELIVERED, EXPIRED, FAILED

QUEUE_DEPTH = Gauge("jz_sms_queue_depth", "Messages waiting in the queue (queued, held, leased)")
RECEIPTS_PENDING = Gauge(
    "jz_sms_receipts_pending", "Submitted parts whose delivery receipt has not come yet"
)
SUBMITTED = Counter("jz_sms_submitted_total", "Messages the provider accepted")
DELIVERED_TOTAL = Counter(
    "jz_sms_delivered_total", "Messages whose receipts say every part was delivered"
)
FAILED_TOTAL = Counter("jz_sms_failed_total", "Messages that failed for good, by why", ["reason"])
THROTTLED = Counter(
    "jz_sms_throttled_total",
    "Submits the provider asked us to slow down on: requeued without using up a try",
)
# Why a message failed: the provider refused it, its tries ran out, its receipt says it was
# not delivered, or no receipt came in time.
REJECTED, GAVE_UP, UNDELIVERED = "rejected", "gave_up", "undelivered"
RECEIPT_FAILURES = {FAILED: UNDELIVERED, EXPIRED: EXPIRED}
for _reason in (REJECTED, GAVE_UP, UNDELIVERED, EXPIRED):
    FAILED_TOTAL.labels(_reason)  # every reason shows from the start: ratios need no absent()


def count_settled(statuses: Iterable[str]) -> None:
    """Count the messages receipts settled (delivered, or failed as reported)."""
    for status in statuses:
        if status == DELIVERED:
            DELIVERED_TOTAL.inc()
        elif status in RECEIPT_FAILURES:
            FAILED_TOTAL.labels(RECEIPT_FAILURES[status]).inc()
