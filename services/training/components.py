"""The collaborators every training use-case needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kit.clock import utcnow
from kit.db import Database
from kit.protection import FieldProtector

ID_NUMBER_FIELD = "candidate.id_number"
PHONE_FIELD = "candidate.phone"


@dataclass
class Components:
    db: Database
    protector: FieldProtector
    notice_period: timedelta
    reviewer_role: str = "admin"
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time on
