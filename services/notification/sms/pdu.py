"""The SMPP 3.4 PDUs the platform speaks (bind_transceiver, submit_sm, deliver_sm, enquire_link,
unbind, generic_nack and their responses): the 16-octet header, C-octet strings and TLVs."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

HEADER = struct.Struct(">IIII")
TLV_HEADER = struct.Struct(">HH")  # tag, length
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


class Pdu(NamedTuple):
    """One PDU: its header's fields and its body (a named tuple: made several times for each
    message, it costs less than a frozen dataclass)."""

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


def parse_header(octets: bytes, offset: int = 0) -> tuple[int, int, int, int]:
    """(command_length, command_id, command_status, sequence_number) of the 16-octet header at
    `offset`."""
    length, command, status, sequence = HEADER.unpack_from(octets, offset)
    if not HEADER.size <= length <= MAX_PDU_LENGTH:
        raise PduError(f"command_length {length} is out of range")
    return length, command, status, sequence


class _Reader:
    """Reads the fields of a PDU body in order."""

    __slots__ = ("body", "position")

    def __init__(self, body: bytes) -> None:
        self.body, self.position = body, 0

    def cstring(self, max_length: int) -> str:
        start = self.position
        end = self.body.find(b"\x00", start, start + max_length)
        if end < 0:
            raise PduError(f"a C-octet string at {start} has no NUL within {max_length}")
        self.position = end + 1
        return self.body[start:end].decode("latin-1")

    def octet(self) -> int:
        if self.position >= len(self.body):
            raise PduError("the body ends before its last field")
        self.position += 1
        return self.body[self.position - 1]

    def octets(self, count: int) -> bytes:
        start = self.position
        self.position = end = start + count
        if end > len(self.body):
            raise PduError("the body ends inside a field")
        return self.body[start:end]

    def tlvs(self) -> dict[int, bytes]:
        """The TLVs that end the body, by tag."""
        body, position = self.body, self.position
        found: dict[int, bytes] = {}
        while position < len(body):
            if position + TLV_HEADER.size > len(body):
                raise PduError("the body ends inside a TLV's header")
            tag, length = TLV_HEADER.unpack_from(body, position)
            position += TLV_HEADER.size + length
            if position > len(body):
                raise PduError("the body ends inside a TLV")
            found[tag] = body[position - length : position]
        self.position = position
        return found


def _cstring(value: str) -> bytes:
    return value.encode("latin-1") + b"\x00"


def _tlvs(tlvs: dict[int, bytes]) -> bytes:
    return b"".join(TLV_HEADER.pack(tag, len(value)) + value for tag, value in tlvs.items())


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


@dataclass(slots=True)
class ShortMessage:
    """The body of submit_sm and deliver_sm, which share one layout (not frozen: made twice for
    each message, a frozen dataclass of 18 fields costs three times as much; treat it as a
    value all the same)."""

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
        return b"".join(
            (
                _cstring(self.service_type),
                bytes((self.source_addr_ton, self.source_addr_npi)),
                _cstring(self.source_addr),
                bytes((self.dest_addr_ton, self.dest_addr_npi)),
                _cstring(self.destination_addr),
                bytes((self.esm_class, self.protocol_id, self.priority_flag)),
                _cstring(self.schedule_delivery_time),
                _cstring(self.validity_period),
                bytes(
                    (
                        self.registered_delivery,
                        self.replace_if_present_flag,
                        self.data_coding,
                        self.sm_default_msg_id,
                        len(self.short_message),
                    )
                ),
                self.short_message,
                _tlvs(self.tlvs),
            )
        )

    @classmethod
    def decode(cls, body: bytes) -> ShortMessage:
        read = _Reader(body)  # the fields in order; a C-octet string of at most so many octets
        service_type = read.cstring(6)
        source_ton, source_npi = read.octets(2)
        source_addr = read.cstring(21)
        dest_ton, dest_npi = read.octets(2)
        destination_addr = read.cstring(21)
        esm_class, protocol_id, priority_flag = read.octets(3)
        schedule, validity = read.cstring(17), read.cstring(17)
        registered, replace, data_coding, default_msg_id = read.octets(4)
        return cls(
            service_type=service_type,
            source_addr_ton=source_ton,
            source_addr_npi=source_npi,
            source_addr=source_addr,
            dest_addr_ton=dest_ton,
            dest_addr_npi=dest_npi,
            destination_addr=destination_addr,
            esm_class=esm_class,
            protocol_id=protocol_id,
            priority_flag=priority_flag,
            schedule_delivery_time=schedule,
            validity_period=validity,
            registered_delivery=registered,
            replace_if_present_flag=replace,
            data_coding=data_coding,
            sm_default_msg_id=default_msg_id,
            short_message=read.octets(read.octet()),
            tlvs=read.tlvs(),
        )
