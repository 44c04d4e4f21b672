"""Reading what the SMSC delivers: receipts from their TLVs or their text, and replies from
phones, joined when they came in parts."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notification.sms.inbound import (
    Reassembler,
    is_receipt,
    make_receipt,
    normalise_phone,
    parse_receipt,
    read_part,
)
from services.notification.sms.pdu import ShortMessage, Tag
from services.notification.sms.provider import DeliveryState
from services.notification.sms.text import Concatenation, encode

AT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def receipt(text: str = "", tlvs: dict[int, bytes] | None = None) -> ShortMessage:
    return ShortMessage("106900001", text.encode(), "13800000001", esm_class=0x04, tlvs=tlvs or {})


def test_a_receipt_is_read_from_its_text() -> None:
    message = receipt(
        "id:a1b2 sub:001 dlvrd:001 submit date:2605010800 done date:2605010801 stat:DELIVRD "
        "err:000 text:【精准扶贫】"
    )
    assert is_receipt(message)
    found = parse_receipt(message, AT)
    assert found is not None
    assert (found.provider_id, found.state, found.error) == ("a1b2", DeliveryState.DELIVERED, "")


def test_the_tlvs_of_a_receipt_win_over_its_text() -> None:
    message = receipt(
        "id:ignored stat:DELIVRD",
        {Tag.RECEIPTED_MESSAGE_ID: b"c3d4\x00", Tag.MESSAGE_STATE: bytes([5])},
    )
    found = parse_receipt(message, AT)
    assert found is not None
    assert (found.provider_id, found.state) == ("c3d4", DeliveryState.FAILED)
    assert found.error.startswith("UNDELIV")


def test_the_receipt_the_simulator_makes_reads_back_as_its_outcome() -> None:
    for delivered, state in ((True, DeliveryState.DELIVERED), (False, DeliveryState.FAILED)):
        message = make_receipt("ab12", "13800000001", "106900001", delivered=delivered)
        found = parse_receipt(message, AT)
        assert found is not None and (found.provider_id, found.state) == ("ab12", state)
        assert b"id:ab12 " in message.short_message
        assert parse_receipt(ShortMessage("1", message.short_message, esm_class=4), AT) == found


def test_expired_and_rejected_receipts_are_final() -> None:
    expired = parse_receipt(receipt("id:9 stat:EXPIRED err:000"), AT)
    rejected = parse_receipt(receipt("id:9 stat:REJECTD err:045"), AT)
    assert expired is not None and expired.state is DeliveryState.EXPIRED
    assert rejected is not None and rejected.state is DeliveryState.FAILED
    assert rejected.error == "REJECTD err:045"


def test_an_intermediate_receipt_is_not_an_outcome() -> None:
    assert parse_receipt(receipt("id:9 stat:ENROUTE err:000"), AT) is None
    assert parse_receipt(receipt("stat:DELIVRD"), AT) is None  # no id: nothing to match


def test_a_reply_is_not_a_receipt() -> None:
    assert not is_receipt(ShortMessage("106900001", b"1", "13800000001"))


def test_the_country_code_is_taken_off_a_phone_number() -> None:
    assert normalise_phone("+8613800000001") == "13800000001"
    assert normalise_phone("008613800000001") == "13800000001"
    assert normalise_phone("13800000001") == "13800000001"
    assert normalise_phone("10086") == "10086"


def test_a_reply_in_parts_is_joined_whatever_order_the_parts_come_in() -> None:
    text = "收到，" * 40
    parts = [
        ShortMessage("106900001", part, "13800000001", esm_class=0x40, data_coding=8)
        for part in encode(text, reference=9).parts
    ]
    reassembler = Reassembler()
    results = [reassembler.add("13800000001", *read_part(p)) for p in reversed(parts)]
    assert results[:-1] == [None] * (len(parts) - 1)
    assert results[-1] == text


def test_a_whole_message_is_kept_until_handled_so_a_redelivered_part_completes_it_again() -> None:
    reassembler = Reassembler()
    reassembler.add("1380", Concatenation(3, 2, 1), "甲")
    assert reassembler.add("1380", Concatenation(3, 2, 2), "乙") == "甲乙"
    assert reassembler.add("1380", Concatenation(3, 2, 2), "乙") == "甲乙"  # handling failed
    reassembler.forget("1380", Concatenation(3, 2, 2))
    assert reassembler.add("1380", Concatenation(3, 2, 2), "乙") is None


def test_parts_announced_by_sar_tlvs_are_joined_too() -> None:
    def part(number: int, text: str) -> ShortMessage:
        tlvs = {
            Tag.SAR_MSG_REF_NUM: b"\x00\x07",
            Tag.SAR_TOTAL_SEGMENTS: b"\x02",
            Tag.SAR_SEGMENT_SEQNUM: bytes([number]),
        }
        return ShortMessage("106900001", text.encode("utf-16-be"), "1380", data_coding=8, tlvs=tlvs)

    reassembler = Reassembler()
    assert read_part(part(1, "同意"))[0] == Concatenation(7, 2, 1)
    assert reassembler.add("1380", *read_part(part(1, "同意"))) is None
    assert reassembler.add("1380", *read_part(part(2, "完成"))) == "同意完成"


def test_a_message_whose_parts_stop_coming_is_forgotten() -> None:
    now = [0.0]
    reassembler = Reassembler(ttl=60, clock=lambda: now[0])
    assert reassembler.add("1380", Concatenation(1, 2, 1), "甲") is None
    now[0] = 61.0
    assert reassembler.add("1380", Concatenation(1, 2, 2), "乙") is None


def test_a_part_numbered_beyond_its_total_reads_as_a_message_of_its_own() -> None:
    assert Reassembler().add("1380", Concatenation(1, 2, 3), "丙") == "丙"
