"""Use-cases of delegated user administration: administrators create, edit and disable users
only in their subtree and grant only the roles their role may grant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import utcnow
from kit.db import lock_for_transaction
from kit.errors import AlreadyExists, InvalidArgument, NotFound
from kit.paging import MAX_PAGE
from kit.principal import Principal
from kit.territory import is_within
from services.identity import events
from services.identity import repository as repo
from services.identity.auth_service import AuthService
from services.identity.components import Components
from services.identity.domain import (
    check_may_manage,
    check_password_policy,
    check_roles_grantable,
    generate_initial_password,
    validate_mobile,
    validate_region_code,
)
from services.identity.models import User


@dataclass(frozen=True)
class UserView:
    user: User
    roles: list[str]


@dataclass(frozen=True)
class UserChanges:
    name: str | None = None
    disabled: bool | None = None
    roles: list[str] | None = None
    region_code: str | None = None


def not_found() -> NotFound:
    return NotFound("user not found", reason="USER_NOT_FOUND")


class UserService:
    def __init__(self, components: Components, auth: AuthService) -> None:
        self.c = components
        self.auth = auth

    def require_region(self, caller: Principal, code: str) -> None:
        """The region must exist and lie in the caller's subtree; both failures look alike."""
        validate_region_code(code)
        if self.c.regions.get_active(code) is None or not is_within(code, caller.region_code):
            raise NotFound("region not found", reason="REGION_NOT_FOUND")

    async def create(
        self, caller: Principal, mobile: str, name: str, region_code: str, roles: list[str]
    ) -> tuple[UserView, str]:
        mobile = validate_mobile(mobile)
        self.require_region(caller, region_code)
        check_roles_grantable(self.c.authorizer, caller, roles, region_code)
        password = generate_initial_password()
        async with self.c.db.unit_of_work() as session:
            if await repo.get_user_by_mobile(session, mobile) is not None:
                raise AlreadyExists(
                    "an account with this mobile number exists", reason="MOBILE_TAKEN"
                )
            user = await self._insert(session, mobile, name, region_code, roles, password)
            audit.record(
                session,
                repo.SERVICE,
                at=user.created_at,
                actor_id=caller.actor_id,
                action="user.created",
                target_id=user.id,
                region_code=region_code,
                detail={"roles": sorted(roles)},
            )
            events.publish_user_changed(
                session, events.USER_CREATED, user, sorted(roles), caller.actor_id
            )
        return UserView(user, sorted(roles)), password

    async def bootstrap_admin(
        self, mobile: str, name: str, region_code: str, password: str | None = None
    ) -> tuple[User, str] | None:
        """The first administrator, created from the command line, with the operator's one-time
        `password` (held to the password rules) or a generated one: changed at first login
        either way. None if the mobile exists (a re-run, or a run beside this one)."""
        mobile = validate_mobile(mobile)
        validate_region_code(region_code)
        if password is None:
            password = generate_initial_password()
        else:
            check_password_policy(password, mobile=mobile)
        async with self.c.db.unit_of_work() as session:
            await lock_for_transaction(session, f"identity:bootstrap-admin:{mobile}")
            if await repo.get_user_by_mobile(session, mobile) is not None:
                return None
            user = await self._insert(session, mobile, name, region_code, ["admin"], password)
            audit.record(
                session,
                repo.SERVICE,
                at=user.created_at,
                actor_id="bootstrap",
                action="user.created",
                target_id=user.id,
                region_code=region_code,
                detail={"roles": ["admin"]},
            )
            events.publish_user_changed(session, events.USER_CREATED, user, ["admin"], "bootstrap")
        return user, password

    async def get(self, caller: Principal, user_id: str) -> UserView:
        async with self.c.db.read_only() as session:
            user = await repo.get_user(session, user_id)
            if user is None or not is_within(user.region_code, caller.region_code):
                raise not_found()
            return UserView(user, await repo.roles_of(session, user.id))

    async def list_users(
        self,
        caller: Principal,
        *,
        region_code: str,
        role: str,
        include_disabled: bool,
        after_id: str | None,
        limit: int,
        ids: Sequence[str] = (),
    ) -> list[UserView]:
        """The subtree's users; with `ids`, only those of them (naming a page's users)."""
        if len(ids) > MAX_PAGE:
            raise InvalidArgument(f"at most {MAX_PAGE} ids", reason="TOO_MANY_IDS")
        scope = region_code or caller.region_code
        self.require_region(caller, scope)
        async with self.c.db.read_only() as session:
            users = await repo.list_users(
                session,
                region_code=scope,
                role=role or None,
                include_disabled=include_disabled,
                after_id=after_id,
                limit=limit,
                ids=ids,
            )
            roles = await repo.roles_of_many(session, [u.id for u in users])
        return [UserView(u, roles[u.id]) for u in users]

    async def update(self, caller: Principal, user_id: str, changes: UserChanges) -> UserView:
        async with self.c.db.unit_of_work() as session:
            user = await repo.get_user(session, user_id)
            if user is None:
                raise not_found()
            roles = await repo.roles_of(session, user.id)
            check_may_manage(self.c.authorizer, caller, user.id, user.region_code, roles)
            before = {
                "name": user.name,
                "disabled": user.disabled,
                "roles": roles,
                "region_code": user.region_code,
            }
            new_region = changes.region_code or user.region_code
            if changes.region_code:
                self.require_region(caller, new_region)
            new_roles = sorted(set(changes.roles)) if changes.roles is not None else roles
            if changes.roles is not None or changes.region_code:
                check_roles_grantable(self.c.authorizer, caller, new_roles, new_region)
            user.name = changes.name.strip() if changes.name else user.name
            user.disabled = user.disabled if changes.disabled is None else changes.disabled
            user.region_code = new_region
            user.updated_at = utcnow()
            after = {
                "name": user.name,
                "disabled": user.disabled,
                "roles": new_roles,
                "region_code": new_region,
            }
            if after == before:
                return UserView(user, roles)
            await repo.set_roles(session, user.id, new_roles, new_region)
            if any(before[k] != after[k] for k in ("disabled", "roles", "region_code")):
                await self.auth.revoke_all_tokens(session, user)
            session.add(user)
            self._audit_changes(session, caller, user, before, after)
            events.publish_user_changed(
                session, events.USER_UPDATED, user, new_roles, caller.actor_id
            )
            return UserView(user, new_roles)

    async def reset_password(self, caller: Principal, user_id: str) -> str:
        password = generate_initial_password()
        async with self.c.db.unit_of_work() as session:
            user = await repo.get_user(session, user_id)
            if user is None:
                raise not_found()
            check_may_manage(
                self.c.authorizer,
                caller,
                user.id,
                user.region_code,
                await repo.roles_of(session, user.id),
            )
            user.password_hash = await self.c.passwords.hash(password)
            user.must_change_password = True
            user.failed_attempts, user.locked_until = 0, None
            await self.auth.revoke_all_tokens(session, user)
            audit.record(
                session,
                repo.SERVICE,
                at=utcnow(),
                actor_id=caller.actor_id,
                action="user.password_reset",
                target_id=user.id,
                region_code=user.region_code,
            )
        return password

    async def _insert(
        self,
        session: AsyncSession,
        mobile: str,
        name: str,
        region_code: str,
        roles: list[str],
        password: str,
    ) -> User:
        now = utcnow()
        user = User(
            id=uuid.uuid4().hex,
            mobile=mobile,
            name=name.strip(),
            region_code=region_code,
            password_hash=await self.c.passwords.hash(password),
            must_change_password=True,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        await session.flush()
        await repo.set_roles(session, user.id, roles, region_code)
        return user

    @staticmethod
    def _audit_changes(
        session: AsyncSession, caller: Principal, user: User, before: dict, after: dict
    ) -> None:
        """One audit record per kind of change, so permission changes stand out on their own."""
        actions = {
            "roles": "user.roles_changed",
            "disabled": "user.disabled_changed",
            "region_code": "user.region_changed",
            "name": "user.renamed",
        }
        for key, action in actions.items():
            if before[key] != after[key]:
                audit.record(
                    session,
                    repo.SERVICE,
                    at=user.updated_at,
                    actor_id=caller.actor_id,
                    action=action,
                    target_id=user.id,
                    region_code=user.region_code,
                    detail={"before": before[key], "after": after[key]},
                )
