"""The orders of a household list — by id (the default), the head's name, the archive number,
or the latest change (newest first) — and their keyset cursors: a cursor names its order and
the last row's key and id (ties broken by id), so a page follows the previous one however rows
are added, and a cursor of another order is refused (400)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from kit.checks import parse
from kit.clock import aware
from kit.paging import invalid_token
from services.registry.models import Household, Member


class HouseholdSort(StrEnum):
    ID = "id"
    NAME = "name"  # the head's name
    NUMBER = "number"  # the archive number
    UPDATED = "updated"  # the latest change, newest first


@dataclass(frozen=True)
class Ordering:
    """A checked order and the position after which a page starts (None: the first page)."""

    sort: HouseholdSort = HouseholdSort.ID
    after: tuple[str, str] | None = None  # the key (as text) and the id of the last row


BY_ID = Ordering()


def ordering_of(sort: str, cursor: str | None) -> Ordering:
    """The order named (InvalidArgument, a 400, if unknown) and the cursor's position in it."""
    checked = parse(sort or HouseholdSort.ID.value, HouseholdSort, "sort")
    if cursor is None:
        return Ordering(checked)
    try:
        named, key, household_id = json.loads(cursor)
    except (ValueError, TypeError) as exc:
        raise invalid_token() from exc
    if named != checked or not isinstance(key, str) or not isinstance(household_id, str):
        raise invalid_token()  # a cursor of another order
    if checked == HouseholdSort.UPDATED:
        _instant(key)
    return Ordering(checked, (key, household_id))


def cursor_of(sort: HouseholdSort, household: Household, members: list[Member]) -> str:
    """The cursor after this row in this order."""
    key = {
        HouseholdSort.ID: lambda: household.id,
        HouseholdSort.NAME: lambda: next((m.name for m in members if m.relation == "head"), ""),
        HouseholdSort.NUMBER: lambda: household.number,
        HouseholdSort.UPDATED: lambda: aware(household.updated_at).isoformat(),
    }[sort]()
    return json.dumps([sort.value, key, household.id], ensure_ascii=False)


def arranged(statement: Any, ordering: Ordering) -> Any:
    """The statement on `households` ordered, and started after the ordering's position."""
    return positioned(statement, ordering).order_by(*order_of(ordering))


def positioned(statement: Any, ordering: Ordering) -> Any:
    """The statement on `households` started after the ordering's position (unordered)."""
    if ordering.after is None:
        return statement
    key, household_id = _key(ordering.sort), col(Household.id)
    text, last_id = ordering.after
    if ordering.sort == HouseholdSort.UPDATED:  # newest first
        value: Any = _instant(text)
        beyond = key < value
    else:
        value = text
        beyond = key > value
    return statement.where(or_(beyond, and_(key == value, household_id > last_id)))


def order_of(ordering: Ordering) -> list[Any]:
    """The ORDER BY of the ordering: its key, then the id."""
    household_id = col(Household.id)
    if ordering.sort == HouseholdSort.ID:
        return [household_id]
    key = _key(ordering.sort)
    return [key.desc() if ordering.sort == HouseholdSort.UPDATED else key, household_id]


def _key(sort: HouseholdSort) -> Any:
    if sort == HouseholdSort.NAME:
        head = (
            select(func.min(Member.name))
            .where(col(Member.household_id) == col(Household.id), col(Member.relation) == "head")
            .correlate(Household)
            .scalar_subquery()
        )
        return func.coalesce(head, "")
    return col(
        {
            HouseholdSort.ID: Household.id,
            HouseholdSort.NUMBER: Household.number,
            HouseholdSort.UPDATED: Household.updated_at,
        }[sort]
    )


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise invalid_token() from exc
    if at.tzinfo is None:
        raise invalid_token()
    return at
