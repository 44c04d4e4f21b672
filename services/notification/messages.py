"""Translation between notification's protobuf messages and its domain objects."""

from __future__ import annotations

from jingzhun.notification.v1 import notification_pb2 as pb
from kit.paging import stamp
from services.notification.broadcasts_service import BroadcastView
from services.notification.domain import STATUSES
from services.notification.models import Message


def broadcast_message(view: BroadcastView) -> pb.Broadcast:
    b = view.broadcast
    return pb.Broadcast(
        id=b.id,
        role=b.role,
        region_code=b.region_code,
        template=b.template,
        text=b.text,
        urgent=b.urgent,
        state=view.state,
        recipients=b.recipients,
        counts=pb.StatusCounts(**{s: view.counts.get(s, 0) for s in STATUSES}),
        created_by=b.created_by,
        created_at=stamp(b.created_at),
    )


def message_message(m: Message) -> pb.Message:
    return pb.Message(
        id=m.id,
        user_id=m.user_id,
        phone=m.phone_masked,
        region_code=m.region_code,
        template=m.template,
        urgent=m.urgent,
        status=m.status,
        attempts=m.attempts,
        error=m.error,
        broadcast_id=m.broadcast_id or "",
        created_at=stamp(m.created_at),
        updated_at=stamp(m.updated_at),
    )
