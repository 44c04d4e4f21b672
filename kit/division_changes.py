"""Every service's records follow a division change. Identity publishes
`identity.division.changed` (each moved subtree's old prefix → new prefix, of equal length) once it
has re-coded its regions and users; each service consumes it (a durable consumer with its inbox:
exactly once) and re-codes the region columns it names — one UPDATE per column, in the
consumer's unit of work, so a change is applied to a service wholly or not at all.

A region code is stored as `String(12)` wherever it places a record in the territory today (a
need's village and owning level, a project's region, a message's recipient's region …) and so
decides who sees it; `region_columns` finds those columns in a service's models, and a service
adds what needs more than an UPDATE (the registry's households, which record the move in their
history; a course's list of regions). Codes kept as a record of the past — a need's steps, the
audit (docs/audit.md) — are plain strings and keep the code of the time of the act."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from sqlalchemy import String, Table, func, literal, update
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2
from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer, Handler
from kit.territory import CODE_LENGTH

log = logging.getLogger(__name__)
DIVISION_CHANGED = "identity.division.changed"
# A service's own re-coding of a subtree, beside its columns': (session, the change, old prefix,
# new prefix)
Recoder = Callable[[AsyncSession, events_pb2.DivisionChanged, str, str], Awaitable[None]]


@dataclass(frozen=True)
class RegionColumn:
    model: type[SQLModel]
    column: str

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined, no-any-return]


def region_columns(models: ModuleType, *, but: Sequence[str] = ()) -> tuple[RegionColumn, ...]:
    """The region columns (`String(12)`) of the tables `models` defines, `but` those named
    "table.column" (re-coded another way)."""
    found = []
    for model in vars(models).values():
        table = getattr(model, "__table__", None)
        if not isinstance(table, Table) or model.__module__ != models.__name__:
            continue
        for column in table.columns:
            is_code = isinstance(column.type, String) and column.type.length == CODE_LENGTH
            if is_code and f"{table.name}.{column.name}" not in but:
                found.append(RegionColumn(model, column.name))
    return tuple(found)


async def recode_regions(
    session: AsyncSession, columns: Sequence[RegionColumn], old_prefix: str, new_prefix: str
) -> int:
    """Move every code under `old_prefix` to `new_prefix` in each column; how many values moved."""
    if len(old_prefix) != len(new_prefix) or not old_prefix.isdigit() or not new_prefix.isdigit():
        raise ValueError(f"{old_prefix} → {new_prefix}: prefixes are digits of equal length")
    moved = 0
    for named in columns:
        column = named.table.c[named.column]
        statement = (
            update(named.table)
            .where(column.startswith(old_prefix))
            .values({named.column: literal(new_prefix) + func.substr(column, len(old_prefix) + 1)})
        )
        moved += (await session.exec(statement)).rowcount  # type: ignore[attr-defined]
    return moved


def division_change_handler(columns: Sequence[RegionColumn], *also: Recoder) -> Handler:
    """The consumer's handler of `identity.division.changed`: each moved subtree re-coded in
    the service's columns and by its own recoders, in the one unit of work."""

    async def on_division_changed(
        session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        change = events_pb2.DivisionChanged.FromString(payload)
        moved = 0
        for mapping in change.mappings:
            for recoder in also:
                await recoder(session, change, mapping.old_prefix, mapping.new_prefix)
            moved += await recode_regions(session, columns, mapping.old_prefix, mapping.new_prefix)
        log.info("division change %s: %d region codes re-coded", change.change_id, moved)

    return on_division_changed


def division_change_consumer(bus: Bus, db: Database, service: str, handler: Handler) -> Consumer:
    """The service's durable consumer (`<service>-division-changes`) of identity's changes."""
    return Consumer(
        bus,
        db,
        stream="identity",
        durable=f"{service}-division-changes",
        filter_subject=DIVISION_CHANGED,
        handler=handler,
    )
