"""Division codes: levels, prefixes, subtrees and re-coding."""

import itertools
import re

import pytest

from kit.territory import (
    CODE_PATTERN,
    Level,
    ancestor_codes,
    is_valid_code,
    is_within,
    level_of,
    parent_code,
    recode,
    subtree_range,
)

JINAN = "370100000000"
LIXIA = "370102000000"
TOWN = "370102001000"
VILLAGE = "370102001001"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("370000000000", Level.PROVINCE),
        (JINAN, Level.CITY),
        (LIXIA, Level.COUNTY),
        (TOWN, Level.TOWN),
        (VILLAGE, Level.VILLAGE),
    ],
)
def test_each_code_has_the_level_its_zero_suffix_says(code: str, level: Level) -> None:
    assert level_of(code) is level


@pytest.mark.parametrize(
    "code", ["37010200100", "3701020010011", "37010a001001", "370001000000", "000000000000"]
)
def test_malformed_codes_are_rejected(code: str) -> None:
    assert not is_valid_code(code)


def test_a_village_lies_within_its_town_county_city_and_province_but_not_a_neighbour() -> None:
    for scope in ("370000000000", JINAN, LIXIA, TOWN, VILLAGE):
        assert is_within(VILLAGE, scope)
    assert not is_within(VILLAGE, "370103000000")
    assert not is_within(LIXIA, VILLAGE)


def test_city_3701_does_not_contain_a_county_of_city_3710_sharing_the_digit_prefix() -> None:
    assert not is_within("371001000000", "370100000000")


def test_parent_and_ancestors_follow_the_code_segments() -> None:
    assert parent_code(VILLAGE) == TOWN
    assert parent_code("370000000000") is None
    assert ancestor_codes(VILLAGE) == ["370000000000", JINAN, LIXIA, TOWN]


def test_subtree_range_bounds_exactly_the_subtree() -> None:
    low, high = subtree_range(LIXIA)
    assert low <= VILLAGE <= high
    assert not (low <= "370103000000" <= high)
    assert not (low <= "370101999999" <= high)


def test_recoding_replaces_the_significant_prefix() -> None:
    assert recode("371202001001", "371202", "370116") == "370116001001"
    with pytest.raises(ValueError):
        recode("371203001001", "371202", "370116")


def test_the_code_pattern_accepts_exactly_the_valid_codes() -> None:
    """Every code of the digits 0, 1 and 9 in each place (3^12 = 531,441 codes: each segment
    all zeros, partly zero or not at all), judged alike by the pattern and the function."""
    pattern = re.compile(CODE_PATTERN)
    disagree = [
        code
        for code in ("".join(digits) for digits in itertools.product("019", repeat=12))
        if bool(pattern.fullmatch(code)) != is_valid_code(code)
    ]
    assert disagree == []
