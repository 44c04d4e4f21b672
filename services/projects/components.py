"""The collaborators every projects use-case needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kit.clock import utcnow
from kit.db import Database
from kit.protection import FieldProtector
from services.projects.lifecycle import ReviewDays


@dataclass
class Components:
    db: Database
    protector: FieldProtector  # the objectors' contacts (kit.public_notice)
    notice_period: timedelta
    review_days: ReviewDays
    reviewer_role: str = "admin"
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time on
