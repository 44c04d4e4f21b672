"""The collaborators every registry use-case needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kit.db import Database
from kit.protection import FieldProtector

ID_NUMBER_FIELD = "member.id_number"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Components:
    db: Database
    protector: FieldProtector
