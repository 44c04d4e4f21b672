"""The audit log's hash chain, pure: each record's hash is sha256 of the previous record's hash
and the record's canonical form, so changing, removing or reordering a record breaks the chain
at that record. Never change the canonical form: every stored hash depends on it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

GENESIS = "0" * 64  # the `prev_hash` of the first record


class Chained(Protocol):
    id: int | None
    at: datetime
    service: str
    event_id: str
    actor_id: str
    action: str
    target_id: str
    region_code: str
    detail: str
    client_ip: str
    prev_hash: str
    hash: str


def canonical(record: Chained) -> str:
    """Every field but the hashes, as sorted compact JSON; `at` in UTC to the microsecond."""
    at = record.at if record.at.tzinfo else record.at.replace(tzinfo=UTC)
    return json.dumps(
        {
            "id": record.id,
            "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "service": record.service,
            "event_id": record.event_id,
            "actor_id": record.actor_id,
            "action": record.action,
            "target_id": record.target_id,
            "region_code": record.region_code,
            "detail": record.detail,
            "client_ip": record.client_ip,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, record: Chained) -> str:
    return hashlib.sha256((prev_hash + canonical(record)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    record_id: int
    reason: str


def check_link(record: Chained, prev_hash: str) -> Break | None:
    """Why `record` does not follow the record whose hash is `prev_hash`, if it does not."""
    assert record.id is not None
    if record.prev_hash != prev_hash:
        return Break(record.id, "does not follow the record before it")
    if chain_hash(prev_hash, record) != record.hash:
        return Break(record.id, "its content does not match its hash")
    return None
