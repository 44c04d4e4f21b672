"""Division codes (统计用区划代码, `PP CC DD TTT VVV`): levels, significant prefixes, subtrees.

A region's subtree is every code that starts with its significant prefix. These are pure string
operations (about a microsecond each), which is why the territory test never goes through Casbin.
"""

from __future__ import annotations

from enum import IntEnum

CODE_LENGTH = 12


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWN = 4
    VILLAGE = 5


# Length of the significant prefix at each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
}


# (start, end) of each level's segment in a code.
SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))


def _nonzero(digits: int) -> str:
    """A regex for `digits` digits that are not all zeros."""
    if digits == 1:
        return "[1-9]"
    return f"(?:0{_nonzero(digits - 1)}|[1-9]\\d{{{digits - 1}}})"


def _code_pattern(segments: tuple[tuple[int, int], ...]) -> str:
    (start, end), *rest = segments
    own = _nonzero(end - start)
    if not rest:
        return own
    return f"{own}(?:0{{{CODE_LENGTH - end}}}|{_code_pattern(tuple(rest))})"


# `is_valid_code` as a regular expression (no look-arounds: pydantic's and ECMA-262's engines
# both read it), for the OpenAPI document and the gateway's validation of every code field.
CODE_PATTERN = _code_pattern(SEGMENTS)


def is_valid_code(code: str) -> bool:
    """Twelve digits, and no segment down to the code's own level is all zeros."""
    if len(code) != CODE_LENGTH or not code.isdigit():
        return False
    return all(code[a:b].strip("0") for a, b in SEGMENTS[: level_of(code)])


def level_of(code: str) -> Level:
    if code[2:] == "0000000000":
        return Level.PROVINCE
    if code[4:] == "00000000":
        return Level.CITY
    if code[6:] == "000000":
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWN
    return Level.VILLAGE


def significant_prefix(code: str) -> str:
    return code[: PREFIX_LENGTH[level_of(code)]]


def code_from_prefix(prefix: str) -> str:
    return prefix.ljust(CODE_LENGTH, "0")


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level is Level.PROVINCE:
        return None
    return code_from_prefix(code[: PREFIX_LENGTH[Level(level - 1)]])


def ancestor_codes(code: str) -> list[str]:
    """Codes of every ancestor, province first, excluding the region itself."""
    level = level_of(code)
    return [code_from_prefix(code[: PREFIX_LENGTH[lvl]]) for lvl in Level if lvl < level]


def is_within(code: str, scope_code: str) -> bool:
    """True when `code` lies in the subtree of `scope_code` (a region is within itself)."""
    return code.startswith(significant_prefix(scope_code))


def subtree_range(scope_code: str) -> tuple[str, str]:
    """Inclusive (low, high) bounds of the subtree's codes, for an index range scan.

    A range predicate keeps the btree usable in prepared statements, where `LIKE :p || '%'`
    falls back to a sequential scan (BASELINES.md).
    """
    prefix = significant_prefix(scope_code)
    pad = CODE_LENGTH - len(prefix)
    return prefix + "0" * pad, prefix + "9" * pad


def recode(code: str, old_prefix: str, new_prefix: str) -> str:
    """The code `code` takes when the subtree at `old_prefix` moves to `new_prefix`."""
    if not code.startswith(old_prefix) or len(old_prefix) != len(new_prefix):
        raise ValueError(f"{code} is not under {old_prefix} or the prefixes differ in length")
    return new_prefix + code[len(old_prefix) :]
