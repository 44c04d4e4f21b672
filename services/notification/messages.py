"""Translation between notification's protobuf messages and its domain objects."""

from __future__ import annotations

from jingzhun.notification.v1 import notification_pb2 as pb
from kit.mapping import to_message
from services.notification.broadcasts_service import BroadcastView
from services.notification.domain import STATUSES
from services.notification.models import Broadcast, Message

broadcast_row_message = to_message(Broadcast, pb.Broadcast, given=("state", "counts"))


def broadcast_message(view: BroadcastView) -> pb.Broadcast:
    return broadcast_row_message(
        view.broadcast,
        state=view.state,
        counts=pb.StatusCounts(**{s: view.counts.get(s, 0) for s in STATUSES}),
    )


message_message = to_message(Message, pb.Message, phone=lambda m: m.phone_masked)
