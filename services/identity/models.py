"""Identity's tables: regions and their changes, users and roles, sessions and refresh tokens,
integrator clients, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    __tablename__ = "regions"
    code: str = Field(sa_column=Column(String(12), primary_key=True))
    name: str
    level: int
    parent_code: str | None = Field(default=None, index=True)
    retired: bool = False
    successor_code: str | None = None
    change_id: str | None = None  # the division change that created or retired it


class DivisionChangeRecord(SQLModel, table=True):
    __tablename__ = "division_changes"
    id: str = Field(primary_key=True)
    seq: int = Field(index=True, unique=True)
    kind: str
    reason: str
    steps_json: str = Field(sa_column=Column(Text, nullable=False))
    retire_codes_json: str = Field(sa_column=Column(Text, nullable=False))
    effective_date: str
    actor_id: str
    applied_at: datetime
    regions_recoded: int
    users_moved: int


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: str = Field(primary_key=True)
    mobile: str = Field(unique=True)
    name: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    password_hash: str
    must_change_password: bool = True
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = None
    # Durable revocation: tokens issued before this epoch millisecond are void.
    tokens_not_before_ms: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0)
    )
    created_at: datetime
    updated_at: datetime


class UserRole(SQLModel, table=True):
    """A role held by a user at their home region (region denormalised for "role X in subtree
    Y" look-ups, e.g. recipients of a broadcast)."""

    __tablename__ = "user_roles"
    __table_args__ = (Index("ix_user_roles_role_region", "role", "region_code"),)
    user_id: str = Field(foreign_key="users.id", primary_key=True)
    role: str = Field(primary_key=True)
    region_code: str = Field(sa_column=Column(String(12), nullable=False))


class Session(SQLModel, table=True):
    __tablename__ = "sessions"
    id: str = Field(primary_key=True)
    user_id: str = Field(foreign_key="users.id", index=True)
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = Field(default=None, index=True)


class RefreshToken(SQLModel, table=True):
    """Refresh tokens are stored hashed; a used one presented again means theft: the session
    is revoked."""

    __tablename__ = "refresh_tokens"
    token_hash: bytes = Field(sa_column=Column(LargeBinary(32), primary_key=True))
    session_id: str = Field(foreign_key="sessions.id", index=True)
    used_at: datetime | None = None


class Client(SQLModel, table=True):
    __tablename__ = "clients"
    client_id: str = Field(primary_key=True)
    name: str
    secret_hash: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    scopes: str  # space-separated
    disabled: bool = False
    not_before_ms: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    # Its own quota at the gateway (carried in its tokens); None: the gateway's default.
    requests_per_minute: int | None = None
    created_by: str
    created_at: datetime


class AuditRecord(SQLModel, table=True):
    """The one audit log of every service's acts, append-only (triggers refuse UPDATE and
    DELETE) and chained: `hash` = sha256(`prev_hash` + the record's canonical form)."""

    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_region_id", "region_code", "id"),
        Index("ux_audit_records_prev_hash", "prev_hash", unique=True),  # one successor each
    )
    id: int | None = Field(default=None, primary_key=True)  # the order of the chain
    at: datetime = Field(index=True)
    service: str = "identity"
    event_id: str = Field(unique=True, index=True)  # its `<service>.audit.recorded` event
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    actor_id: str = Field(index=True)
    action: str
    target_id: str = Field(index=True)
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    detail: str = Field(sa_column=Column(Text, nullable=False))
    client_ip: str = ""
