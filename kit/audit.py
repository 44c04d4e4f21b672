"""Recording a sensitive act (a reveal, a review, an import, a login, a permission change...)
for the platform's one audit log: an `<service>.audit.recorded` event written through the
outbox in the caller's unit of work, so an act rolled back is never recorded and a committed
one always is. Identity appends every service's events to its hash-chained log (docs/audit.md).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2
from kit.clock import utcnow
from kit.outbox import enqueue
from kit.paging import stamp

AUDIT_RECORDED = "audit.recorded"


def audit_subject(service: str) -> str:
    """The subject a service's acts are published on (within its own stream `<service>.>`)."""
    return f"{service}.{AUDIT_RECORDED}"


def record(
    session: AsyncSession,
    service: str,
    *,
    actor_id: str,
    action: str,
    target_id: str,
    region_code: str,
    detail: dict | None = None,
    client_ip: str = "",
    at: datetime | None = None,
) -> str:
    """Add the act to the caller's unit of work; `detail` never holds a secret or a full
    identity or phone number. Returns the event's id (the record's `event_id`)."""
    event = events_pb2.AuditRecorded(
        at=stamp(at or utcnow()),
        actor_id=actor_id,
        action=action,
        target_id=target_id,
        region_code=region_code,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        client_ip=client_ip,
    )
    return enqueue(session, audit_subject(service), event)
