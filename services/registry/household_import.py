"""Importing households batch by batch: new households (with their members, history and one
event per batch) are written in bulk; a household already in the registry is left unchanged
when the file agrees with it, or updated field by field through the officers' own edit path."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.registry.v1 import events_pb2
from kit.clock import utcnow
from kit.outbox import enqueue
from kit.principal import Principal
from kit.protection import random_bytes
from services.registry import bulk_repository as bulk
from services.registry import repository as repo
from services.registry.bank_accounts import BANK_ACCOUNT_FIELD, mask_bank_account
from services.registry.components import ID_NUMBER_FIELD, PHONE_FIELD, Components
from services.registry.household_reimport import Reimport, reimport_household
from services.registry.household_rows import (
    Finding,
    ParsedHousehold,
    ParsedMember,
    Row,
    not_together,
    parse_household,
    rows_by_household,
)
from services.registry.lifecycle import Lifecycle
from services.registry.models import HistoryEntry, Household, Member
from services.registry.national_codes import HOUSEHOLD_FIELDS as HOUSEHOLD_STANDARD
from services.registry.protected_members import Protected, member_row
from services.registry.vocabulary import MonitoringCategory

HOUSEHOLDS_IMPORTED = "registry.households.imported"
BATCH_HOUSEHOLDS = 500


@dataclass
class Tally:
    rows: int = 0
    rows_refused: int = 0
    households: int = 0
    households_refused: int = 0
    new_households: int = 0
    changed_households: int = 0
    unchanged_households: int = 0
    new_members: int = 0

    def count(self, batch: Prepared) -> None:
        self.households += batch.groups
        self.rows += batch.rows
        self.households_refused += batch.households_refused
        self.rows_refused += batch.rows_refused


@dataclass
class Prepared:
    """One batch of the file, checked and protected off the event loop."""

    groups: int = 0
    rows: int = 0
    rows_refused: int = 0
    households_refused: int = 0
    households: list[ParsedHousehold] = field(default_factory=list)
    protected: dict[str, list[Protected]] = field(default_factory=dict)
    refused: list[Finding] = field(default_factory=list)


@dataclass
class BatchWrites:
    households: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    events: list[events_pb2.HouseholdChanged] = field(default_factory=list)


class HouseholdImport:
    """One import run; `apply` takes one batch of parsed households inside the run's
    transaction and returns the findings of the households it refused."""

    def __init__(self, components: Components, caller: Principal, job_id: str) -> None:
        self.c = components
        self.caller = caller
        self.job_id = job_id
        self.reason = f"import {job_id}"
        self.tally = Tally()

    async def run(
        self,
        session: AsyncSession,
        rows: Iterator[tuple[int, list[str]]],
        positions: dict[str, int],
        report: Callable[[list[Finding]], None],
    ) -> None:
        """Every household of the file, batch by batch; `report` gets the problems of the
        households refused."""
        groups, seen = rows_by_household(rows, positions), set[str]()
        while (batch := self.prepare(groups, seen)).groups:
            self.tally.count(batch)
            report(batch.refused)
            report(await self.apply(session, batch))

    def prepare(self, groups: Iterator[tuple[str, list[Row]]], seen: set[str]) -> Prepared:
        """The next batch: every household checked on its own rows, its people's numbers
        encrypted and indexed. A number seen before (rows not kept together) is refused."""
        batch = Prepared()
        for number, rows in islice(groups, BATCH_HOUSEHOLDS):
            batch.groups += 1
            batch.rows += len(rows)
            if number and number in seen:
                household, problems = None, [not_together(number, rows[0].line)]
            else:
                seen.add(number)
                household, problems = parse_household(number, rows, self.caller.region_code)
            if household is None:
                batch.refused.extend(problems)
                batch.rows_refused += len(rows)
                batch.households_refused += 1
                continue
            batch.households.append(household)
            batch.protected[number] = [self.protect(m) for m in household.members]
        return batch

    async def apply(self, session: AsyncSession, batch: Prepared) -> list[Finding]:
        protected = batch.protected
        existing = await bulk.households_numbered(session, list(protected))
        registered = await bulk.households_of_indexes(
            session, [p.index for people in protected.values() for p in people]
        )
        members = await repo.members_of(session, [h.id for h in existing.values()])
        writes, findings, claimed = BatchWrites(), list[Finding](), set[bytes]()
        now = utcnow()
        for household in batch.households:
            people = protected[household.number]
            current = existing.get(household.number)
            if current is not None:
                known = {m.id_number_index for m in members[current.id]}
                joining = [p for p in people if p.index not in known]
                problems = self.conflicts(household, joining, {}, claimed)
                if not problems:
                    work = Reimport(household, current, members[current.id], people, registered)
                    problems = self.reimport(session, work)
            else:
                problems = self.conflicts(household, people, registered, claimed)
                if not problems:
                    self.add_new(writes, household, people, now)
            if problems:
                self.tally.households_refused += 1
                self.tally.rows_refused += len(household.members)
            findings.extend(problems)
        await bulk.insert_rows(session, Household, writes.households)
        await bulk.insert_rows(session, Member, writes.members)
        await bulk.insert_rows(session, HistoryEntry, writes.history)
        if writes.events:
            imported = events_pb2.HouseholdsImported(job_id=self.job_id, households=writes.events)
            enqueue(
                session,
                HOUSEHOLDS_IMPORTED,
                imported,
                msg_id=f"{self.job_id}-{writes.events[0].household_id}",
            )
        return findings

    def protect(self, member: ParsedMember) -> Protected:
        protector = self.c.protector
        return Protected(
            member,
            protector.encrypt(member.id_number, ID_NUMBER_FIELD),
            protector.blind_index(member.id_number, ID_NUMBER_FIELD),
            protector.encrypt(member.phone, PHONE_FIELD) if member.phone else None,
            protector.blind_index(member.phone, PHONE_FIELD) if member.phone else None,
        )

    def bank_account(self, account: str) -> dict[str, Any]:
        """The columns of a household's bank account, encrypted and masked."""
        if not account:
            return {"bank_account_cipher": None, "bank_account_masked": ""}
        return {
            "bank_account_cipher": self.c.protector.encrypt(account, BANK_ACCOUNT_FIELD),
            "bank_account_masked": mask_bank_account(account),
        }

    @staticmethod
    def conflicts(
        household: ParsedHousehold,
        people: list[Protected],
        registered: dict[bytes, str],
        claimed: set[bytes],
    ) -> list[Finding]:
        """People new to a household who are registered already, or claimed by a household
        earlier in this batch (they claim them in turn)."""
        found = [
            Finding(
                p.member.line,
                "id_number",
                "this person is already registered in another household",
                household.number,
            )
            for p in people
            if p.index in registered or p.index in claimed
        ]
        claimed.update(p.index for p in people)
        return found

    def add_new(
        self, writes: BatchWrites, household: ParsedHousehold, people: list[Protected], now
    ) -> None:  # type: ignore[no-untyped-def]
        lifecycle = (
            Lifecycle.registered_for_monitoring(MonitoringCategory(household.monitoring_category))
            if household.monitoring_category
            else Lifecycle.registered_poor()
        )
        household_id = random_bytes(16).hex()
        writes.households.append(
            {
                "id": household_id,
                "number": household.number,
                "village_code": household.village_code,
                "latitude": household.latitude,
                "longitude": household.longitude,
                "attribute": household.attribute,
                "status": str(lifecycle.status),
                "monitoring_category": household.monitoring_category,
                "has_exited": False,
                "main_cause": household.main_cause,
                "secondary_causes": json.dumps(household.secondary_causes),
                "assistance_category": household.assistance_category,
                "assistance_categories": json.dumps(household.assistance_categories),
                **{spec.name: household.standard.get(spec.name) for spec in HOUSEHOLD_STANDARD},
                **self.bank_account(household.bank_account),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        writes.members.extend(
            member_row(household_id, position, p) for position, p in enumerate(people)
        )
        writes.history.append(
            {
                "household_id": household_id,
                "at": now,
                "actor_id": self.caller.actor_id,
                "kind": "created",
                "field": "",
                "before": "null",
                "after": json.dumps({"status": str(lifecycle.status), "members": len(people)}),
                "reason": self.reason,
            }
        )
        writes.events.append(
            events_pb2.HouseholdChanged(
                household_id=household_id,
                village_code=household.village_code,
                status=str(lifecycle.status),
                monitoring_category=household.monitoring_category or "",
                version=1,
                actor_id=self.caller.actor_id,
            )
        )
        self.tally.new_households += 1
        self.tally.new_members += len(people)

    def reimport(self, session: AsyncSession, work: Reimport) -> list[Finding]:
        found = reimport_household(session, self.caller, self.reason, work)
        if found.problems:
            return found.problems
        self.tally.new_members += found.new_members
        if found.changed:
            self.tally.changed_households += 1
        else:
            self.tally.unchanged_households += 1
        return []
