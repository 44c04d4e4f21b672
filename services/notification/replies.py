"""Replies from cadres (mobile-originated messages): read as a command about the message they
answer, published as `notification.reply.received`; a reply from a number we never wrote to,
one we cannot read, or one about no message of theirs is answered politely by SMS. Every
reply is recorded, once however often the provider hands it over."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2
from kit.id_numbers import mask_mobile
from kit.outbox import enqueue
from kit.paging import stamp
from kit.protection import FieldProtector
from services.notification import repository as repo
from services.notification.components import PHONE_FIELD, Components
from services.notification.domain import Command, national_number, parse_reply
from services.notification.models import Message, ReplyRecord
from services.notification.queue_service import QueueService, Recipient, Request
from services.notification.sms.provider import Reply
from services.notification.templates import template_named

log = logging.getLogger(__name__)
REPLY_RECEIVED = "notification.reply.received"


def reply_id(protector: FieldProtector, phone: str, reply: Reply) -> str:
    """The same reply handed over twice has the same id (keyed: it reveals no number)."""
    return protector.blind_index(
        f"{phone}\x00{reply.text}\x00{reply.at.isoformat()}", "reply"
    ).hex()


class Replies:
    def __init__(self, components: Components, queue: QueueService) -> None:
        self.c = components
        self.queue = queue

    async def on_reply(self, reply: Reply) -> None:
        """The provider's callback: returns once the reply is recorded (and answered)."""
        phone = national_number(reply.phone)
        record_id = reply_id(self.c.protector, phone, reply)
        index = self.c.protector.blind_index(phone, PHONE_FIELD)
        async with self.c.db.unit_of_work() as session:
            if await repo.get_reply(session, record_id) is not None:
                return
            command = parse_reply(reply.text)
            known = await repo.latest_message_to(session, index)
            target = None
            if known is not None and command is not None:
                # The newest message, when it is the one answered (most often), is not read again.
                target = (
                    known
                    if _answers(command, known)
                    else await repo.latest_message_to(session, index, short_code=command.short_code)
                )
            outcome = _outcome(known, command, target)
            record = ReplyRecord(
                id=record_id,
                phone_cipher=self.c.protector.encrypt(phone, PHONE_FIELD),
                phone_index=index,
                phone_masked=mask_mobile(phone),
                text=reply.text[:500],
                user_id=known.user_id if known else "",
                command=command.name if command else "",
                short_code=command.short_code if command else "",
                message_id=target.id if target else "",
                outcome=outcome,
                received_at=reply.at,
            )
            session.add(record)
            if target is not None and command is not None:
                _publish(session, record, command, target)
            else:
                await self._answer(session, record, phone, known)
        log.info("reply %s from %s: %s", record_id, record.phone_masked, outcome)

    async def _answer(
        self, session: AsyncSession, record: ReplyRecord, phone: str, known: Message | None
    ) -> None:
        template = template_named(f"reply_{record.outcome}")
        request = Request(source_id=f"reply:{record.id}", template=template.code, urgent=True)
        recipient = Recipient(record.user_id, phone, known.region_code if known else "")
        await self.queue.add(session, request, template, [recipient])


def _answers(command: Command, message: Message) -> bool:
    """Whether `command` may be about `message`: one that asked for a reply, with the short
    code quoted, if any."""
    return message.short_code is not None and command.short_code in ("", message.short_code)


def _outcome(known: Message | None, command: Command | None, target: Message | None) -> str:
    if known is None:
        return "unknown_sender"
    if command is None:
        return "unrecognised"
    return "accepted" if target is not None else "unmatched"


def _publish(session: AsyncSession, record: ReplyRecord, command: Command, target: Message) -> None:
    event = events_pb2.ReplyReceived(
        reply_id=record.id,
        user_id=target.user_id,
        command=command.name,
        short_code=command.short_code,
        reply_reference=target.reply_reference,
        message_id=target.id,
        source_id=target.source_id,
        at=stamp(record.received_at),
    )
    enqueue(session, REPLY_RECEIVED, event, msg_id=f"reply-{record.id}")
