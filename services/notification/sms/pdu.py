"""The SMPP 3.4 PDUs the platform speaks (bind_transceiver, submit_sm, deliver_sm, enquire_link,
unbind, generic_nack and their responses): the 16-octet header, C-octet strings and TLVs."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum

HEADER = struct.Struct(">IIII")
MAX_PDU_LENGTH = 64 * 1024  # far above any PDU here; a larger length is a broken stream
RESPONSE_BIT = 0x80000000
INTERFACE_VERSION = 0x34


class Command(IntEnum):
    GENERIC_NACK = 0x80000000
    BIND_TRANSCEIVER = 0x00000009
    BIND_TRANSCEIVER_RESP = 0x80000009
    SUBMIT_SM = 0x00000004
    SUBMIT_SM_RESP = 0x80000004
    DELIVER_SM = 0x00000005
    DELIVER_SM_RESP = 0x80000005
    UNBIND = 0x00000006
    UNBIND_RESP = 0x80000006
    ENQUIRE_LINK = 0x00000015
    ENQUIRE_LINK_RESP = 0x80000015


class Status(IntEnum):
    ROK = 0x00
    RINVMSGLEN = 0x01
    RINVCMDLEN = 0x02
    RINVCMDID = 0x03
    RINVBNDSTS = 0x04
    RALYBND = 0x05
    RSYSERR = 0x08
    RBINDFAIL = 0x0D
    RINVPASWD = 0x0E
    RINVDSTADR = 0x0B
    RMSGQFUL = 0x14
    RTHROTTLED = 0x58
    RX_T_APPN = 0x64


class Tag(IntEnum):
    RECEIPTED_MESSAGE_ID = 0x001E
    SAR_MSG_REF_NUM = 0x020C
    SAR_TOTAL_SEGMENTS = 0x020E
    SAR_SEGMENT_SEQNUM = 0x020F
    NETWORK_ERROR_CODE = 0x0423
    MESSAGE_PAYLOAD = 0x0424
    MESSAGE_STATE = 0x0427


class PduError(ValueError):
    """A PDU that cannot be read; `status` is what a generic_nack should say."""

    def __init__(self, message: str, status: Status = Status.RINVCMDLEN) -> None:
        super().__init__(message)
        self.status = status


def status_name(status: int) -> str:
    try:
        return f"ESME_{Status(status).name} (0x{status:02X})"
    except ValueError:
        return f"0x{status:08X}"


@dataclass(frozen=True)
class Pdu:
    command: int
    sequence: int
    status: int = 0
    body: bytes = b""

    @property
    def is_response(self) -> bool:
        return bool(self.command & RESPONSE_BIT)

    def encode(self) -> bytes:
        header = HEADER.pack(HEADER.size + len(self.body), self.command, self.status, self.sequence)
        return header + self.body


def parse_header(octets: bytes) -> tuple[int, int, int, int]:
    """(command_length, command_id, command_status, sequence_number) of a 16-octet header."""
    length, command, status, sequence = HEADER.unpack(octets)
    if not HEADER.size <= length <= MAX_PDU_LENGTH:
        raise PduError(f"command_length {length} is out of range")
    return length, command, status, sequence


class _Reader:
    """Reads the fields of a PDU body in order."""

    def __init__(self, body: bytes) -> None:
        self.body, self.position = body, 0

    def cstring(self, max_length: int) -> str:
        end = self.body.find(b"\x00", self.position, self.position + max_length)
        if end < 0:
            raise PduError(f"a C-octet string at {self.position} has no NUL within {max_length}")
        value = self.body[self.position : end].decode("latin-1")
        self.position = end + 1
        return value

    def octet(self) -> int:
        if self.position >= len(self.body):
            raise PduError("the body ends before its last field")
        self.position += 1
        return self.body[self.position - 1]

    def octets(self, count: int) -> bytes:
        if self.position + count > len(self.body):
            raise PduError("the body ends inside a field")
        self.position += count
        return self.body[self.position - count : self.position]

    def tlvs(self) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        while self.position < len(self.body):
            tag, length = struct.unpack(">HH", self.octets(4))
            found[tag] = self.octets(length)
        return found


def _cstring(value: str) -> bytes:
    return value.encode("latin-1") + b"\x00"


def _tlvs(tlvs: dict[int, bytes]) -> bytes:
    return b"".join(struct.pack(">HH", tag, len(value)) + value for tag, value in tlvs.items())


@dataclass(frozen=True)
class Bind:
    """The body of bind_transceiver."""

    system_id: str
    password: str
    system_type: str = ""
    interface_version: int = INTERFACE_VERSION
    addr_ton: int = 0
    addr_npi: int = 0
    address_range: str = ""

    def encode(self) -> bytes:
        return (
            _cstring(self.system_id)
            + _cstring(self.password)
            + _cstring(self.system_type)
            + bytes([self.interface_version, self.addr_ton, self.addr_npi])
            + _cstring(self.address_range)
        )

    @classmethod
    def decode(cls, body: bytes) -> Bind:
        read = _Reader(body)
        system_id, password, system_type = read.cstring(16), read.cstring(9), read.cstring(13)
        version, ton, npi = read.octet(), read.octet(), read.octet()
        return cls(system_id, password, system_type, version, ton, npi, read.cstring(41))


def encode_id(identifier: str) -> bytes:
    """The body of submit_sm_resp, deliver_sm_resp (empty id) and bind_transceiver_resp."""
    return _cstring(identifier)


def decode_id(body: bytes) -> str:
    """The message or system id of a response; an error response may come without a body."""
    return _Reader(body).cstring(65) if body else ""


# (name, width): width 0 is a C-octet string of at most `max` octets, 1 is one octet.
_MESSAGE_FIELDS = (
    ("service_type", 6),
    ("source_addr_ton", 1),
    ("source_addr_npi", 1),
    ("source_addr", 21),
    ("dest_addr_ton", 1),
    ("dest_addr_npi", 1),
    ("destination_addr", 21),
    ("esm_class", 1),
    ("protocol_id", 1),
    ("priority_flag", 1),
    ("schedule_delivery_time", 17),
    ("validity_period", 17),
    ("registered_delivery", 1),
    ("replace_if_present_flag", 1),
    ("data_coding", 1),
    ("sm_default_msg_id", 1),
)


@dataclass(frozen=True)
class ShortMessage:
    """The body of submit_sm and deliver_sm, which share one layout."""

    destination_addr: str
    short_message: bytes = b""
    source_addr: str = ""
    service_type: str = ""
    source_addr_ton: int = 0
    source_addr_npi: int = 0
    dest_addr_ton: int = 0
    dest_addr_npi: int = 0
    esm_class: int = 0
    protocol_id: int = 0
    priority_flag: int = 0
    schedule_delivery_time: str = ""
    validity_period: str = ""
    registered_delivery: int = 0
    replace_if_present_flag: int = 0
    data_coding: int = 0
    sm_default_msg_id: int = 0
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def encode(self) -> bytes:
        if len(self.short_message) > 254:
            raise PduError("short_message is longer than 254 octets", Status.RINVMSGLEN)
        head = b"".join(
            bytes([getattr(self, name)]) if width == 1 else _cstring(getattr(self, name))
            for name, width in _MESSAGE_FIELDS
        )
        return head + bytes([len(self.short_message)]) + self.short_message + _tlvs(self.tlvs)

    @classmethod
    def decode(cls, body: bytes) -> ShortMessage:
        read = _Reader(body)
        values: dict[str, object] = {
            name: read.octet() if width == 1 else read.cstring(width)
            for name, width in _MESSAGE_FIELDS
        }
        values["short_message"] = read.octets(read.octet())
        values["tlvs"] = read.tlvs()
        return cls(**values)  # type: ignore[arg-type]
