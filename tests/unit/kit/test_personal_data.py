"""Resident identity numbers and the protection of personal data at rest."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.exceptions import InvalidTag

from kit.errors import InvalidArgument
from kit.id_numbers import (
    birth_date_of,
    is_female,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
)
from kit.protection import FieldProtector, derive_key

VALID = "11010519491231002X"  # the standard's own example


def test_a_valid_number_is_accepted_and_tells_birth_date_and_sex() -> None:
    assert normalize_id_number(" 11010519491231002x ") == VALID
    assert birth_date_of(VALID) == date(1949, 12, 31)
    assert is_female(VALID)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491331002X", "birth date"),
        ("1101051949123100", "18 characters"),
        ("11010520991231002X", "out of range"),
        ("A1010519491231002X", "18 characters"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(number: str, problem: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        normalize_id_number(number, today=date(2026, 11, 22))
    assert problem in raised.value.violations[0].description


def test_numbers_are_masked_six_stars_four_and_mobiles_three_stars_four() -> None:
    assert mask_id_number(VALID) == "110105********002X"
    assert mask_mobile("13812345678") == "138****5678"


def test_encrypted_values_round_trip_and_stay_bound_to_their_field() -> None:
    protector = FieldProtector.from_secrets("encryption secret", "index secret")
    sealed = protector.encrypt(VALID, "member.id_number")
    assert VALID.encode() not in sealed
    assert protector.decrypt(sealed, "member.id_number") == VALID
    assert protector.encrypt(VALID, "member.id_number") != sealed  # a fresh nonce each time
    with pytest.raises(InvalidTag):
        protector.decrypt(sealed, "member.phone")


def test_the_blind_index_finds_equal_values_without_revealing_them() -> None:
    protector = FieldProtector.from_secrets("encryption secret", "index secret")
    other = FieldProtector.from_secrets("encryption secret", "another index secret")
    index = protector.blind_index(VALID, "member.id_number")
    assert index == protector.blind_index(VALID, "member.id_number")
    assert index != protector.blind_index("110105194912310037", "member.id_number")
    assert index != other.blind_index(VALID, "member.id_number")


def test_rotated_keys_keep_old_rows_readable() -> None:
    old_key, new_key, index_key = (
        derive_key("a", "encrypt"),
        derive_key("b", "encrypt"),
        derive_key("c", "index"),
    )
    before = FieldProtector({1: old_key}, 1, index_key).encrypt(VALID, "f")
    after = FieldProtector({1: old_key, 2: new_key}, 2, index_key)
    assert after.decrypt(before, "f") == VALID
    assert after.encrypt(VALID, "f")[0] == 2
