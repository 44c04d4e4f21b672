"""The SMPP 3.4 codec: headers, C-octet strings, TLVs, and the PDUs the platform speaks."""

from __future__ import annotations

import pytest

from services.notification.sms.pdu import (
    Bind,
    Command,
    Pdu,
    PduError,
    ShortMessage,
    Status,
    Tag,
    decode_id,
    encode_id,
    parse_header,
    status_name,
)


def test_enquire_link_is_a_bare_16_octet_header() -> None:
    octets = Pdu(Command.ENQUIRE_LINK, 7).encode()
    assert octets.hex() == "00000010000000150000000000000007"
    assert parse_header(octets) == (16, 0x15, 0, 7)


def test_bind_transceiver_body_follows_the_specification_layout() -> None:
    body = Bind("jingzhun", "secret", "SMS").encode()
    assert body == b"jingzhun\x00secret\x00SMS\x00\x34\x00\x00\x00"
    assert Bind.decode(body) == Bind("jingzhun", "secret", "SMS")


def test_submit_sm_survives_encoding_and_decoding_with_its_tlvs() -> None:
    message = ShortMessage(
        destination_addr="13800000001",
        short_message="你好".encode("utf-16-be"),
        source_addr="106900001",
        dest_addr_ton=2,
        dest_addr_npi=1,
        esm_class=0x40,
        registered_delivery=1,
        data_coding=8,
        tlvs={Tag.SAR_MSG_REF_NUM: b"\x00\x2a"},
    )
    body = message.encode()
    assert body[:1] == b"\x00"  # the empty service_type
    assert ShortMessage.decode(body) == message


def test_a_short_message_longer_than_254_octets_is_refused() -> None:
    with pytest.raises(PduError):
        ShortMessage("13800000001", short_message=bytes(255)).encode()


def test_a_c_octet_string_without_its_nul_is_refused_as_invalid_length() -> None:
    with pytest.raises(PduError) as refused:
        Bind.decode(b"x" * 40)
    assert refused.value.status == Status.RINVCMDLEN


def test_a_body_cut_short_is_refused() -> None:
    body = ShortMessage("13800000001", short_message=b"abc").encode()
    with pytest.raises(PduError):
        ShortMessage.decode(body[:-2])


def test_a_header_announcing_an_impossible_length_is_refused() -> None:
    with pytest.raises(PduError):
        parse_header(bytes.fromhex("00000008000000150000000000000001"))
    with pytest.raises(PduError):
        parse_header(bytes.fromhex("7fffffff000000040000000000000001"))


def test_message_ids_travel_as_c_octet_strings_and_an_error_may_come_without_one() -> None:
    assert decode_id(encode_id("abc123")) == "abc123"
    assert decode_id(b"") == ""


def test_statuses_are_named_for_the_logs() -> None:
    assert status_name(0x58) == "ESME_RTHROTTLED (0x58)"
    assert status_name(0x401) == "0x00000401"
