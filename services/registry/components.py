"""The collaborators every registry use-case needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

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
