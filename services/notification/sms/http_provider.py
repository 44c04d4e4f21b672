"""SmsProvider over a cloud SMS HTTP API of the kind Chinese providers offer: the signature by
name, an approved template code and its parameters as JSON, a batch of phones in one request
signed with HMAC-SHA256; delivery reports and replies are pulled from the provider.

Wire (JSON): `POST /sms/send` {sign_name, template_code, template_params, recipients: [{phone,
out_id}]} -> {request_id, results: [{phone, out_id, code, serial_no}]}; `GET /sms/reports` ->
{receipts: [{serial_no, status, error}], replies: [{phone, text}]}. Every request carries
X-Sms-Key, X-Sms-Timestamp, X-Sms-Nonce and X-Sms-Signature = base64(HMAC-SHA256(secret,
method \\n path \\n timestamp \\n nonce \\n sha256-hex(body)))."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from services.notification.settings import NotificationSettings
from services.notification.sms.inbound import normalise_phone
from services.notification.sms.provider import (
    DeliveryState,
    OutgoingSms,
    PermanentError,
    Receipt,
    ReceiptHandler,
    Reply,
    ReplyHandler,
    Submitted,
    TransientError,
)

log = logging.getLogger(__name__)

SEND_PATH, REPORTS_PATH = "/sms/send", "/sms/reports"
OK = "OK"
TRANSIENT_CODES = ("LimitExceeded", "RequestLimitExceeded", "InternalError", "FailedOperation.Busy")
STATES = {"DELIVERED": DeliveryState.DELIVERED, "EXPIRED": DeliveryState.EXPIRED}

Outcome = Submitted | TransientError | PermanentError


@dataclass(frozen=True)
class HttpSmsConfig:
    base_url: str
    access_key: str
    secret: str
    sign_name: str  # the signature as approved by the provider, e.g. 精准扶贫
    # The approved template that carries a whole text (`{text}`), for a message that names no
    # template of its own; without one such messages are refused.
    text_template_code: str = ""
    batch_size: int = 100  # phones in one request, as the provider allows
    timeout: float = 10.0
    poll_interval: float = 5.0

    @classmethod
    def from_settings(cls, settings: NotificationSettings) -> HttpSmsConfig:
        return cls(
            base_url=settings.sms_http_url,
            access_key=settings.sms_http_access_key,
            secret=settings.sms_http_secret,
            sign_name=settings.signature,
            text_template_code=settings.sms_http_text_template,
        )


def signature(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The request's HMAC-SHA256 signature, base64."""
    digest = hashlib.sha256(body).hexdigest()
    message = "\n".join((method, path, timestamp, nonce, digest)).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class HttpSmsProvider:
    """`await start(on_receipt, on_reply)`, then `submit` or `submit_batch`; `close` at the end."""

    def __init__(self, config: HttpSmsConfig) -> None:
        self.config = config
        self._client = httpx.AsyncClient(base_url=config.base_url, timeout=config.timeout)
        self._poller: asyncio.Task[None] | None = None

    async def start(self, on_receipt: ReceiptHandler, on_reply: ReplyHandler) -> None:
        self._on_receipt, self._on_reply = on_receipt, on_reply
        self._poller = asyncio.create_task(self._poll_forever())

    async def submit(self, sms: OutgoingSms) -> Submitted:
        [outcome] = await self.submit_batch([sms])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def submit_batch(self, batch: Sequence[OutgoingSms]) -> list[Outcome]:
        """One outcome per message, in order. The messages share one template and its values
        (a broadcast); they go in requests of `batch_size` phones."""
        outcomes: list[Outcome] = []
        for start in range(0, len(batch), self.config.batch_size):
            chunk = batch[start : start + self.config.batch_size]
            try:
                outcomes += await self._send(chunk)
            except (TransientError, PermanentError) as error:
                outcomes += [error] * len(chunk)
        return outcomes

    def _template(self, batch: Sequence[OutgoingSms]) -> tuple[str, dict[str, str]]:
        first = batch[0]
        if any(
            (s.template_code, s.template_params) != (first.template_code, first.template_params)
            for s in batch
        ):
            raise ValueError("a batch shares one template and its values")
        if first.template_code:
            return first.template_code, dict(first.template_params)
        if not self.config.text_template_code:
            raise PermanentError("this provider sends approved templates only")
        text = first.text.removeprefix(f"【{self.config.sign_name}】")
        return self.config.text_template_code, {"text": text}

    async def _send(self, batch: Sequence[OutgoingSms]) -> list[Outcome]:
        code, params = self._template(batch)
        payload = {
            "sign_name": self.config.sign_name,
            "template_code": code,
            "template_params": params,
            "recipients": [{"phone": s.phone, "out_id": s.message_id} for s in batch],
        }
        answer = await self._call("POST", SEND_PATH, json.dumps(payload).encode())
        results = {r.get("out_id"): r for r in answer.get("results", [])}
        return [self._outcome(results.get(s.message_id)) for s in batch]

    @staticmethod
    def _outcome(result: dict[str, str] | None) -> Outcome:
        if result is None:
            return TransientError("the provider did not say what became of the message")
        code = result.get("code", "")
        if code == OK:
            return Submitted(provider_ids=[result["serial_no"]])
        if code.startswith(TRANSIENT_CODES):
            return TransientError(f"the provider asks to wait: {code}")
        return PermanentError(f"the provider refused the message: {code}")

    async def _call(self, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Sms-Key": self.config.access_key,
            "X-Sms-Timestamp": timestamp,
            "X-Sms-Nonce": nonce,
            "X-Sms-Signature": signature(self.config.secret, method, path, timestamp, nonce, body),
        }
        try:
            response = await self._client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise TransientError(
                f"the provider cannot be reached: {type(error).__name__}"
            ) from error
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After", "")
            raise TransientError(
                f"the provider answered {response.status_code}",
                float(retry_after) if retry_after.isdigit() else None,
                backpressure=response.status_code == 429,  # "too many requests": slow down
            )
        if response.status_code in (401, 403):  # our keys: retrying helps once they are fixed
            log.error("the SMS provider refused our credentials (%s)", response.status_code)
            raise TransientError("the provider refused our credentials")
        if response.status_code >= 400:
            raise PermanentError(f"the provider refused the request ({response.status_code})")
        return response.json()  # type: ignore[no-any-return]

    async def _poll_forever(self) -> None:
        while True:
            with contextlib.suppress(TransientError, PermanentError):
                await self.poll_reports()
            await asyncio.sleep(self.config.poll_interval)

    async def poll_reports(self) -> None:
        """Fetch the delivery reports and replies waiting at the provider and hand them over."""
        answer = await self._call("GET", REPORTS_PATH)
        now = datetime.now(UTC)
        for item in answer.get("receipts", []):
            state = STATES.get(item.get("status", ""), DeliveryState.FAILED)
            error = "" if state is DeliveryState.DELIVERED else item.get("error", "")
            await self._on_receipt(Receipt(item["serial_no"], state, now, error))
        for item in answer.get("replies", []):
            await self._on_reply(Reply(normalise_phone(item["phone"]), item["text"], now))

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        await self._client.aclose()
