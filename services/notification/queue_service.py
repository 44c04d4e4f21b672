"""Queueing what was asked for: a request (template, variables, recipients, urgency) becomes
one message per recipient, and its place in the dispatcher's queue — written in bulk, phones
encrypted, and never twice for the same source and recipient however often the request
comes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import identity_pb2 as identity_pb
from kit.bulk import insert_rows
from kit.errors import FieldViolation, InvalidArgument
from kit.id_numbers import mask_mobile
from kit.telemetry import inject_headers
from services.notification import repository as repo
from services.notification.components import PHONE_FIELD, QUEUED_FLAG, Components
from services.notification.directory import Audience, Directory
from services.notification.domain import QUEUED, new_short_code
from services.notification.models import Message, QueuedMessage
from services.notification.sms.text import Template
from services.notification.templates import is_personal, render, template_named


@dataclass(frozen=True)
class Request:
    source_id: str
    template: str
    variables: Mapping[str, str] = field(default_factory=dict)
    audiences: Sequence[Audience] = ()
    urgent: bool = False
    reply_reference: str = ""
    broadcast_id: str | None = None


@dataclass(frozen=True)
class Stored:
    """A message's text and its template's variables (JSON), as stored."""

    text: str
    params: str


@dataclass(frozen=True)
class Recipient:
    """Whom a message goes to when identity is not asked (an answer to a reply)."""

    user_id: str
    phone: str
    region_code: str
    name: str = ""


class QueueService:
    def __init__(self, components: Components, directory: Directory) -> None:
        self.c = components
        self.directory = directory

    def check(self, request: Request) -> Template:
        """The request's template, its text checked once (InvalidArgument otherwise)."""
        template = template_named(request.template)
        empty = sorted(name for name, value in request.variables.items() if not value.strip())
        if empty:
            raise InvalidArgument(
                f"template variables may not be empty: {', '.join(empty)}",
                reason="TEMPLATE_VARIABLE_EMPTY",
                violations=[FieldViolation(name, "empty") for name in empty],
            )
        render(template, request.variables, self.c.signature, name="某某某", code="XXX")
        return template

    async def queue(self, session: AsyncSession, request: Request) -> int:
        """Queue a message for each recipient who has none for this source yet; returns how
        many the source has now."""
        template = self.check(request)
        done = await repo.recipients_of_source(session, request.source_id)
        for audience in request.audiences:
            async for contacts in self.directory.contacts(audience):
                fresh = [c for c in contacts if c.user_id not in done]
                await self.add(session, request, template, [_recipient(c) for c in fresh])
                done.update(c.user_id for c in fresh)
        return len(done)

    async def add(
        self,
        session: AsyncSession,
        request: Request,
        template: Template,
        recipients: list[Recipient],
    ) -> None:
        """Messages of `request` to `recipients`, in one bulk write."""
        now = self.c.clock()
        shared = None if is_personal(template) else self._render(request, template, "", "")
        trace = json.dumps(inject_headers({}))
        rows = [
            self._row(request, template, recipient, now, shared, trace) for recipient in recipients
        ]
        await insert_rows(session, Message, rows)
        queue = [{"message_id": r["id"], "urgent": r["urgent"], "due_at": now} for r in rows]
        await insert_rows(session, QueuedMessage, queue)
        if rows:
            session.info[QUEUED_FLAG] = True

    def _render(self, request: Request, template: Template, name: str, code: str) -> Stored:
        rendered = render(template, request.variables, self.c.signature, name=name, code=code)
        return Stored(rendered.text, json.dumps(rendered.params, ensure_ascii=False))

    def _row(
        self,
        request: Request,
        template: Template,
        recipient: Recipient,
        now: datetime,
        shared: Stored | None,
        trace: str,
    ) -> dict[str, Any]:
        code = new_short_code() if request.reply_reference else None
        protector = self.c.protector
        text = shared or self._render(request, template, recipient.name, code or "")
        return {
            "id": uuid.uuid4().hex,
            "source_id": request.source_id,
            "user_id": recipient.user_id,
            "phone_cipher": protector.encrypt(recipient.phone, PHONE_FIELD),
            "phone_index": protector.blind_index(recipient.phone, PHONE_FIELD),
            "phone_masked": mask_mobile(recipient.phone),
            "region_code": recipient.region_code,
            "template": template.code,
            "text": text.text,
            "template_params": text.params,
            "urgent": request.urgent,
            "status": QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "provider_ids": "",
            "error": "",
            "broadcast_id": request.broadcast_id,
            "short_code": code,
            "reply_reference": request.reply_reference,
            "trace_headers": trace,
            "created_at": now,
            "updated_at": now,
            "submitted_at": None,
        }


def _recipient(contact: identity_pb.Contact) -> Recipient:
    return Recipient(contact.user_id, contact.mobile, contact.region_code, contact.name)
