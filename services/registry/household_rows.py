"""Reading a household out of the rows of an import file (one row per member, the household's
columns on each of them): every cell checked, every problem named by line and column. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kit.checks import parse
from kit.errors import InvalidArgument
from kit.id_numbers import normalize_id_number, normalize_mobile
from kit.territory import Level, is_valid_code, is_within, level_of
from services.registry import national_codes
from services.registry.bank_accounts import normalize_bank_account
from services.registry.domain import check_location, check_members, check_relation
from services.registry.edits import assistance_categories
from services.registry.lifecycle import Lifecycle
from services.registry.templates import HOUSEHOLD_FIELDS, LABELS, from_label
from services.registry.vocabulary import (
    AssistanceCategory,
    Attribute,
    MonitoringCategory,
    PovertyCause,
)

CAUSE_SEPARATORS = ("、", "，", ",", ";", "；", "|")
MEMBER_TEXT_FIELDS = ("education", "health", "disability", "labour_capacity", "schooling")


@dataclass(frozen=True)
class Finding:
    """One problem of an import file (or one difference found by a reconciliation)."""

    line: int
    column: str
    message: str
    household_number: str = ""
    registry_value: str = ""
    file_value: str = ""


def not_together(number: str, line: int) -> Finding:
    """A household number seen before in the file: its rows were not kept together."""
    message = "the rows of this household are not together: it appeared before"
    return Finding(line, "household_number", message, number)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


@dataclass
class ParsedMember:
    line: int
    name: str
    id_number: str
    relation: str
    education: str = ""
    health: str = ""
    disability: str = ""
    labour_capacity: str = ""
    schooling: str = ""
    phone: str = ""
    standard: dict[str, Any] = field(default_factory=dict)  # national_codes.MEMBER_FIELDS


@dataclass
class ParsedHousehold:
    number: str
    village_code: str
    attribute: str
    main_cause: str
    secondary_causes: list[str]
    assistance_category: str | None
    monitoring_category: str | None
    latitude: float | None
    longitude: float | None
    first_line: int
    members: list[ParsedMember] = field(default_factory=list)
    standard: dict[str, Any] = field(default_factory=dict)  # national_codes.HOUSEHOLD_FIELDS
    bank_account: str = ""  # plain digits: encrypted before it is stored
    assistance_categories: list[str] = field(default_factory=list)


def cells_by_key(cells: list[str], positions: dict[str, int]) -> dict[str, str]:
    """A file row's cells by template column, trimmed; those a short row lacks are empty."""
    return {
        key: cells[index].strip() if index < len(cells) else "" for key, index in positions.items()
    }


def rows_by_household(
    rows: Iterator[tuple[int, list[str]]], positions: dict[str, int]
) -> Iterator[tuple[str, list[Row]]]:
    """Consecutive rows with the same household number, as one group."""
    number, group = "", list[Row]()
    for line, cells in rows:
        values = cells_by_key(cells, positions)
        row = Row(line, values)
        if group and values["household_number"] != number:
            yield number, group
            group = []
        number = values["household_number"]
        group.append(row)
    if group:
        yield number, group


class _Checker:
    """Collects findings instead of stopping at the first one."""

    def __init__(self, number: str) -> None:
        self.number = number
        self.findings: list[Finding] = []

    def check(self, line: int, column: str, check):  # type: ignore[no-untyped-def]
        try:
            return check()
        except InvalidArgument as error:
            self.findings.append(Finding(line, column, error.message, self.number))
        except ValueError:
            self.findings.append(Finding(line, column, "not a number", self.number))
        return None


def parse_household(
    number: str, rows: list[Row], scope: str
) -> tuple[ParsedHousehold | None, list[Finding]]:
    """The household of `rows` (all in `scope`), or None and everything wrong with them."""
    first = rows[0]
    checker = _Checker(number)
    values = first.values
    for row in rows[1:]:
        for key in HOUSEHOLD_FIELDS:
            if row.values.get(key) and row.values[key] != values.get(key, ""):
                checker.findings.append(
                    Finding(row.line, key, "differs from the household's first row", number)
                )
    if not number:
        checker.findings.append(Finding(first.line, "household_number", "required", number))
    village = values["village_code"]
    if not (is_valid_code(village) and level_of(village) is Level.VILLAGE):
        checker.findings.append(Finding(first.line, "village_code", "not a village code", number))
    elif not is_within(village, scope):
        checker.findings.append(
            Finding(first.line, "village_code", "not a village of your territory", number)
        )
    household = _household_fields(checker, first, number)
    members = [_member(checker, row) for row in rows]
    relations = [m.relation for m in members if m is not None]
    if len(relations) == len(rows):
        checker.check(first.line, "relation", lambda: check_members(relations))
    if checker.findings or household is None:
        return None, checker.findings
    household.members = [m for m in members if m is not None]
    return household, []


def _household_fields(checker: _Checker, row: Row, number: str) -> ParsedHousehold | None:
    values, line = row.values, row.line

    def vocabulary(key: str, labels: str, enum, required: bool = True):  # type: ignore[no-untyped-def]
        value = values.get(key, "")
        if not value:
            if required:
                checker.findings.append(Finding(line, key, "required", number))
            return None
        try:
            return str(parse(from_label(labels, value), enum, key))
        except InvalidArgument:
            checker.findings.append(Finding(line, key, one_of(labels, enum), number))
            return None

    attribute = vocabulary("attribute", "attribute", Attribute)
    main_cause = vocabulary("main_cause", "cause", PovertyCause)
    secondary = _split(values.get("secondary_causes", ""))
    if not set(secondary) <= set(PovertyCause):
        checker.findings.append(
            Finding(line, "secondary_causes", one_of("cause", PovertyCause), number)
        )
    category = vocabulary("assistance_category", "assistance_category", AssistanceCategory, False)
    monitoring = vocabulary("monitoring_category", "monitoring_category", MonitoringCategory, False)
    if monitoring:
        checker.check(
            line,
            "monitoring_category",
            lambda: Lifecycle.registered_for_monitoring(MonitoringCategory(monitoring)),
        )
    location = checker.check(line, "latitude", lambda: _location(values))
    standard = _standard(checker, row, national_codes.HOUSEHOLD_FIELDS)
    account = values.get("bank_account", "")
    if account:
        account = checker.check(line, "bank_account", lambda: normalize_bank_account(account))
    channels = checker.check(
        line,
        "assistance_categories",
        lambda: assistance_categories(
            [*_split(values.get("assistance_categories", ""), None), category or ""]
        ),
    )
    if (
        checker.findings
        or attribute is None
        or main_cause is None
        or location is None
        or account is None
        or channels is None
    ):
        return None
    return ParsedHousehold(
        number=number,
        village_code=values["village_code"],
        attribute=attribute,
        main_cause=main_cause,
        secondary_causes=sorted(set(secondary)),
        assistance_category=category,
        monitoring_category=monitoring,
        latitude=location[0],
        longitude=location[1],
        first_line=line,
        standard=standard,
        bank_account=account,
        assistance_categories=channels,
    )


def _standard(
    checker: _Checker, row: Row, specs: tuple[national_codes.StandardField, ...]
) -> dict[str, Any]:
    """The national standard's cells of a row (codes or their Chinese labels, 是/否), checked;
    an empty cell is not recorded."""
    found: dict[str, Any] = {}
    for spec in specs:
        text = row.values.get(spec.name, "")
        if text:
            value = checker.check(
                row.line,
                spec.name,
                lambda s=spec, t=text: national_codes.checked((s,), {s.name: t}),
            )
            if value is not None:
                found.update(value)
    return found


def one_of(labels: str, vocabulary: type[StrEnum]) -> str:
    return f"must be one of: {'、'.join(LABELS[labels])} (or {', '.join(vocabulary)})"


def _split(text: str, labels: str | None = "cause") -> list[str]:
    for separator in CAUSE_SEPARATORS[1:]:
        text = text.replace(separator, CAUSE_SEPARATORS[0])
    parts = [part.strip() for part in text.split(CAUSE_SEPARATORS[0]) if part.strip()]
    return [from_label(labels, part) for part in parts] if labels else parts


def _location(values: dict[str, str]) -> tuple[float | None, float | None]:
    latitude, longitude = values.get("latitude", ""), values.get("longitude", "")
    parsed = (float(latitude) if latitude else None, float(longitude) if longitude else None)
    check_location(*parsed)
    return parsed


def _member(checker: _Checker, row: Row) -> ParsedMember | None:
    values, line = row.values, row.line
    name = values.get("name", "")
    if not name or len(name) > 64:
        checker.findings.append(
            Finding(line, "name", "required, at most 64 characters", checker.number)
        )
    number = checker.check(line, "id_number", lambda: normalize_id_number(values["id_number"]))
    relation = checker.check(
        line,
        "relation",
        lambda: check_relation(from_label("relation", values["relation"]), "relation"),
    )
    phone = values.get("phone", "")
    if phone:
        phone = checker.check(line, "phone", lambda: normalize_mobile(phone))
    before = len(checker.findings)
    standard = _standard(checker, row, national_codes.MEMBER_FIELDS)
    if (
        not name
        or len(name) > 64
        or number is None
        or relation is None
        or phone is None
        or len(checker.findings) > before
    ):
        return None
    texts = {key: values.get(key, "")[:64] for key in MEMBER_TEXT_FIELDS}
    return ParsedMember(line, name, number, relation, phone=phone, standard=standard, **texts)
