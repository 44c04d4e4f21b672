"""The bank account a household's subsidies are paid into (一卡通/惠农卡): digits only, kept
encrypted (kit.protection, like identity numbers) and shown masked."""

from __future__ import annotations

from kit.errors import FieldViolation, InvalidArgument

BANK_ACCOUNT_FIELD = "household.bank_account"


def normalize_bank_account(value: str, *, field: str = "bank_account") -> str:
    digits = value.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 30):
        raise InvalidArgument(
            f"{field} must be 12 to 30 digits",
            reason="INVALID_BANK_ACCOUNT",
            violations=[FieldViolation(field, "12 to 30 digits")],
        )
    return digits


def mask_bank_account(account: str) -> str:
    return f"{account[:4]}****{account[-4:]}"
