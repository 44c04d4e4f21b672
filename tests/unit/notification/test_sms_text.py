"""The text rules of an SMS: templates and signature, UCS-2 parts of 70 / 67 code units with a
concatenation header, characters outside the BMP kept whole, and the length refused early."""

from __future__ import annotations

import pytest

from kit.errors import InvalidArgument
from services.notification.sms.text import (
    ESM_CLASS_UDHI,
    Concatenation,
    Template,
    check_length,
    decode_text,
    encode,
    is_concatenated,
    split_udh,
)

HAN = "扶"


def test_rendered_template_carries_the_signature_in_front() -> None:
    template = Template("task", "{name}同志：您有新任务{task}。")
    text = template.render({"name": "王芳", "task": "走访"}, "精准扶贫")
    assert text == "【精准扶贫】王芳同志：您有新任务走访。"


def test_rendering_refuses_a_missing_variable() -> None:
    template = Template("task", "{name}同志：您有新任务{task}。")
    with pytest.raises(InvalidArgument) as refused:
        template.render({"name": "王芳"}, "精准扶贫")
    assert refused.value.reason == "TEMPLATE_VARIABLE_MISSING"
    assert [v.field for v in refused.value.violations] == ["task"]


def test_a_template_with_anything_but_plain_variable_names_is_refused() -> None:
    with pytest.raises(ValueError, match="plain variable"):
        Template("bad", "{user.name}您好")


def test_seventy_characters_go_in_one_ucs2_message_without_header() -> None:
    encoded = encode(HAN * 70, reference=7)
    assert encoded.esm_class == 0
    assert encoded.data_coding == 8
    assert encoded.parts == [(HAN * 70).encode("utf-16-be")]


def test_seventy_one_characters_go_in_two_parts_of_at_most_67_with_a_udh() -> None:
    encoded = encode(HAN * 71, reference=0x1A5)
    assert encoded.esm_class == ESM_CLASS_UDHI
    headers = [split_udh(part) for part in encoded.parts]
    assert [h for h, _ in headers] == [Concatenation(0xA5, 2, 1), Concatenation(0xA5, 2, 2)]
    assert [decode_text(payload, 8) for _, payload in headers] == [HAN * 67, HAN * 4]
    assert encoded.parts[0][:6] == bytes([5, 0x00, 3, 0xA5, 2, 1])
    assert all(len(part) <= 140 for part in encoded.parts)


def test_a_16_bit_reference_leaves_66_characters_a_part() -> None:
    encoded = encode(HAN * 100, reference=0x1234, wide_reference=True)
    assert encoded.parts[0][:7] == bytes([6, 0x08, 4, 0x12, 0x34, 2, 1])
    assert [decode_text(split_udh(p)[1], 8) for p in encoded.parts] == [HAN * 66, HAN * 34]


def test_a_character_outside_the_bmp_counts_twice_and_is_never_cut_in_half() -> None:
    text = HAN * 66 + "😀" + HAN * 10  # the emoji's pair would straddle units 67 and 68
    encoded = encode(text, reference=1)
    pieces = [split_udh(part)[1] for part in encoded.parts]
    assert [decode_text(p, 8) for p in pieces] == [HAN * 66, "😀" + HAN * 10]
    assert "".join(decode_text(p, 8) for p in pieces) == text


def test_sixty_nine_characters_and_an_emoji_need_two_parts() -> None:
    assert check_length(HAN * 69 + "😀") == 2
    assert check_length(HAN * 68 + "😀") == 1


def test_ten_parts_are_allowed_and_an_eleventh_is_refused_before_sending() -> None:
    assert check_length(HAN * 670) == 10
    with pytest.raises(InvalidArgument) as refused:
        encode(HAN * 671, reference=1)
    assert refused.value.reason == "MESSAGE_TOO_LONG"


def test_sixty_eight_characters_and_an_emoji_go_in_one_part() -> None:
    assert encode(HAN * 68 + "😀", reference=1).parts == [(HAN * 68 + "😀").encode("utf-16-be")]
    assert len(encode(HAN * 69 + "😀", reference=1).parts) == 2


def test_an_empty_message_is_refused() -> None:
    for refuse in (check_length, lambda text: encode(text, reference=1)):
        with pytest.raises(InvalidArgument) as refused:
            refuse("")
        assert refused.value.reason == "MESSAGE_EMPTY"


def test_a_short_message_in_the_default_alphabet_reads_as_ascii() -> None:
    assert decode_text(b"1 OK", 0) == "1 OK"
    assert split_udh(bytes([0])) == (None, b"")


def test_a_text_is_concatenated_past_seventy_units_surrogate_pairs_counting_twice() -> None:
    assert not is_concatenated("字" * 70)
    assert is_concatenated("字" * 71)
    assert not is_concatenated("😀" * 35)
    assert is_concatenated("😀" * 35 + "字")
