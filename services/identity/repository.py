"""Every SQL statement of identity. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime

from sqlalchemy import Row, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.identity.domain import AuditFilters
from services.identity.models import (
    AuditRecord,
    Client,
    DivisionChangeRecord,
    RefreshToken,
    Region,
    Session,
    User,
    UserRole,
)

SERVICE = "identity"

# ------------------------------------------------------------------ regions


async def count_regions(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(Region))).one()


async def insert_regions(session: AsyncSession, rows: Sequence[dict]) -> None:
    """Bulk insert (executemany), never ORM objects one by one."""
    if rows:
        await session.exec(insert(Region), params=list(rows))  # type: ignore[call-overload]


async def all_regions(session: AsyncSession) -> Sequence[Region]:
    return (await session.exec(select(Region))).all()


async def regions_in_subtree(session: AsyncSession, code: str) -> Sequence[Region]:
    statement = select(Region).where(
        in_subtree(col(Region.code), code), col(Region.retired).is_(False)
    )
    return (await session.exec(statement)).all()


async def get_region(session: AsyncSession, code: str) -> Region | None:
    return await session.get(Region, code)


async def latest_division_seq(session: AsyncSession) -> int:
    return (await session.exec(select(func.coalesce(func.max(DivisionChangeRecord.seq), 0)))).one()


async def list_division_changes(
    session: AsyncSession, *, before_seq: int | None, limit: int
) -> Sequence[DivisionChangeRecord]:
    statement = (
        select(DivisionChangeRecord).order_by(col(DivisionChangeRecord.seq).desc()).limit(limit)
    )
    if before_seq is not None:
        statement = statement.where(col(DivisionChangeRecord.seq) < before_seq)
    return (await session.exec(statement)).all()


# ------------------------------------------------------------------ users


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_mobile(session: AsyncSession, mobile: str) -> User | None:
    return (await session.exec(select(User).where(User.mobile == mobile))).first()


async def claim_login_attempt(
    session: AsyncSession, user: User, threshold: int, now: datetime
) -> int | None:
    """Count one more guess at this account's password BEFORE it is checked, in one
    conditional UPDATE (the row stays locked until the transaction ends, so concurrent logins
    take turns): the failures in a row so far including this guess, or None when the account
    is locked or has had its `threshold` guesses. `user` is updated from the row."""
    statement = (
        update(User)
        .where(
            col(User.id) == user.id,
            col(User.failed_attempts) < threshold,
            or_(col(User.locked_until).is_(None), col(User.locked_until) <= now),
        )
        .values(failed_attempts=col(User.failed_attempts) + 1)
        .returning(col(User.failed_attempts))
        .execution_options(synchronize_session="fetch")
    )
    return (await session.exec(statement)).scalar_one_or_none()  # type: ignore[call-overload]


async def roles_of(session: AsyncSession, user_id: str) -> list[str]:
    statement = select(UserRole.role).where(UserRole.user_id == user_id).order_by(UserRole.role)
    return list((await session.exec(statement)).all())


async def roles_of_many(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, list[str]]:
    ids = list(user_ids)
    found: dict[str, list[str]] = {user_id: [] for user_id in ids}
    if ids:
        statement = select(UserRole).where(col(UserRole.user_id).in_(ids)).order_by(UserRole.role)
        for row in (await session.exec(statement)).all():
            found[row.user_id].append(row.role)
    return found


async def set_roles(
    session: AsyncSession, user_id: str, roles: Iterable[str], region_code: str
) -> None:
    for row in (await session.exec(select(UserRole).where(UserRole.user_id == user_id))).all():
        await session.delete(row)
    await session.flush()
    for role in sorted(set(roles)):
        session.add(UserRole(user_id=user_id, role=role, region_code=region_code))


async def list_users(
    session: AsyncSession,
    *,
    region_code: str,
    role: str | None,
    include_disabled: bool,
    after_id: str | None,
    limit: int,
    ids: Sequence[str] = (),
) -> Sequence[User]:
    statement = select(User).where(in_subtree(col(User.region_code), region_code))
    if ids:
        statement = statement.where(col(User.id).in_(ids))
    if role:
        statement = statement.join(UserRole, col(UserRole.user_id) == col(User.id)).where(
            UserRole.role == role
        )
    if not include_disabled:
        statement = statement.where(col(User.disabled).is_(False))
    if after_id:
        statement = statement.where(col(User.id) > after_id)
    return (await session.exec(statement.order_by(col(User.id)).limit(limit))).all()


async def stream_contacts(
    session: AsyncSession, *, region_code: str, role: str, user_ids: Sequence[str], page: int
) -> AsyncIterator[Sequence[Row]]:
    """(id, mobile, name, region_code) of active users in the subtree, `page` rows at a time
    from one server-side cursor: holders of `role`, or the users of `user_ids`."""
    statement = sa_select(
        col(User.id), col(User.mobile), col(User.name), col(User.region_code)
    ).where(col(User.disabled).is_(False))
    if role:  # the (role, region_code) index of user_roles
        statement = statement.join(UserRole, col(UserRole.user_id) == col(User.id)).where(
            col(UserRole.role) == role, in_subtree(col(UserRole.region_code), region_code)
        )
    else:
        statement = statement.where(
            col(User.id).in_(user_ids), in_subtree(col(User.region_code), region_code)
        )
    result = await session.stream(statement.execution_options(yield_per=page))
    async for rows in result.partitions(page):
        yield rows


async def users_in_subtree(session: AsyncSession, code: str) -> Sequence[User]:
    statement = select(User).where(in_subtree(col(User.region_code), code))
    return (await session.exec(statement)).all()


async def clients_in_subtree(session: AsyncSession, code: str) -> Sequence[Client]:
    statement = select(Client).where(in_subtree(col(Client.region_code), code))
    return (await session.exec(statement)).all()


async def move_user_roles(session: AsyncSession, user_id: str, region_code: str) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(UserRole).where(col(UserRole.user_id) == user_id).values(region_code=region_code)
    )


async def revoked_actors(session: AsyncSession) -> dict[str, int]:
    """Durable not-before of every user and client that has one."""
    found: dict[str, int] = {}
    for user_id, epoch_ms in (
        await session.exec(
            select(User.id, User.tokens_not_before_ms).where(User.tokens_not_before_ms > 0)
        )
    ).all():
        found[user_id] = epoch_ms
    for client_id, epoch_ms in (
        await session.exec(
            select(Client.client_id, Client.not_before_ms).where(Client.not_before_ms > 0)
        )
    ).all():
        found[f"client:{client_id}"] = epoch_ms
    return found


# ------------------------------------------------------------------ sessions


async def get_session(session: AsyncSession, session_id: str) -> Session | None:
    return await session.get(Session, session_id)


async def get_refresh_token(session: AsyncSession, token_hash: bytes) -> RefreshToken | None:
    return await session.get(RefreshToken, token_hash)


async def live_sessions_of(session: AsyncSession, user_id: str) -> Sequence[Session]:
    statement = select(Session).where(Session.user_id == user_id, col(Session.revoked_at).is_(None))
    return (await session.exec(statement)).all()


async def sessions_revoked_since(session: AsyncSession, since: datetime) -> Sequence[Session]:
    return (await session.exec(select(Session).where(col(Session.revoked_at) >= since))).all()


# ------------------------------------------------------------------ clients


async def get_client(session: AsyncSession, client_id: str) -> Client | None:
    return await session.get(Client, client_id)


async def list_clients(
    session: AsyncSession, *, region_code: str, after_id: str | None, limit: int
) -> Sequence[Client]:
    statement = select(Client).where(in_subtree(col(Client.region_code), region_code))
    if after_id:
        statement = statement.where(col(Client.client_id) > after_id)
    return (await session.exec(statement.order_by(col(Client.client_id)).limit(limit))).all()


# ------------------------------------------------------------------ audit


async def last_audit(session: AsyncSession) -> AuditRecord | None:
    """The head of the chain; the caller holds the chain's lock (`lock_for_transaction`)."""
    statement = select(AuditRecord).order_by(col(AuditRecord.id).desc()).limit(1)
    return (await session.exec(statement)).first()


async def audit_chain_page(
    session: AsyncSession, after_id: int, limit: int
) -> Sequence[AuditRecord]:
    """The log in chain order, a page at a time (verification)."""
    statement = select(AuditRecord).where(col(AuditRecord.id) > after_id)
    return (await session.exec(statement.order_by(col(AuditRecord.id)).limit(limit))).all()


async def list_audit(
    session: AsyncSession,
    *,
    region_code: str,
    filters: AuditFilters,
    before_id: int | None,
    limit: int,
) -> Sequence[AuditRecord]:
    statement = select(AuditRecord).where(in_subtree(col(AuditRecord.region_code), region_code))
    if filters.service:
        statement = statement.where(AuditRecord.service == filters.service)
    if filters.since is not None:
        statement = statement.where(col(AuditRecord.at) >= filters.since)
    if filters.until is not None:
        statement = statement.where(col(AuditRecord.at) < filters.until)
    if filters.action:
        statement = statement.where(AuditRecord.action == filters.action)
    if filters.actor_id:
        statement = statement.where(AuditRecord.actor_id == filters.actor_id)
    if filters.target_id:
        statement = statement.where(AuditRecord.target_id == filters.target_id)
    if before_id is not None:
        statement = statement.where(col(AuditRecord.id) < before_id)
    return (await session.exec(statement.order_by(col(AuditRecord.id).desc()).limit(limit))).all()
