"""Identity's event subjects and publishers (through the transactional outbox), and the
consumption of every service's audited acts into the one audit log."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2
from kit.audit import audit_subject
from kit.bus import MSG_ID
from kit.clock import utcnow
from kit.division_changes import DIVISION_CHANGED
from kit.outbox import enqueue
from services.identity import audit_service
from services.identity.models import User

USER_CREATED = "identity.user.created"
USER_UPDATED = "identity.user.updated"
# Whose acts the audit log takes in: each publishes `<service>.audit.recorded` in its stream.
AUDITED_SERVICES = (
    "identity",
    "registry",
    "assistance",
    "training",
    "notification",
    "projects",
)


def audit_consumer_name(service: str) -> str:
    return f"identity-audit-{service}"


def _now() -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(utcnow())
    return stamp


def publish_user_changed(
    session: AsyncSession, subject: str, user: User, roles: list[str], actor_id: str
) -> None:
    event = events_pb2.UserChanged(
        user_id=user.id,
        region_code=user.region_code,
        roles=roles,
        disabled=user.disabled,
        name=user.name,
        actor_id=actor_id,
        at=_now(),
    )
    enqueue(session, subject, event)


def publish_division_changed(
    session: AsyncSession,
    *,
    change_id: str,
    kind: str,
    mappings: list[tuple[str, str]],
    retired_codes: list[str],
    effective_date: str,
) -> None:
    event = events_pb2.DivisionChanged(
        change_id=change_id,
        kind=kind,
        mappings=[events_pb2.CodeMapping(old_prefix=o, new_prefix=n) for o, n in mappings],
        retired_codes=retired_codes,
        effective_date=effective_date,
        at=_now(),
    )
    enqueue(session, DIVISION_CHANGED, event, msg_id=f"division-{change_id}")


async def on_audit_recorded(
    session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
) -> None:
    """Append the act to the log, the service named by its subject (its own stream's)."""
    service = subject.split(".", 1)[0]
    assert subject == audit_subject(service), subject
    event = events_pb2.AuditRecorded.FromString(payload)
    await audit_service.append(session, service, headers[MSG_ID], event)
