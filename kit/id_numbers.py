"""Resident identity card numbers (GB 11643-1999): validation with the ISO 7064 MOD 11-2
check digit, the birth date and sex they carry, and masking (6 + **** + 4).

Every service that stores people (registry members, trainees, leader candidates) uses these;
the number itself is stored only encrypted (kit.protection). Mobile numbers, the other personal
datum people are found by, are checked and masked (3 + **** + 4) here too."""

from __future__ import annotations

from datetime import date
from operator import mul

from kit.errors import FieldViolation, InvalidArgument

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first_17: str) -> str:
    if len(first_17) != len(WEIGHTS):
        raise ValueError("17 digits")
    return CHECK_CHARACTERS[sum(map(mul, map(int, first_17), WEIGHTS)) % 11]


def birth_date_of(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_female(number: str) -> bool:
    return int(number[16]) % 2 == 0


def normalize_id_number(value: str, *, field: str = "id_number", today: date | None = None) -> str:
    """The number in canonical form (upper-case X), or InvalidArgument saying what is wrong."""
    number = value.strip().upper()

    def invalid(description: str) -> InvalidArgument:
        return InvalidArgument(
            f"{field} is not a valid resident identity number: {description}",
            reason="INVALID_ID_NUMBER",
            violations=[FieldViolation(field, description)],
        )

    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise invalid("18 characters: 17 digits and a digit or X")
    try:
        born = birth_date_of(number)
    except ValueError as exc:
        raise invalid("the birth date in it does not exist") from exc
    if born.year < 1900 or born > (today or date.today()):
        raise invalid("the birth date in it is out of range")
    if check_character(number[:17]) != number[17]:
        raise invalid("the check digit does not match")
    return number


def mask_id_number(number: str) -> str:
    return (
        f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
        if len(number) > 10
        else "*" * len(number)
    )


def normalize_mobile(value: str, *, field: str = "phone") -> str:
    """An 11-digit mainland mobile number (spaces, dashes and a +86 prefix dropped)."""
    number = "".join(ch for ch in value if ch.isdigit())
    if number.startswith("86") and len(number) == 13:
        number = number[2:]
    if len(number) != 11 or number[0] != "1" or number[1] not in "3456789":
        raise InvalidArgument(
            f"{field} is not a mainland mobile number",
            reason="INVALID_PHONE",
            violations=[FieldViolation(field, "11 digits starting 13-19")],
        )
    return number


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 7 else "****"
