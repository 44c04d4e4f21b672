"""A person read from an import file with their identity number (and phone) encrypted and
indexed, and the members row written for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kit.id_numbers import birth_date_of, is_female, mask_id_number, mask_mobile
from kit.protection import random_bytes
from services.registry.household_rows import ParsedMember
from services.registry.members_service import EDITABLE
from services.registry.national_codes import MEMBER_FIELDS


@dataclass
class Protected:
    member: ParsedMember
    cipher: bytes
    index: bytes
    phone_cipher: bytes | None = None
    phone_index: bytes | None = None


def member_row(household_id: str, position: int, p: Protected) -> dict[str, Any]:
    number = p.member.id_number
    return {
        "id": random_bytes(16).hex(),
        "household_id": household_id,
        "position": position,
        "name": p.member.name,
        "id_number_cipher": p.cipher,
        "id_number_index": p.index,
        "id_number_masked": mask_id_number(number),
        "relation": p.member.relation,
        "sex": "female" if is_female(number) else "male",
        "birth_date": birth_date_of(number),
        **{name: getattr(p.member, name) for name in EDITABLE if name != "relation"},
        "phone_cipher": p.phone_cipher,
        "phone_index": p.phone_index,
        "phone_masked": mask_mobile(p.member.phone) if p.member.phone else "",
        **{spec.name: p.member.standard.get(spec.name) for spec in MEMBER_FIELDS},
    }
