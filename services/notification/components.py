"""The collaborators every notification use-case needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kit.clock import utcnow
from kit.db import Database
from kit.protection import FieldProtector
from services.notification.domain import SendingRules

PHONE_FIELD = "message.phone"
QUEUED_FLAG = "notification_queued"  # in session.info: wake the dispatcher after the commit


@dataclass
class Components:
    db: Database
    protector: FieldProtector
    rules: SendingRules
    signature: str
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time on
