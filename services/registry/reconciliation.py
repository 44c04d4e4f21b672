"""Reconciling the registry with the national system's export (区办 vs 国办): households and
members missing on either side and every field that differs, as findings shown the way the
export shows them (Chinese labels, identity numbers masked). Reads only; changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.id_numbers import mask_id_number
from kit.principal import Principal
from kit.scope import Scope
from kit.territory import is_valid_code, is_within
from services.registry import bulk_repository as bulk
from services.registry import repository as repo
from services.registry.bank_accounts import mask_bank_account
from services.registry.components import ID_NUMBER_FIELD, Components
from services.registry.exports import PAGE, household_cells, member_cells
from services.registry.household_import import BATCH_HOUSEHOLDS
from services.registry.household_rows import (
    Finding,
    ParsedHousehold,
    ParsedMember,
    Row,
    not_together,
    parse_household,
    rows_by_household,
)
from services.registry.models import Household, Member
from services.registry.national_codes import HOUSEHOLD_FIELDS as HOUSEHOLD_STANDARD
from services.registry.national_codes import MEMBER_FIELDS as MEMBER_STANDARD
from services.registry.templates import HOUSEHOLD_FIELDS, MEMBER_FIELDS

OUTSIDE_REGION = "outside the reconciled region"
MISSING_IN_REGISTRY = "missing in the registry"
MISSING_IN_EXPORT = "missing in the national export"
MEMBER_MISSING_IN_REGISTRY = "member missing in the registry"
MEMBER_MISSING_IN_EXPORT = "member missing in the national export"
DIFFERS = "differs"
# Personal numbers are matched (identity) or not compared (phones: shown masked only).
COMPARED_MEMBER_FIELDS = tuple(key for key in MEMBER_FIELDS if key not in ("id_number", "phone"))


@dataclass
class ReconciliationTally:
    households_in_file: int = 0
    households_refused: int = 0  # their rows cannot be read as a household
    outside_region: int = 0
    matched: int = 0
    identical: int = 0
    with_differences: int = 0
    missing_in_registry: int = 0
    missing_in_export: int = 0
    differences: int = 0  # fields and members that differ, in the matched households


class Reconciliation:
    """One reconciliation of the region `scope`, for `caller`."""

    def __init__(self, components: Components, caller: Principal, scope: Scope) -> None:
        self.protector = components.protector
        self.caller, self.scope = caller, scope
        self.tally = ReconciliationTally()
        self.seen: set[str] = set()
        self.columns: set[str] = set()  # the file's columns: only those are compared

    async def run(
        self,
        session: AsyncSession,
        rows: Iterator[tuple[int, list[str]]],
        positions: dict[str, int],
        report: Callable[[list[Finding]], None],
    ) -> None:
        """The file's households batch by batch, then the region's households it lacks."""
        self.columns = set(positions)
        households = self.households(rows_by_household(rows, positions), report)
        while batch := list(islice(households, BATCH_HOUSEHOLDS)):
            report(await self.compare(session, batch))
        await self.missing_in_export(session, report)

    def households(
        self, groups: Iterator[tuple[str, list[Row]]], report: Callable[[list[Finding]], None]
    ) -> Iterator[ParsedHousehold]:
        """The file's households of the region that read well; the others are reported."""
        for number, rows in groups:
            self.tally.households_in_file += 1
            first = rows[0]
            if number and number in self.seen:
                household, problems = None, [not_together(number, first.line)]
            else:
                self.seen.add(number)
                village = first.values["village_code"]
                if is_valid_code(village) and not self.scope.covers_region(village):
                    self.tally.outside_region += 1
                    report([Finding(first.line, "village_code", OUTSIDE_REGION, number)])
                    continue
                household, problems = parse_household(number, rows, self.scope.region_code)
            if household is None:
                self.tally.households_refused += 1
                report(problems)
            else:
                yield household

    async def compare(self, session: AsyncSession, batch: list[ParsedHousehold]) -> list[Finding]:
        """One batch of the file's households against the registry, in two look-ups."""
        registered = await bulk.households_numbered(session, [h.number for h in batch])
        # a household outside the caller's territory looks exactly like a missing one
        visible = {
            n: h
            for n, h in registered.items()
            if is_within(h.village_code, self.caller.region_code)
        }
        members = await repo.members_of(session, [h.id for h in visible.values()])
        found: list[Finding] = []
        for household in batch:
            current = visible.get(household.number)
            if current is None:
                self.tally.missing_in_registry += 1
                found.append(
                    Finding(
                        household.first_line,
                        "household_number",
                        MISSING_IN_REGISTRY,
                        household.number,
                    )
                )
                continue
            differences = household_differences(household, current, self.columns)
            differences += self.member_differences(household, members[current.id])
            self.tally.matched += 1
            self.tally.differences += len(differences)
            if differences:
                self.tally.with_differences += 1
            else:
                self.tally.identical += 1
            found += differences
        return found

    def member_differences(
        self, household: ParsedHousehold, members: list[Member]
    ) -> list[Finding]:
        """Members matched by identity number (its blind index): missing ones, changed fields."""
        by_index = {m.id_number_index: m for m in members}
        number, protector = household.number, self.protector
        found: list[Finding] = []
        for person in household.members:
            current = by_index.pop(protector.blind_index(person.id_number, ID_NUMBER_FIELD), None)
            if current is None:
                masked = mask_id_number(person.id_number)
                found.append(
                    Finding(
                        person.line,
                        "id_number",
                        MEMBER_MISSING_IN_REGISTRY,
                        number,
                        file_value=masked,
                    )
                )
                continue
            registry, file = member_view(current), member_view(file_member(person))
            compared = tuple(key for key in COMPARED_MEMBER_FIELDS if key in self.columns)
            found += differing(person.line, number, compared, registry, file)
        found += [
            Finding(
                household.first_line,
                "id_number",
                MEMBER_MISSING_IN_EXPORT,
                number,
                registry_value=m.id_number_masked,
            )
            for m in by_index.values()
        ]
        return found

    async def missing_in_export(
        self, session: AsyncSession, report: Callable[[list[Finding]], None]
    ) -> None:
        """The region's households in the registry whose number the file never mentioned."""
        after = ""
        while True:
            page = list(await bulk.households_page(session, self.scope, after, PAGE))
            missing = [
                Finding(0, "household_number", MISSING_IN_EXPORT, h.number)
                for h in page
                if h.number not in self.seen
            ]
            self.tally.missing_in_export += len(missing)
            report(missing)
            if len(page) < PAGE:
                return
            after = page[-1].id


def household_differences(
    household: ParsedHousehold, current: Household, columns: set[str]
) -> list[Finding]:
    """The fields of the file's columns (an export without the national standard's newer
    columns is compared on those it has) that differ from the registry."""
    registry, file = household_view(current), household_view(file_household(household))
    compared = tuple(key for key in HOUSEHOLD_FIELDS if key in columns)
    return differing(household.first_line, household.number, compared, registry, file)


def differing(
    line: int, number: str, keys: tuple[str, ...], registry: dict[str, str], file: dict[str, str]
) -> list[Finding]:
    return [
        Finding(line, key, DIFFERS, number, registry_value=registry[key], file_value=file[key])
        for key in keys
        if registry[key] != file[key]
    ]


def household_view(household: Household) -> dict[str, str]:
    """The household's cells as the export shows them; secondary causes in one order."""
    view = dict(zip(HOUSEHOLD_FIELDS, household_cells(household), strict=True))
    view["secondary_causes"] = "、".join(sorted(filter(None, view["secondary_causes"].split("、"))))
    return view


def member_view(member: Member) -> dict[str, str]:
    return dict(zip(MEMBER_FIELDS, member_cells(member), strict=True))


def file_household(household: ParsedHousehold) -> Household:
    """The file's household as an unsaved registry row (only the exported fields set), to be
    shown by the export's own cells; it never reaches a session."""
    own = ("bank_account", "assistance_categories", *(s.name for s in HOUSEHOLD_STANDARD))
    fields: dict[str, Any] = {
        key: getattr(household, key) for key in HOUSEHOLD_FIELDS[1:] if key not in own
    }
    fields["secondary_causes"] = json.dumps(household.secondary_causes)
    fields["assistance_categories"] = json.dumps(household.assistance_categories)
    account = household.bank_account
    fields["bank_account_masked"] = mask_bank_account(account) if account else ""
    return Household(number=household.number, **fields, **household.standard)


def file_member(member: ParsedMember) -> Member:
    own = {spec.name for spec in MEMBER_STANDARD}
    fields: dict[str, Any] = {
        key: getattr(member, key) for key in COMPARED_MEMBER_FIELDS if key not in own
    }
    return Member(id_number_masked=mask_id_number(member.id_number), **fields, **member.standard)
