"""What an SMSC sends the platform in deliver_sm: a delivery receipt (read from its TLVs or its
text, `id:… stat:DELIVRD …`) or a cadre's mobile-originated message, reassembled when it came in
several parts (UDH or SAR TLVs)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime

from services.notification.domain import national_number
from services.notification.sms.pdu import ShortMessage, Tag, encode_id
from services.notification.sms.provider import DeliveryState, Receipt
from services.notification.sms.text import (
    ESM_CLASS_UDHI,
    Concatenation,
    decode_text,
    split_udh,
)

MESSAGE_TYPE_MASK = 0x3C
ESM_CLASS_RECEIPT = 0x04  # message type "SMSC delivery receipt"

# message_state TLV values and the stat: words of the receipt text (SMPP 3.4 appendix B).
STATE_WORDS = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}
STATE_NUMBERS = {word: number for number, word in STATE_WORDS.items()}
FINAL_STATES = {"DELIVRD": DeliveryState.DELIVERED, "EXPIRED": DeliveryState.EXPIRED}
NOT_FINAL = {"ENROUTE", "ACCEPTD"}
_RECEIPT_FIELD = re.compile(r"\b(id|stat|err):(\S*)", re.IGNORECASE)


def is_receipt(message: ShortMessage) -> bool:
    return message.esm_class & MESSAGE_TYPE_MASK == ESM_CLASS_RECEIPT


def _tlv_string(message: ShortMessage, tag: Tag) -> str:
    return message.tlvs.get(tag, b"").rstrip(b"\x00").decode("latin-1")


def parse_receipt(message: ShortMessage, at: datetime) -> Receipt | None:
    """The receipt's final state, or None for an intermediate one (en route, accepted). Its
    TLVs win over its text, which is read only when they do not tell everything."""
    provider_id = _tlv_string(message, Tag.RECEIPTED_MESSAGE_ID)
    state_tlv = message.tlvs.get(Tag.MESSAGE_STATE)
    fields = {} if provider_id and state_tlv else _text_fields(message)
    provider_id = provider_id or fields.get("id", "")
    word = STATE_WORDS.get(state_tlv[0], "") if state_tlv else fields.get("stat", "").upper()
    if not provider_id or word in NOT_FINAL:
        return None
    state = FINAL_STATES.get(word, DeliveryState.FAILED)
    if state is DeliveryState.DELIVERED:
        return Receipt(provider_id=provider_id, state=state, at=at)
    if not fields:  # the TLVs told the rest: the reason is in the text
        fields = _text_fields(message)
    error = f"{word or 'UNKNOWN'} err:{fields.get('err', '')}"
    return Receipt(provider_id=provider_id, state=state, at=at, error=error)


def _text_fields(message: ShortMessage) -> dict[str, str]:
    """The id:, stat: and err: of a receipt's text (the first of each, keys in lower case)."""
    fields: dict[str, str] = {}
    for key, value in _RECEIPT_FIELD.findall(message.short_message.decode("latin-1")):
        fields.setdefault(key.lower(), value)
    return fields


def make_receipt(message_id: str, phone: str, sender: str, *, delivered: bool) -> ShortMessage:
    """The deliver_sm an SMSC sends about a message it took: what `parse_receipt` reads."""
    word, error = ("DELIVRD", "000") if delivered else ("UNDELIV", "001")
    stamp = time.strftime("%y%m%d%H%M")  # local time, as datetime.now() but cheaper
    text = (
        f"id:{message_id} sub:001 dlvrd:{int(delivered):03d} submit date:{stamp} "
        f"done date:{stamp} stat:{word} err:{error} text:"
    )
    state = STATE_NUMBERS[word]
    return ShortMessage(
        destination_addr=sender,
        short_message=text.encode(),
        source_addr=phone,
        esm_class=ESM_CLASS_RECEIPT,
        tlvs={Tag.RECEIPTED_MESSAGE_ID: encode_id(message_id), Tag.MESSAGE_STATE: bytes([state])},
    )


def normalise_phone(address: str) -> str:
    """A mainland mobile number without +86 / 0086 / 86 in front (an address that is not a
    number is kept as it came)."""
    digits = address.lstrip("+")
    return national_number(digits) if digits.isdigit() else digits


def read_part(message: ShortMessage) -> tuple[Concatenation | None, str]:
    """The text of one mobile-originated part and where it belongs, if it is one of several."""
    octets = message.tlvs.get(Tag.MESSAGE_PAYLOAD) or message.short_message
    concatenation = None
    if message.esm_class & ESM_CLASS_UDHI:
        concatenation, octets = split_udh(octets)
    elif Tag.SAR_MSG_REF_NUM in message.tlvs:
        concatenation = Concatenation(
            int.from_bytes(message.tlvs[Tag.SAR_MSG_REF_NUM]),
            int.from_bytes(message.tlvs.get(Tag.SAR_TOTAL_SEGMENTS, b"\x01")),
            int.from_bytes(message.tlvs.get(Tag.SAR_SEGMENT_SEQNUM, b"\x01")),
        )
    return concatenation, decode_text(octets, message.data_coding)


class Reassembler:
    """Joins the parts of concatenated messages by address and reference number; forgets a
    message whose parts stop coming after `ttl` seconds."""

    def __init__(self, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._clock = ttl, clock
        self._waiting: dict[tuple[str, int, int], tuple[float, dict[int, str]]] = {}

    def add(self, address: str, concatenation: Concatenation | None, text: str) -> str | None:
        """The whole text once every part has come; None while parts are missing."""
        if concatenation is None or concatenation.total <= 1:
            return text
        if not 1 <= concatenation.number <= concatenation.total:
            return text  # a malformed header: read the part as a message of its own
        now = self._clock()
        while self._waiting:  # oldest first: a dict keeps the order of insertion
            oldest = next(iter(self._waiting))
            if now - self._waiting[oldest][0] < self._ttl:
                break
            del self._waiting[oldest]
        key = (address, concatenation.reference, concatenation.total)
        _, parts = self._waiting.setdefault(key, (now, {}))
        parts[concatenation.number] = text
        if len(parts) < concatenation.total:
            return None
        return "".join(parts[number] for number in range(1, concatenation.total + 1))

    def forget(self, address: str, concatenation: Concatenation | None) -> None:
        """Drop a whole message's parts once it has been handled (kept until then, so that a
        part delivered again after a failure completes it again)."""
        if concatenation is not None:
            self._waiting.pop((address, concatenation.reference, concatenation.total), None)
