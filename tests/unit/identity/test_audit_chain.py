"""The audit log's hash chain: a fixed form (every stored hash depends on it), and a change,
a removal or a reordering named at the record where the chain breaks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

from services.identity.audit_chain import GENESIS, canonical, chain_hash, check_link


@dataclass
class Record:
    id: int | None
    at: datetime
    service: str = "registry"
    event_id: str = "e1"
    actor_id: str = "u1"
    action: str = "member.revealed"
    target_id: str = "m1"
    region_code: str = "370102001001"
    detail: str = '{"purpose": "医保核对"}'
    client_ip: str = ""
    prev_hash: str = GENESIS
    hash: str = ""


AT = datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=UTC)


def chained(count: int) -> list[Record]:
    records, prev = [], GENESIS
    for n in range(1, count + 1):
        record = Record(id=n, at=AT + timedelta(seconds=n), event_id=f"e{n}", prev_hash=prev)
        record.hash = prev = chain_hash(prev, record)
        records.append(record)
    return records


def test_the_canonical_form_is_fixed() -> None:
    record = Record(id=7, at=AT)
    assert canonical(record) == (
        '{"action":"member.revealed","actor_id":"u1","at":"2026-12-07T01:02:03.456789Z",'
        '"client_ip":"","detail":"{\\"purpose\\": \\"医保核对\\"}","event_id":"e1","id":7,'
        '"region_code":"370102001001","service":"registry","target_id":"m1"}'
    )
    expected = hashlib.sha256((GENESIS + canonical(record)).encode()).hexdigest()
    assert chain_hash(GENESIS, record) == expected


def test_the_same_instant_in_another_zone_or_without_one_hashes_alike() -> None:
    record = Record(id=1, at=AT)
    in_beijing = replace(record, at=AT.astimezone(timezone(timedelta(hours=8))))
    as_stored_by_sqlite = replace(record, at=AT.replace(tzinfo=None))
    assert chain_hash(GENESIS, in_beijing) == chain_hash(GENESIS, as_stored_by_sqlite)
    assert chain_hash(GENESIS, in_beijing) == chain_hash(GENESIS, record)


def test_an_intact_chain_links_every_record_to_the_one_before() -> None:
    records = chained(3)
    prev = GENESIS
    for record in records:
        assert check_link(record, prev) is None
        prev = record.hash


def test_a_changed_record_fails_its_own_hash() -> None:
    first, second, _ = chained(3)
    second.actor_id = "someone else"
    assert check_link(first, GENESIS) is None
    broken = check_link(second, first.hash)
    assert broken is not None and broken.record_id == 2 and "content" in broken.reason


def test_a_removed_or_moved_record_breaks_the_link_of_the_next() -> None:
    first, second, third = chained(3)
    broken = check_link(third, first.hash)  # the second removed
    assert broken is not None and broken.record_id == 3 and "follow" in broken.reason
    assert check_link(replace(second, id=4), third.hash) is not None  # the second moved last
