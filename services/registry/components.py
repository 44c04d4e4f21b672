"""The collaborators every registry use-case needs, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kit.clock import utcnow
from kit.db import Database
from kit.protection import FieldProtector

ID_NUMBER_FIELD = "member.id_number"
PHONE_FIELD = "member.phone"


@dataclass
class Components:
    db: Database
    protector: FieldProtector
    # Yuan a year per person under which a household's latest income raises an alert (the
    # services take it from RegistrySettings.monitoring_line).
    monitoring_line: int = 6000
    # How long the public notice (公示) of identification or exit runs.
    notice_period: timedelta = timedelta(days=7)
    clock: Callable[[], datetime] = field(default=utcnow)  # tests move time on
