"""What funds read of a project (the projects' own repository owns the table and its status
lifecycle; funds never change them): its place, its status and its budget per source."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass(frozen=True)
class FundedProject:
    id: str
    region_code: str
    status: str
    budget_fen: dict[str, int]


async def find_project(session: AsyncSession, project_id: str) -> FundedProject | None:
    raise NotImplementedError  # filled in on the projects skeleton
