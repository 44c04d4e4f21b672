"""The collaborators every assistance use-case needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kit.clock import utcnow
from kit.db import Database
from services.assistance.domain import Deadlines


@dataclass
class Components:
    db: Database
    deadlines: Deadlines
    owner_role: str = "admin"
    visit_max_distance_m: float = 500.0
    alert_verify_hours: float = 72.0
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time on
