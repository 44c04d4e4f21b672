"""What assistance does with a cadre's SMS reply (`notification.reply.received`): a reply about
a task answers the sender's own assignment of it, and nobody else's."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2 as notification_events
from services.assistance.tasks_service import TasksService


class ReplyHandler:
    def __init__(self, tasks: TasksService) -> None:
        self.tasks = tasks

    async def on_reply_received(
        self, session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        reply = notification_events.ReplyReceived.FromString(payload)
        await self.tasks.apply_reply(session, reply.user_id, reply.reply_reference, reply.command)
