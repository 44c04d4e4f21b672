"""Reading the audit trail: inspectors and administrators see the records of their subtree."""

from __future__ import annotations

from kit.principal import Principal
from services.identity import repository as repo
from services.identity.components import Components
from services.identity.models import AuditRecord
from services.identity.user_service import UserService


class AuditService:
    def __init__(self, components: Components, users: UserService) -> None:
        self.c = components
        self.users = users

    async def list_records(
        self,
        caller: Principal,
        *,
        region_code: str,
        action: str,
        actor_id: str,
        target_id: str,
        before_id: int | None,
        limit: int,
    ) -> list[AuditRecord]:
        scope = region_code or caller.region_code
        self.users.require_region(caller, scope)
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_audit(
                    session,
                    region_code=scope,
                    action=action or None,
                    actor_id=actor_id or None,
                    target_id=target_id or None,
                    before_id=before_id,
                    limit=limit,
                )
            )
