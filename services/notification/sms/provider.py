"""What the notification service needs from an SMS provider, whatever the wire (SMPP 3.4 to a
carrier SMSC, a cloud HTTP API, later CMPP): submit one message to one phone, and hear back
about delivery receipts and mobile-originated replies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    message_id: str  # the platform's id of the message (one per event and recipient)
    phone: str  # 11-digit mainland mobile number
    text: str  # the full text, signature included; the provider splits it into segments
    urgent: bool = False
    # The approved template and its variables the text was made from: what a cloud HTTP API
    # sends instead of the text (SMPP ignores them).
    template_code: str = ""
    template_params: Mapping[str, str] = field(default_factory=dict)
    # A text of several parts: the concatenation reference its parts carry, the same on every
    # try (drawn from the number's counter, so two messages in flight to one phone differ),
    # and the provider ids of the parts accepted on earlier tries, which are not sent again.
    reference: int = 0
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submitted:
    """The provider accepted the message: its id(s) at the provider, one per segment."""

    provider_ids: list[str]


class DeliveryState(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Receipt:
    provider_id: str  # as returned in Submitted.provider_ids
    state: DeliveryState
    at: datetime
    error: str = ""


@dataclass(frozen=True)
class Reply:
    """A mobile-originated message: a cadre answering."""

    phone: str
    text: str
    at: datetime


class ProviderError(Exception):
    """A submit that did not go through whole: `accepted` are the provider ids of the parts the
    provider took all the same (earlier tries' included), of the `parts` the message has."""

    accepted: tuple[str, ...] = ()
    parts: int = 0

    def progress(self, accepted: list[str], parts: int) -> None:
        self.accepted, self.parts = tuple(accepted), parts


class TransientError(ProviderError):
    """Try again later (throttled, queue full, link down); `retry_after` seconds if known.
    `backpressure`: the provider asks us to slow down — no fault of the message, whose tries
    it does not use up."""

    def __init__(
        self, message: str, retry_after: float | None = None, *, backpressure: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after, self.backpressure = retry_after, backpressure


class PermanentError(ProviderError):
    """The provider refused this message for good (bad number, rejected content)."""


ReceiptHandler = Callable[[Receipt], Awaitable[None]]
ReplyHandler = Callable[[Reply], Awaitable[None]]


class SmsProvider(Protocol):
    async def start(self, on_receipt: ReceiptHandler, on_reply: ReplyHandler) -> None:
        """Connect (and keep connected); receipts and replies are handed to the callbacks."""

    async def submit(self, sms: OutgoingSms) -> Submitted:
        """Raises TransientError or PermanentError; returns once the provider accepted it."""

    async def close(self) -> None: ...
