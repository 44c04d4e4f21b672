"""The one filter of households: a list, the statistics, the map and exports all narrow the
caller's scope with it — `search_of` checks it once and indexes its identity number, and
`conditions_of` turns it into SQL (the repository's `filtered`).

Searches use indexes, never plaintext: a name prefix is a range on `ix_members_name` (binary
order: COLLATE "C" on PostgreSQL, SQLite's default), an identity number its blind index, the
archive number its unique index."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, not_, or_
from sqlmodel import col, select

from kit.checks import parse
from kit.errors import FieldViolation, InvalidArgument
from kit.id_numbers import normalize_id_number, normalize_mobile
from kit.protection import FieldProtector
from services.registry.components import ID_NUMBER_FIELD, PHONE_FIELD
from services.registry.indicator_sets import load_indicator_sets
from services.registry.models import Household, Indicator, Member, Pairing
from services.registry.net_income import per_capita_below
from services.registry.vocabulary import (
    AssistanceCategory,
    Attribute,
    MonitoringCategory,
    PovertyCause,
    Status,
)

# Past every character: a prefix's range ends just below `prefix + LAST`.
LAST = "\U0010ffff"
MAX_IDS = 200
INDICATORS = frozenset(i for indicators in load_indicator_sets().values() for i in indicators)


class PairingState(StrEnum):
    PAIRED = "paired"
    UNPAIRED = "unpaired"


@dataclass(frozen=True)
class HouseholdFilter:
    """What the caller asked for; empty fields do not narrow."""

    name_prefix: str = ""
    id_number: str = ""
    phone: str = ""
    number: str = ""
    status: str = ""
    attribute: str = ""
    main_cause: str = ""
    cause: str = ""
    assistance_category: str = ""
    monitoring_category: str = ""
    pairing: str = ""
    helper_id: str = ""
    failing_indicators: tuple[str, ...] = ()
    exit_year: int = 0
    changed_since: datetime | None = None
    income_below: int = 0  # yuan per person, the latest year's net income; 0: any
    needing_help: bool = False  # poor (identified or under assistance) or under monitoring
    ids: tuple[str, ...] = ()  # only these households (at most MAX_IDS)


NO_FILTER = HouseholdFilter()


@dataclass(frozen=True)
class Search:
    """A checked filter and the blind indexes of its identity number and phone (b"" without)."""

    wanted: HouseholdFilter = NO_FILTER
    id_number_index: bytes = b""
    phone_index: bytes = b""


def search_of(wanted: HouseholdFilter, protector: FieldProtector) -> Search:
    """The filter if every value is one the registry knows (InvalidArgument, a 400,
    otherwise), with its identity number and phone indexed: never compared as plaintext."""
    checked = checked_filter(wanted)
    number_index = phone_index = b""
    if checked.id_number:
        number = normalize_id_number(checked.id_number, field="filter.id_number")
        number_index = protector.blind_index(number, ID_NUMBER_FIELD)
    if checked.phone:
        phone = normalize_mobile(checked.phone, field="filter.phone")
        phone_index = protector.blind_index(phone, PHONE_FIELD)
    return Search(checked, number_index, phone_index)


def checked_filter(wanted: HouseholdFilter) -> HouseholdFilter:
    """The filter if every value is one the registry knows; InvalidArgument (400) otherwise."""
    vocabularies: dict[str, type[StrEnum]] = {
        "status": Status,
        "attribute": Attribute,
        "main_cause": PovertyCause,
        "cause": PovertyCause,
        "assistance_category": AssistanceCategory,
        "monitoring_category": MonitoringCategory,
        "pairing": PairingState,
    }
    for field, vocabulary in vocabularies.items():
        if value := getattr(wanted, field):
            parse(value, vocabulary, f"filter.{field}")
    unknown = sorted(set(wanted.failing_indicators) - INDICATORS)
    if unknown:
        allowed = ", ".join(sorted(INDICATORS))
        raise InvalidArgument(
            f"filter.failing_indicators must be among: {allowed}",
            reason="INVALID_VALUE",
            violations=[FieldViolation("filter.failing_indicators", f"unknown: {unknown[0]}")],
        )
    if wanted.name_prefix.strip() != wanted.name_prefix or len(wanted.name_prefix) > 64:
        raise InvalidArgument(
            "filter.name_prefix is at most 64 characters without surrounding spaces",
            violations=[FieldViolation("filter.name_prefix", "trimmed, at most 64 characters")],
        )
    if wanted.exit_year and not 1980 <= wanted.exit_year <= 2100:
        raise InvalidArgument(
            "filter.exit_year is a year",
            violations=[FieldViolation("filter.exit_year", "between 1980 and 2100")],
        )
    if len(wanted.ids) > MAX_IDS:
        raise InvalidArgument(
            f"filter.ids takes at most {MAX_IDS} households",
            violations=[FieldViolation("filter.ids", f"at most {MAX_IDS}")],
        )
    if wanted.income_below < 0:
        raise InvalidArgument(
            "filter.income_below is yuan per person, not negative",
            violations=[FieldViolation("filter.income_below", "0 or more")],
        )
    return wanted


def described(wanted: HouseholdFilter) -> dict[str, Any] | None:
    """The filter's narrowing fields as an audit record keeps them: an identity number or a
    phone only as 'given' (the record is read more widely than the archive)."""
    shown = {
        name: (value.isoformat() if isinstance(value, datetime) else value)
        for name, value in asdict(wanted).items()
        if value
    }
    for personal in ("id_number", "phone"):
        if personal in shown:
            shown[personal] = "given"
    return shown or None


def conditions_of(search: Search, *, dialect: str) -> list[Any]:
    """SQL conditions on `households` for the search."""
    wanted = search.wanted
    conditions: list[Any] = []
    for field in ("number", "status", "attribute", "main_cause", "exit_year"):
        if value := getattr(wanted, field):
            conditions.append(col(getattr(Household, field)) == value)
    if wanted.ids:
        conditions.append(col(Household.id).in_(sorted(set(wanted.ids))))
    if wanted.assistance_category:  # among its 五个一批 channels
        channel = f'"{wanted.assistance_category}"'
        conditions.append(col(Household.assistance_categories).contains(channel, autoescape=True))
    if wanted.changed_since is not None:
        conditions.append(col(Household.updated_at) >= wanted.changed_since)
    if wanted.income_below:
        conditions.append(per_capita_below(wanted.income_below))
    if wanted.monitoring_category:
        conditions.append(col(Household.monitoring_category) == wanted.monitoring_category)
    if wanted.needing_help:
        poor = (Status.IDENTIFIED.value, Status.UNDER_ASSISTANCE.value)
        monitored = col(Household.monitoring_category).is_not(None)
        conditions.append(or_(col(Household.status).in_(poor), monitored))
    if wanted.cause:
        conditions.append(
            or_(
                col(Household.main_cause) == wanted.cause,
                col(Household.secondary_causes).contains(f'"{wanted.cause}"', autoescape=True),
            )
        )
    if wanted.name_prefix:
        name: Any = col(Member.name)
        if dialect == "postgresql":
            name = name.collate("C")
        named = and_(name >= wanted.name_prefix, name < wanted.name_prefix + LAST)
        conditions.append(col(Household.id).in_(select(Member.household_id).where(named)))
    if wanted.id_number:
        holder = select(Member.household_id).where(Member.id_number_index == search.id_number_index)
        conditions.append(col(Household.id).in_(holder))
    if wanted.phone:
        caller = select(Member.household_id).where(col(Member.phone_index) == search.phone_index)
        conditions.append(col(Household.id).in_(caller))
    paired = exists().where(col(Pairing.household_id) == col(Household.id))
    if wanted.pairing == PairingState.PAIRED:
        conditions.append(paired)
    elif wanted.pairing == PairingState.UNPAIRED:
        conditions.append(not_(paired))
    if wanted.helper_id:
        conditions.append(paired.where(col(Pairing.helper_id) == wanted.helper_id))
    for indicator in sorted(set(wanted.failing_indicators)):
        failing = exists().where(
            col(Indicator.household_id) == col(Household.id),
            col(Indicator.indicator) == indicator,
            col(Indicator.compliant).is_(False),
        )
        conditions.append(failing)
    return conditions
