"""Phone numbers of active users for the platform's own services (notification resolves the
recipients of a message with them): given users, or every holder of a role in a subtree —
only within the calling service client's territory, never for people or integrators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from kit.errors import InvalidArgument
from kit.principal import Principal
from services.identity import repository as repo
from services.identity.components import Components
from services.identity.user_service import UserService

DEFAULT_PAGE = 1000
MAX_PAGE = 5000
MAX_USER_IDS = 10_000


@dataclass(frozen=True)
class Contact:
    user_id: str
    mobile: str
    name: str
    region_code: str


class ContactsService:
    def __init__(self, components: Components, users: UserService) -> None:
        self.c = components
        self.users = users

    async def contacts(
        self,
        caller: Principal,
        *,
        user_ids: Sequence[str],
        role: str,
        region_code: str,
        page_size: int,
    ) -> AsyncIterator[list[Contact]]:
        """Pages of contacts; a region outside the caller's territory is not found."""
        if bool(user_ids) == bool(role) or len(user_ids) > MAX_USER_IDS:
            raise InvalidArgument(
                f"give either user_ids (at most {MAX_USER_IDS}) or a role",
                reason="INVALID_AUDIENCE",
            )
        if not 0 <= page_size <= MAX_PAGE:
            raise InvalidArgument(
                f"page_size must be between 1 and {MAX_PAGE}", reason="INVALID_PAGE_SIZE"
            )
        scope = region_code or caller.region_code
        self.users.require_region(caller, scope)
        async with self.c.db.read_only() as session:
            async for rows in repo.stream_contacts(
                session,
                region_code=scope,
                role=role,
                user_ids=list(dict.fromkeys(user_ids)),
                page=page_size or DEFAULT_PAGE,
            ):
                yield [Contact(*row) for row in rows]
