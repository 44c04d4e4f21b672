"""SmsProvider over SMPP 3.4: an ESME bound as transceiver to the carrier's SMSC that keeps its
link up (enquire_link, reconnection with backoff), paces submits (a window of outstanding
submit_sm, a token bucket that slows down when throttled), sends the parts of a long text not
yet accepted under the reference it is given, and hands receipts and replies over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from kit.errors import InvalidArgument
from kit.id_numbers import mask_mobile
from services.notification.settings import NotificationSettings
from services.notification.sms import text
from services.notification.sms.inbound import (
    Reassembler,
    is_receipt,
    normalise_phone,
    parse_receipt,
    read_part,
)
from services.notification.sms.link import LinkClosed, SmppLink
from services.notification.sms.pacing import Backoff, TokenBucket, Window
from services.notification.sms.pdu import (
    Bind,
    Command,
    Pdu,
    PduError,
    ShortMessage,
    Status,
    decode_id,
    encode_id,
    status_name,
)
from services.notification.sms.provider import (
    OutgoingSms,
    PermanentError,
    ProviderError,
    ReceiptHandler,
    Reply,
    ReplyHandler,
    Submitted,
    TransientError,
)

log = logging.getLogger(__name__)

BUSY = {Status.RTHROTTLED, Status.RMSGQFUL}  # "slow down": try the same part again later
REGISTERED_DELIVERY_FINAL = 0x01  # a receipt for the final outcome, delivered or not
TON_INTERNATIONAL, TON_NATIONAL, NPI_ISDN = 1, 2, 1
COUNTRY_CODE = "86"
# How the destination is written: the national number as stored, or its international form
# (country code and number, no "+": TON 1 says it is international, as Kannel and jSMPP send).
DESTINATIONS = {
    "national": (TON_NATIONAL, NPI_ISDN, ""),
    "international": (TON_INTERNATIONAL, NPI_ISDN, COUNTRY_CODE),
}


class BindRefused(Exception):
    """The SMSC answered bind_transceiver with an error (wrong system_id or password...)."""


@dataclass(frozen=True)
class SmppConfig:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    source_addr: str = ""
    source_ton: int = 0  # the source address's type of number and numbering plan, as the
    source_npi: int = 0  # carrier checks them (0/0: unknown, the SMSC decides)
    dest_format: str = "national"  # a key of DESTINATIONS
    window: int = 10
    rate: float = 100.0  # parts per second
    enquire_interval: float = 30.0
    response_timeout: float = 10.0
    reconnect_initial: float = 0.2
    reconnect_max: float = 30.0
    throttle_initial: float = 0.2  # the first pause after ESME_RTHROTTLED / ESME_RMSGQFUL
    throttle_max: float = 10.0
    throttle_retries: int = 5  # tries of one part before the service requeues the message
    max_segments: int = text.DEFAULT_MAX_SEGMENTS

    @classmethod
    def from_settings(cls, settings: NotificationSettings) -> SmppConfig:
        return cls(
            host=settings.smpp_host,
            port=settings.smpp_port,
            system_id=settings.smpp_system_id,
            password=settings.smpp_password,
            system_type=settings.smpp_system_type,
            source_addr=settings.smpp_source_addr,
            source_ton=settings.smpp_source_ton,
            source_npi=settings.smpp_source_npi,
            dest_format=settings.smpp_dest_format,
            window=settings.smpp_window,
            rate=settings.smpp_rate,
            enquire_interval=settings.smpp_enquire_interval,
            response_timeout=settings.smpp_response_timeout,
            reconnect_max=settings.smpp_reconnect_max,
        )


class SmppProvider:
    """`await start(on_receipt, on_reply)` once, then `submit` from as many tasks as you like."""

    def __init__(self, config: SmppConfig) -> None:
        if config.dest_format not in DESTINATIONS:
            raise ValueError(f"dest_format must be one of {', '.join(DESTINATIONS)}")
        self.config = config
        self._dest_ton, self._dest_npi, self._dest_prefix = DESTINATIONS[config.dest_format]
        self._bucket = TokenBucket(config.rate)
        self._window = Window(config.window)
        self._throttle = Backoff(config.throttle_initial, config.throttle_max)
        self._reassembler = Reassembler()
        self._link: SmppLink | None = None
        self._bound = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._runner: asyncio.Task[None] | None = None
        self.binds = 0  # successful binds so far; more than one means the link was re-established

    async def start(self, on_receipt: ReceiptHandler, on_reply: ReplyHandler) -> None:
        """Connect in the background and stay connected; submits wait a while for the link."""
        self._on_receipt, self._on_reply = on_receipt, on_reply
        self._supervisor = asyncio.create_task(self._keep_connected())

    @property
    def rate(self) -> float:
        """The parts per second sent now: the configured rate, less while the SMSC throttles."""
        return self._bucket.rate

    async def submit(self, sms: OutgoingSms) -> Submitted:
        """The parts not accepted yet (`sms.accepted`), each with `sms.reference`; an error
        tells which parts were accepted all the same (ProviderError.accepted)."""
        try:
            encoded = text.encode(sms.text, sms.reference, max_segments=self.config.max_segments)
        except InvalidArgument as error:
            raise PermanentError(error.message) from error
        provider_ids = list(sms.accepted)
        try:
            for part in encoded.parts[len(provider_ids) :]:
                message = ShortMessage(
                    destination_addr=self._dest_prefix + sms.phone,
                    short_message=part,
                    source_addr=self.config.source_addr,
                    source_addr_ton=self.config.source_ton,
                    source_addr_npi=self.config.source_npi,
                    dest_addr_ton=self._dest_ton,
                    dest_addr_npi=self._dest_npi,
                    esm_class=encoded.esm_class,
                    priority_flag=1 if sms.urgent else 0,
                    registered_delivery=REGISTERED_DELIVERY_FINAL,
                    data_coding=encoded.data_coding,
                )
                provider_ids.append(await self._submit_part(message.encode()))
        except ProviderError as error:
            error.progress(provider_ids, len(encoded.parts))
            raise
        return Submitted(provider_ids=provider_ids)

    async def _submit_part(self, body: bytes) -> str:
        bucket = self._bucket
        for _ in range(self.config.throttle_retries):
            await bucket.acquire()
            response = await self._send(body)
            if response.status == Status.ROK:
                self._throttle.reset()
                bucket.speed_up()
                return decode_id(response.body)
            if response.status not in BUSY:
                raise PermanentError(
                    f"the SMSC refused the message: {status_name(response.status)}"
                )
            if not bucket.is_paused:  # one pause (and one slowdown) for the whole window
                bucket.pause(self._throttle.next())
                bucket.slow_down()
        raise TransientError(
            "the SMSC keeps asking to slow down", self._throttle.next(), backpressure=True
        )

    async def _send(self, body: bytes) -> Pdu:
        async with self._window:
            link = await self._bound_link()
            try:
                return await link.request(Command.SUBMIT_SM, body)
            except LinkClosed as error:
                raise TransientError("the SMPP link dropped before the SMSC answered") from error
            except TimeoutError as error:
                raise TransientError("the SMSC did not answer in time") from error

    async def _bound_link(self) -> SmppLink:
        if not self._bound.is_set():  # (wait_for costs a task: not on every submit)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._bound.wait(), self.config.response_timeout)
        link = self._link
        if link is None or link.is_closed:
            raise TransientError("no SMPP link to the SMSC", self.config.reconnect_initial)
        return link

    async def _keep_connected(self) -> None:
        backoff = Backoff(self.config.reconnect_initial, self.config.reconnect_max)
        while True:
            try:
                link = await self._open()
            except (OSError, TimeoutError, LinkClosed, BindRefused) as error:
                log.warning("cannot bind to the SMSC (%s); trying again", error)
            else:
                backoff.reset()
                await self._serve(link)
                log.warning("the SMPP link dropped; reconnecting")
            await asyncio.sleep(backoff.next())

    async def _open(self) -> SmppLink:
        config = self.config
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(config.host, config.port), config.response_timeout
        )
        link = SmppLink(reader, writer, self._on_request, config.response_timeout)
        self._runner = asyncio.create_task(link.run())
        bind = Bind(config.system_id, config.password, config.system_type)
        try:
            response = await link.request(Command.BIND_TRANSCEIVER, bind.encode())
            if response.status != Status.ROK:
                raise BindRefused(status_name(response.status))
        except BaseException:
            link.close()
            raise
        self.binds += 1
        return link

    async def _serve(self, link: SmppLink) -> None:
        keepalive = asyncio.create_task(self._keep_alive(link))
        self._link = link
        self._bound.set()
        try:
            await link.closed.wait()
        finally:
            self._bound.clear()
            self._link = None
            keepalive.cancel()

    async def _keep_alive(self, link: SmppLink) -> None:
        """enquire_link after `enquire_interval` seconds of silence; no answer drops the link."""
        interval = self.config.enquire_interval
        while not link.is_closed:
            quiet = time.monotonic() - link.last_received
            if quiet < interval:
                await asyncio.sleep(interval - quiet)
                continue
            try:
                await link.request(Command.ENQUIRE_LINK)
            except (TimeoutError, LinkClosed):
                log.warning("the SMSC did not answer enquire_link; dropping the link")
                link.abort()

    async def _on_request(self, link: SmppLink, request: Pdu) -> Pdu:
        if request.command != Command.DELIVER_SM:
            raise PduError(f"unexpected command 0x{request.command:08X}", Status.RINVCMDID)
        message = ShortMessage.decode(request.body)
        status = Status.ROK
        try:
            await self._take(message)
        except Exception:  # the SMSC delivers it again later: nothing is lost
            log.exception("handling a deliver_sm failed; asking the SMSC to retry")
            status = Status.RX_T_APPN
        return Pdu(Command.DELIVER_SM_RESP, request.sequence, status, encode_id(""))

    async def _take(self, message: ShortMessage) -> None:
        at = datetime.now(UTC)
        if is_receipt(message):
            receipt = parse_receipt(message, at)
            if receipt is not None:
                await self._on_receipt(receipt)
            return
        phone = normalise_phone(message.source_addr)
        concatenation, part = read_part(message)
        whole = self._reassembler.add(phone, concatenation, part)
        if whole is not None:
            log.info("a reply from %s", mask_mobile(phone))
            await self._on_reply(Reply(phone=phone, text=whole, at=at))
            self._reassembler.forget(phone, concatenation)

    async def close(self) -> None:
        """Unbind and stop reconnecting."""
        link = self._link
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        if link is not None:
            await link.unbind()
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
