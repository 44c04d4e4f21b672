"""The cloud-API SMS adapter against a fake provider served by uvicorn on 127.0.0.1 (in a thread
of its own): signed batch requests with the template code and its parameters, per-phone
outcomes, a busy provider, wrong keys, and reports and replies pulled back."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.notification.sms.http_provider import HttpSmsConfig, HttpSmsProvider
from services.notification.sms.provider import (
    DeliveryState,
    OutgoingSms,
    PermanentError,
    Receipt,
    Reply,
    Submitted,
    TransientError,
)

KEY, SECRET = "jz-key", "jz-secret"


class FakeCloud:
    """The provider's side: checks each request's signature as its documentation says, answers
    per phone (ending in 4: a bad number; in 9: the number's daily limit), queues reports."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.receipts: list[dict[str, str]] = []
        self.replies: list[dict[str, str]] = []
        self.busy = False
        self.app = FastAPI()
        self.app.post("/sms/send")(self.send)
        self.app.get("/sms/reports")(self.reports)

    @staticmethod
    def is_signed(request: Request, body: bytes) -> bool:
        h = request.headers
        if h.get("X-Sms-Key") != KEY or abs(time.time() - int(h["X-Sms-Timestamp"])) > 300:
            return False
        canonical = "\n".join(
            [
                request.method,
                request.url.path,
                h["X-Sms-Timestamp"],
                h["X-Sms-Nonce"],
                hashlib.sha256(body).hexdigest(),
            ]
        )
        expected = hmac.new(SECRET.encode(), canonical.encode(), hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64decode(h["X-Sms-Signature"]), expected)

    async def send(self, request: Request) -> Any:
        body = await request.body()
        if not self.is_signed(request, body):
            return JSONResponse({"code": "AuthFailure.SignatureFailure"}, 401)
        if self.busy:
            return JSONResponse({"code": "RequestLimitExceeded"}, 429, {"Retry-After": "3"})
        payload = json.loads(body)
        self.sent.append(payload)
        results = []
        for recipient in payload["recipients"]:
            phone, serial = recipient["phone"], f"sn-{len(self.receipts) + len(results)}"
            code = {"4": "InvalidParameterValue.IncorrectPhoneNumber"}.get(phone[-1], "OK")
            code = "LimitExceeded.PhoneNumberDailyLimit" if phone.endswith("9") else code
            results.append({**recipient, "code": code, "serial_no": serial})
        self.receipts += [{"serial_no": r["serial_no"], "status": "DELIVERED"} for r in results]
        return {"request_id": "r1", "results": results}

    async def reports(self, request: Request) -> Any:
        if not self.is_signed(request, b""):
            return JSONResponse({"code": "AuthFailure.SignatureFailure"}, 401)
        answer = {"receipts": self.receipts, "replies": self.replies}
        self.receipts, self.replies = [], []
        return answer


@pytest.fixture
def cloud() -> Iterator[tuple[FakeCloud, str]]:
    fake = FakeCloud()
    server = uvicorn.Server(
        uvicorn.Config(fake.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield fake, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def provider_for(url: str, **overrides: Any) -> HttpSmsProvider:
    settings: dict[str, Any] = {
        "base_url": url,
        "access_key": KEY,
        "secret": SECRET,
        "sign_name": "精准扶贫",
        "text_template_code": "notice",
    } | overrides
    return HttpSmsProvider(HttpSmsConfig(**settings))


def notice(number: int, phone: str) -> OutgoingSms:
    return OutgoingSms(
        f"m-{number}",
        phone,
        "【精准扶贫】本周五前完成走访",
        template_code="SMS_0042",
        template_params={"task": "走访", "due": "周五"},
    )


async def test_a_broadcast_goes_as_one_signed_request_with_template_and_parameters(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    provider = provider_for(url)
    batch = [notice(n, f"1380000000{n}") for n in (1, 2, 3)]
    outcomes = await provider.submit_batch(batch)
    await provider.close()
    assert [type(o) for o in outcomes] == [Submitted] * 3
    [request] = fake.sent
    assert request["sign_name"] == "精准扶贫"
    assert (request["template_code"], request["template_params"]) == (
        "SMS_0042",
        {"task": "走访", "due": "周五"},
    )
    assert [r["phone"] for r in request["recipients"]] == [s.phone for s in batch]


async def test_a_batch_larger_than_the_provider_takes_is_split(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    provider = provider_for(url, batch_size=2)
    outcomes = await provider.submit_batch([notice(n, f"138000000{n}1") for n in range(5)])
    await provider.close()
    assert [len(r["recipients"]) for r in fake.sent] == [2, 2, 1]
    assert len({o.provider_ids[0] for o in outcomes if isinstance(o, Submitted)}) == 5


async def test_each_phone_gets_its_own_outcome(cloud: tuple[FakeCloud, str]) -> None:
    _, url = cloud
    provider = provider_for(url)
    outcomes = await provider.submit_batch(
        [notice(1, "13800000001"), notice(2, "13800000004"), notice(3, "13800000009")]
    )
    await provider.close()
    assert [type(o) for o in outcomes] == [Submitted, PermanentError, TransientError]


async def test_a_busy_provider_is_back_pressure_with_its_retry_after(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    fake.busy = True
    provider = provider_for(url)
    with pytest.raises(TransientError) as busy:
        await provider.submit(notice(1, "13800000001"))
    await provider.close()
    assert (busy.value.retry_after, busy.value.backpressure) == (3.0, True)


async def test_a_request_signed_with_the_wrong_secret_sends_nothing(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    provider = provider_for(url, secret="not-the-secret")
    with pytest.raises(TransientError):
        await provider.submit(notice(1, "13800000001"))
    await provider.close()
    assert fake.sent == []


async def test_a_message_without_a_template_goes_as_the_text_template_unsigned(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    provider = provider_for(url)
    await provider.submit(OutgoingSms("m-9", "13800000001", "【精准扶贫】明天上午开会"))
    await provider.close()
    assert (fake.sent[0]["template_code"], fake.sent[0]["template_params"]) == (
        "notice",
        {"text": "明天上午开会"},
    )
    with pytest.raises(PermanentError):
        await provider_for(url, text_template_code="").submit(
            OutgoingSms("m-10", "13800000001", "【精准扶贫】明天上午开会")
        )


async def test_delivery_reports_and_replies_are_pulled_and_handed_over(
    cloud: tuple[FakeCloud, str],
) -> None:
    fake, url = cloud
    received: list[Receipt | Reply] = []
    done = asyncio.Event()

    async def take(item: Receipt | Reply) -> None:
        received.append(item)
        if len(received) == 2:
            done.set()

    provider = provider_for(url, poll_interval=0.05)
    submitted = await provider.submit(notice(1, "13800000001"))
    fake.replies.append({"phone": "+8613800000001", "text": "２ 已完成"})
    await provider.start(take, take)
    await asyncio.wait_for(done.wait(), 10)
    await provider.close()
    [receipt] = [r for r in received if isinstance(r, Receipt)]
    [reply] = [r for r in received if isinstance(r, Reply)]
    assert (receipt.provider_id, receipt.state) == (
        submitted.provider_ids[0],
        DeliveryState.DELIVERED,
    )
    assert (reply.phone, reply.text) == ("13800000001", "２ 已完成")
