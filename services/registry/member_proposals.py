"""Members in a helper's proposal: checked when proposed and again when approved, then applied
through the officers' own path (members_service). A proposed member's identity number is kept
only encrypted, with its masked form beside it; a proposal never shows it in full."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidArgument
from services.registry.components import ID_NUMBER_FIELD, PHONE_FIELD
from services.registry.households_service import HouseholdsService, NewMember
from services.registry.members_service import (
    add_member,
    checked_member,
    checked_new_member,
    update_member,
)
from services.registry.models import Household

CIPHER = "id_number_cipher"
PHONE_CIPHER = "phone_cipher"


@dataclass(frozen=True)
class MemberChange:
    member_id: str
    changes: dict[str, str]


async def member_parts(
    session: AsyncSession,
    households: HouseholdsService,
    household: Household,
    new_member: NewMember | None,
    member_change: MemberChange | None,
) -> dict[str, Any]:
    """The proposal's member parts, as stored, once every rule of a direct edit holds."""
    parts: dict[str, Any] = {}
    if new_member is not None:
        member = await checked_new_member(session, households, household, new_member)
        parts["new_member"] = {
            **asdict(new_member),
            "id_number": member.id_number_masked,
            "phone": member.phone_masked,
            CIPHER: base64.b64encode(member.id_number_cipher).decode(),
            PHONE_CIPHER: base64.b64encode(member.phone_cipher or b"").decode(),
        }
    if member_change is not None:
        if not member_change.changes:
            raise InvalidArgument(
                "a member change must change at least one field", reason="EMPTY_PROPOSAL"
            )
        await checked_member(session, household, member_change.member_id, member_change.changes)
        parts["member_change"] = {"member_id": member_change.member_id, **member_change.changes}
    return parts


async def apply_member_parts(
    session: AsyncSession,
    households: HouseholdsService,
    household: Household,
    proposal: dict[str, Any],
    actor_id: str,
    reason: str,
    *,
    proposed_by: str = "",
) -> None:
    """An approved proposal's members, checked again: the person may be registered by now."""
    if proposal.get("new_member"):
        stored = dict(proposal["new_member"])
        cipher = base64.b64decode(stored.pop(CIPHER))
        stored["id_number"] = households.c.protector.decrypt(cipher, ID_NUMBER_FIELD)
        phone = base64.b64decode(stored.pop(PHONE_CIPHER, ""))
        stored["phone"] = households.c.protector.decrypt(phone, PHONE_FIELD) if phone else ""
        new = NewMember(**stored)
        await add_member(
            session, households, household, new, actor_id, reason, proposed_by=proposed_by
        )
    if proposal.get("member_change"):
        changes = dict(proposal["member_change"])
        member_id = changes.pop("member_id")
        await update_member(
            session, household, member_id, changes, actor_id, reason, proposed_by=proposed_by
        )


def shown_changes(changes: str) -> str:
    """A proposal as it leaves the registry: a new member's identity number masked only."""
    proposal = json.loads(changes)
    if proposal.get("new_member"):
        proposal["new_member"] = {
            k: v for k, v in proposal["new_member"].items() if k not in (CIPHER, PHONE_CIPHER)
        }
    return json.dumps(proposal, ensure_ascii=False)
