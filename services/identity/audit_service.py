"""The one audit log: every service's `<service>.audit.recorded` events appended to the hash
chain, its verification, and reading it: inspectors (and administrators, secretaries) see the
records of their subtree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2
from kit.clock import aware
from kit.db import Database, lock_for_transaction
from kit.principal import Principal
from services.identity import repository as repo
from services.identity.audit_chain import GENESIS, Break, chain_hash, check_link
from services.identity.components import Components
from services.identity.domain import AuditFilters
from services.identity.models import AuditRecord
from services.identity.user_service import UserService

CHAIN_LOCK = "audit-chain"
VERIFY_PAGE = 1000


@dataclass(frozen=True)
class Verification:
    records: int  # verified before the break, or all of them
    head_id: int  # the last verified record's id (0: none)
    head_hash: str
    broken: Break | None


async def append(
    session: AsyncSession, service: str, event_id: str, event: events_pb2.AuditRecorded
) -> AuditRecord:
    """Append one act at the head of the chain. The chain's lock (PostgreSQL) makes appenders
    take turns until they commit; the unique `prev_hash` refuses a second successor of one
    record wherever a turn was not taken (the consumer then retries on the new head)."""
    await lock_for_transaction(session, CHAIN_LOCK)
    head = await repo.last_audit(session)
    record = AuditRecord(
        id=(head.id or 0) + 1 if head else 1,
        at=aware(event.at.ToDatetime()),
        service=service,
        event_id=event_id,
        actor_id=event.actor_id,
        action=event.action,
        target_id=event.target_id,
        region_code=event.region_code,
        detail=event.detail or "{}",
        client_ip=event.client_ip,
        prev_hash=head.hash if head else GENESIS,
        hash="",
    )
    record.hash = chain_hash(record.prev_hash, record)
    session.add(record)
    return record


async def verify(db: Database) -> Verification:
    """Walk the whole chain from its first record; stop at the first broken one."""
    count, head_id, head_hash = 0, 0, GENESIS
    async with db.read_only() as session:
        while page := await repo.audit_chain_page(session, head_id, VERIFY_PAGE):
            for record in page:
                broken = check_link(record, head_hash)
                if broken is not None:
                    return Verification(count, head_id, head_hash, broken)
                count, head_id, head_hash = count + 1, record.id or 0, record.hash
    return Verification(count, head_id, head_hash, None)


class AuditService:
    def __init__(self, components: Components, users: UserService) -> None:
        self.c = components
        self.users = users

    async def list_records(
        self,
        caller: Principal,
        *,
        region_code: str,
        filters: AuditFilters,
        before_id: int | None,
        limit: int,
    ) -> list[AuditRecord]:
        scope = region_code or caller.region_code
        self.users.require_region(caller, scope)
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_audit(
                    session, region_code=scope, filters=filters, before_id=before_id, limit=limit
                )
            )
