"""The QR code on a household's door: a link signed by the registry, so that only households
it printed can be looked up without logging in, and the public summary it shows — nothing
personal (no names, identity numbers, phones, incomes or health)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from kit.errors import NotFound
from services.registry import repository as repo
from services.registry.components import Components


@dataclass(frozen=True)
class PublicSummary:
    household_id: str
    number: str
    village_code: str
    status: str
    attribute: str
    assistance_category: str
    members: int
    helpers: int


class PublicLinks:
    def __init__(self, components: Components, key: bytes) -> None:
        self.c = components
        self._key = key

    def token_for(self, household_id: str) -> str:
        signature = hmac.new(self._key, household_id.encode(), hashlib.sha256).digest()[:12]
        return f"{household_id}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"

    async def summary(self, token: str) -> PublicSummary:
        household_id, _, _ = token.partition(".")
        if not hmac.compare_digest(self.token_for(household_id), token):
            raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
        async with self.c.db.read_only() as session:
            household = await repo.get_household(session, household_id)
            if household is None:
                raise NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")
            members = len((await repo.members_of(session, [household_id]))[household_id])
            helpers = await repo.helper_count(session, household_id)
        return PublicSummary(
            household_id=household.id,
            number=household.number,
            village_code=household.village_code,
            status=household.status,
            attribute=household.attribute,
            assistance_category=household.assistance_category or "",
            members=members,
            helpers=helpers,
        )
