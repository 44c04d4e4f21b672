"""The text rules of a Chinese SMS: templates with named variables and the platform's signature,
UCS-2 encoding (data_coding 8), segmentation into concatenated parts with a UDH, the length
checked before sending, and the way back (decoding a short message and its UDH)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from kit.errors import FieldViolation, InvalidArgument

DATA_CODING_DEFAULT = 0  # the SMSC's default alphabet; read as ASCII / Latin-1 here
DATA_CODING_LATIN1 = 3
DATA_CODING_UCS2 = 8
ESM_CLASS_UDHI = 0x40  # the short message begins with a user data header
SINGLE_LIMIT = 70  # UCS-2 code units in a message that stands alone
SEGMENT_LIMIT = 67  # ... in one part when a 6-octet UDH (8-bit reference) takes its place
WIDE_SEGMENT_LIMIT = 66  # ... when a 7-octet UDH (16-bit reference) does
DEFAULT_MAX_SEGMENTS = 10
IE_CONCAT_8BIT = 0x00
IE_CONCAT_16BIT = 0x08


def sign(text: str, signature: str) -> str:
    """The text with the platform's signature in front, the way Chinese carriers require it."""
    return f"【{signature}】{text}" if signature else text


@dataclass(frozen=True)
class Template:
    """An approved message text with `{name}` variables, e.g. `{name}同志：您有新任务{task}。`."""

    code: str
    body: str

    def __post_init__(self) -> None:
        for name in self.variables():
            if not name.isidentifier():
                raise ValueError(f"template {self.code}: {{{name}}} is not a plain variable name")

    def variables(self) -> list[str]:
        fields = string.Formatter().parse(self.body)
        return [name for _, name, _, _ in fields if name is not None]

    def render(self, values: Mapping[str, object], signature: str) -> str:
        """The signed text; refuses to send a message with a variable left out."""
        missing = [name for name in self.variables() if name not in values]
        if missing:
            raise InvalidArgument(
                f"template {self.code} needs {', '.join(missing)}",
                reason="TEMPLATE_VARIABLE_MISSING",
                violations=[FieldViolation(name, "missing") for name in missing],
            )
        return sign(self.body.format_map({k: str(v) for k, v in values.items()}), signature)


@dataclass(frozen=True)
class EncodedSms:
    """What goes into the submit_sm PDUs of one message: one short_message per part."""

    parts: list[bytes]
    esm_class: int
    data_coding: int = DATA_CODING_UCS2


def units(char: str) -> int:
    """UCS-2 code units of one character: two (a surrogate pair) outside the BMP."""
    return 2 if ord(char) > 0xFFFF else 1


def _chunks(text: str, limit: int) -> list[str]:
    """The text cut into pieces of at most `limit` code units, never inside a surrogate pair."""
    pieces: list[str] = []
    start, used = 0, 0
    for index, char in enumerate(text):
        if used + units(char) > limit:
            pieces.append(text[start:index])
            start, used = index, 0
        used += units(char)
    pieces.append(text[start:])
    return pieces


def split_text(text: str, *, wide_reference: bool = False) -> list[str]:
    """The text as its parts: one when it fits in 70 units, else parts of at most 67 (or 66)."""
    length = len(text.encode("utf-16-be")) // 2  # UCS-2 code units
    if length <= SINGLE_LIMIT:
        return [text]
    limit = WIDE_SEGMENT_LIMIT if wide_reference else SEGMENT_LIMIT
    if length == len(text):  # no surrogate pair to keep whole
        return [text[start : start + limit] for start in range(0, length, limit)]
    return _chunks(text, limit)


def is_concatenated(text: str) -> bool:
    """Whether the text goes in several parts (more than 70 UCS-2 code units)."""
    if len(text) > SINGLE_LIMIT:
        return True
    # Two units at most a character: only a text of more than 35 may need a look at its pairs.
    return 2 * len(text) > SINGLE_LIMIT and len(text.encode("utf-16-be")) > 2 * SINGLE_LIMIT


def check_length(
    text: str, max_segments: int = DEFAULT_MAX_SEGMENTS, *, wide_reference: bool = False
) -> int:
    """The number of parts the text needs; refuses an empty text or one longer than allowed."""
    return len(_checked_parts(text, max_segments, wide_reference))


def _checked_parts(text: str, max_segments: int, wide_reference: bool) -> list[str]:
    if not text:
        raise InvalidArgument("the message is empty", reason="MESSAGE_EMPTY")
    pieces = split_text(text, wide_reference=wide_reference)
    if len(pieces) > max_segments:
        raise InvalidArgument(
            f"the message needs {len(pieces)} parts; at most {max_segments} are allowed",
            reason="MESSAGE_TOO_LONG",
        )
    return pieces


def concatenation_header(reference: int, total: int, number: int, *, wide: bool) -> bytes:
    """The UDH of part `number` (from 1) of `total` with the message's reference number."""
    if wide:
        return (
            bytes([6, IE_CONCAT_16BIT, 4])
            + (reference & 0xFFFF).to_bytes(2)
            + bytes([total, number])
        )
    return bytes([5, IE_CONCAT_8BIT, 3, reference & 0xFF, total, number])


def encode(
    text: str,
    reference: int,
    *,
    max_segments: int = DEFAULT_MAX_SEGMENTS,
    wide_reference: bool = False,
) -> EncodedSms:
    """The UCS-2 parts of the text, each with its UDH when there is more than one."""
    whole = text.encode("utf-16-be")  # two octets a code unit
    if 0 < len(whole) <= 2 * SINGLE_LIMIT and max_segments >= 1:  # most messages: one part
        return EncodedSms([whole], esm_class=0)
    pieces = _checked_parts(text, max_segments, wide_reference)
    parts = [
        concatenation_header(reference, len(pieces), number, wide=wide_reference)
        + piece.encode("utf-16-be")
        for number, piece in enumerate(pieces, start=1)
    ]
    return EncodedSms(parts, esm_class=ESM_CLASS_UDHI)


@dataclass(frozen=True)
class Concatenation:
    """Where a part belongs: the message's reference, how many parts, and which one (from 1)."""

    reference: int
    total: int
    number: int


def split_udh(short_message: bytes) -> tuple[Concatenation | None, bytes]:
    """The concatenation information of a UDH (if it has one) and the text's octets after it."""
    if not short_message:
        return None, b""
    end = 1 + short_message[0]
    header, payload = short_message[1:end], short_message[end:]
    position = 0
    while position + 2 <= len(header):
        tag, length = header[position], header[position + 1]
        value = header[position + 2 : position + 2 + length]
        if tag == IE_CONCAT_8BIT and length == 3:
            return Concatenation(value[0], value[1], value[2]), payload
        if tag == IE_CONCAT_16BIT and length == 4:
            return Concatenation(int.from_bytes(value[:2]), value[2], value[3]), payload
        position += 2 + length
    return None, payload


def decode_text(octets: bytes, data_coding: int) -> str:
    """The characters of a short message: UCS-2 (with surrogate pairs) or ASCII / Latin-1."""
    if data_coding == DATA_CODING_UCS2:
        return octets.decode("utf-16-be", errors="replace")
    return octets.decode("latin-1")
