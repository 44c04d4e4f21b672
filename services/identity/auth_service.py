"""Use-cases of authentication: the OAuth2 grants, logout, password change, revocation.

Revocations are written to Redis inside the unit of work, before the commit: if Redis fails
the change rolls back; if the commit fails the worst case is a token revoked early."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import utcnow
from kit.errors import InvalidArgument, Unauthenticated
from kit.principal import CLIENT, USER, Principal
from services.identity import repository as repo
from services.identity.components import Components
from services.identity.credentials import hash_refresh_token, new_refresh_token
from services.identity.domain import check_password_policy, client_role
from services.identity.models import Client, RefreshToken, Session, User

BAD_CREDENTIALS = "the mobile number or password is wrong"


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: int
    refresh_token: str = ""
    scopes: list[str] = field(default_factory=list)
    must_change_password: bool = False


def now_ms() -> int:
    return int(time.time() * 1000)


class AuthService:
    def __init__(self, components: Components) -> None:
        self.c = components

    # ------------------------------------------------------------------ grants

    async def authenticate(self, mobile: str, password: str, client_ip: str) -> TokenGrant:
        """Failures are recorded (attempt counter, lockout, audit) and only then raised."""
        async with self.c.db.unit_of_work() as session:
            user = await repo.get_user_by_mobile(session, mobile.strip())
            failure = await self._check_login(session, user, password, client_ip)
            if failure is None and user is not None:
                user.failed_attempts, user.locked_until = 0, None
                session.add(user)
                self._audit(session, user.id, "login.succeeded", user, client_ip)
                return await self._open_session(session, user)
        raise failure or Unauthenticated(BAD_CREDENTIALS, reason="INVALID_GRANT")

    async def _check_login(
        self, session: AsyncSession, user: User | None, password: str, client_ip: str
    ) -> Unauthenticated | None:
        """At most `lockout.threshold` guesses in a row are ever checked, however many arrive
        at once: each is counted before its password is (repo.claim_login_attempt)."""
        now = utcnow()
        counted = None
        if user is not None and not user.disabled:
            counted = await repo.claim_login_attempt(session, user, self.c.lockout.threshold, now)
            if counted is None:
                self._audit(session, user.id, "login.locked", user, client_ip)
                return Unauthenticated(
                    "the account is locked after repeated failures; try again later",
                    reason="ACCOUNT_LOCKED",
                )
        valid = await self.c.passwords.verify(user.password_hash if user else None, password)
        if user is not None and valid and not user.disabled:
            return None
        if user is not None and counted is not None:
            user.failed_attempts, user.locked_until = self.c.lockout.after_failure(counted, now)
            session.add(user)
        self._audit(session, user.id if user else "", "login.failed", user, client_ip)
        return Unauthenticated(BAD_CREDENTIALS, reason="INVALID_GRANT")

    async def refresh(self, refresh_token: str, client_ip: str) -> TokenGrant:
        invalid = Unauthenticated("the refresh token is not valid", reason="INVALID_GRANT")
        now = utcnow()
        async with self.c.db.unit_of_work() as session:
            stored = await repo.get_refresh_token(session, hash_refresh_token(refresh_token))
            if stored is None:
                raise invalid
            login = await repo.get_session(session, stored.session_id)
            user = await repo.get_user(session, login.user_id) if login else None
            if (
                login is None
                or user is None
                or login.revoked_at is not None
                or login.expires_at < now
            ):
                raise invalid
            if stored.used_at is not None:  # replayed: someone else holds the rotated token
                await self._revoke_session(session, login)
                self._audit(session, user.id, "session.refresh_reused", user, client_ip)
            elif not user.disabled:
                stored.used_at = now
                session.add(stored)
                return await self._issue(session, user, login.id)
        raise invalid

    async def authenticate_client(
        self, client_id: str, secret: str, scopes: list[str], client_ip: str
    ) -> TokenGrant:
        async with self.c.db.unit_of_work() as session:
            client = await repo.get_client(session, client_id)
            valid = await self.c.passwords.verify(client.secret_hash if client else None, secret)
            if client is not None and valid and not client.disabled:
                return self._client_grant(client, scopes)
            audit.record(
                session,
                repo.SERVICE,
                at=utcnow(),
                actor_id=f"client:{client_id}",
                action="client.login_failed",
                target_id=client_id,
                region_code=client.region_code if client else "",
                client_ip=client_ip,
            )
        raise Unauthenticated("the client credentials are not valid", reason="INVALID_CLIENT")

    def _client_grant(self, client: Client, scopes: list[str]) -> TokenGrant:
        granted = client.scopes.split()
        wanted = scopes or granted
        if not set(wanted) <= set(granted):
            raise InvalidArgument(
                "a requested scope is not granted to this client", reason="INVALID_SCOPE"
            )
        token = self.c.issuer.issue(
            subject=client.client_id,
            kind=CLIENT,
            region_code=client.region_code,
            roles=[client_role(client.client_id)],
            scopes=sorted(wanted),
            requests_per_minute=client.requests_per_minute,
        )
        return TokenGrant(token.token, token.expires_in, scopes=sorted(wanted))

    # ------------------------------------------------------------------ caller's own account

    async def logout(self, caller: Principal) -> None:
        async with self.c.db.unit_of_work() as session:
            login = (
                await repo.get_session(session, caller.session_id) if caller.session_id else None
            )
            if login is not None and login.revoked_at is None:
                await self._revoke_session(session, login)
            audit.record(
                session,
                repo.SERVICE,
                at=utcnow(),
                actor_id=caller.actor_id,
                action="logout",
                target_id=caller.subject,
                region_code=caller.region_code,
            )

    async def change_password(self, caller: Principal, current: str, new: str) -> TokenGrant:
        if caller.kind != USER:
            raise Unauthenticated("only people have passwords", reason="NOT_A_USER")
        async with self.c.db.unit_of_work() as session:
            user = await repo.get_user(session, caller.subject)
            if user is None or not await self.c.passwords.verify(user.password_hash, current):
                raise InvalidArgument("the current password is wrong", reason="WRONG_PASSWORD")
            check_password_policy(new, mobile=user.mobile)
            if await self.c.passwords.verify(user.password_hash, new):
                raise InvalidArgument(
                    "the new password must differ from the current one", reason="PASSWORD_REUSED"
                )
            user.password_hash = await self.c.passwords.hash(new)
            user.must_change_password = False
            await self.revoke_all_tokens(session, user)
            self._audit(session, user.id, "password.changed", user, "")
            return await self._open_session(session, user)

    # ------------------------------------------------------------------ revocation

    async def revoke_all_tokens(self, session: AsyncSession, user: User) -> None:
        """Every token of the user issued before now is void from the next request on."""
        user.tokens_not_before_ms = now_ms()
        user.updated_at = utcnow()
        session.add(user)
        for login in await repo.live_sessions_of(session, user.id):
            login.revoked_at = utcnow()
            session.add(login)
        await self.c.revocations.set_not_before(user.id, user.tokens_not_before_ms)

    async def sync_revocations(self) -> tuple[int, int]:
        ttl = self.c.settings.access_token_seconds
        async with self.c.db.read_only() as session:
            actors = await repo.revoked_actors(session)
            since = utcnow() - timedelta(seconds=ttl)
            sessions = {s.id: ttl for s in await repo.sessions_revoked_since(session, since)}
        await self.c.revocations.seed(actors, sessions)
        return len(actors), len(sessions)

    # ------------------------------------------------------------------ internals

    async def _open_session(self, session: AsyncSession, user: User) -> TokenGrant:
        now = utcnow()
        login = Session(
            id=uuid.uuid4().hex,
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=self.c.settings.refresh_token_days),
        )
        session.add(login)
        await session.flush()
        return await self._issue(session, user, login.id)

    async def _issue(self, session: AsyncSession, user: User, session_id: str) -> TokenGrant:
        roles = await repo.roles_of(session, user.id)
        token = self.c.issuer.issue(
            subject=user.id,
            kind=USER,
            region_code=user.region_code,
            roles=roles,
            session_id=session_id,
            must_change_password=user.must_change_password,
        )
        refresh, refresh_hash = new_refresh_token()
        session.add(RefreshToken(token_hash=refresh_hash, session_id=session_id))
        return TokenGrant(
            token.token, token.expires_in, refresh, must_change_password=user.must_change_password
        )

    async def _revoke_session(self, session: AsyncSession, login: Session) -> None:
        login.revoked_at = utcnow()
        session.add(login)
        await self.c.revocations.revoke_session(login.id, self.c.settings.access_token_seconds)

    @staticmethod
    def _audit(
        session: AsyncSession, actor_id: str, action: str, user: User | None, client_ip: str
    ) -> None:
        audit.record(
            session,
            repo.SERVICE,
            at=utcnow(),
            actor_id=actor_id,
            action=action,
            target_id=user.id if user else "",
            region_code=user.region_code if user else "",
            client_ip=client_ip,
        )
