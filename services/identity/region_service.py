"""Use-cases of the territory: look-ups from the in-memory tree, loading the official codes,
and division changes (merge, re-code, re-parent, rename) applied as one audited unit that
keeps every old code with its successor."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import utcnow
from kit.db import lock_for_transaction
from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from kit.paging import MAX_PAGE
from kit.principal import Principal
from kit.territory import Level, is_within, level_of, parent_code, recode
from services.identity import events
from services.identity import repository as repo
from services.identity.auth_service import AuthService, now_ms
from services.identity.components import Components
from services.identity.domain import PlannedStep, plan_division_steps, validate_region_code
from services.identity.models import DivisionChangeRecord
from services.identity.region_tree import RegionNode, RegionTree

BATCH = 5000


def read_regions_file(path: Path) -> Iterator[dict]:
    """Rows of a `code<TAB>name` file (gzip or plain), with level and parent derived."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            code, name = line.rstrip("\n").split("\t")
            yield {
                "code": code,
                "name": name,
                "level": int(level_of(code)),
                "parent_code": parent_code(code),
            }


async def load_tree(session: AsyncSession) -> RegionTree:
    rows = await repo.all_regions(session)
    nodes = (
        RegionNode(r.code, r.name, r.level, r.parent_code, r.retired, r.successor_code)
        for r in rows
    )
    return RegionTree(nodes, version=await repo.latest_division_seq(session))


@dataclass(frozen=True)
class DivisionRequest:
    kind: str
    reason: str
    steps: list[tuple[str, str, str]]
    retire_codes: list[str]
    effective_date: str


class RegionService:
    def __init__(self, components: Components, auth: AuthService) -> None:
        self.c = components
        self.auth = auth

    # ------------------------------------------------------------------ reads

    def seen(self, caller: Principal, code: str) -> RegionNode | None:
        """Regions of the caller's subtree and the caller's own ancestors; nothing else exists."""
        node = self.c.regions.get(code)
        if node is None or not (
            is_within(code, caller.region_code) or is_within(caller.region_code, code)
        ):
            return None
        return node

    def visible(self, caller: Principal, code: str) -> RegionNode:
        node = self.seen(caller, code)
        if node is None:
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        return node

    def named(self, caller: Principal, codes: list[str]) -> list[RegionNode]:
        """The regions of `codes` the caller sees, in the order asked (each once); the others
        are left out, as if they did not exist."""
        if len(codes) > MAX_PAGE:
            raise InvalidArgument(f"at most {MAX_PAGE} codes", reason="TOO_MANY_CODES")
        found: dict[str, RegionNode] = {}
        for code in codes:
            node = self.seen(caller, code)
            if node is not None:
                found.setdefault(code, node)
        return list(found.values())

    def children(
        self, caller: Principal, code: str, name_prefix: str, after: str, limit: int
    ) -> list[RegionNode]:
        node = self.visible(caller, code or caller.region_code)
        if not is_within(node.code, caller.region_code):
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        found = [
            child
            for child in self.c.regions.children(node.code)
            if child.code > after and child.name.startswith(name_prefix)
        ]
        return found[:limit]

    async def refresh_if_changed(self) -> None:
        """Rebuild the tree when another replica applied a division change, or when the codes
        were loaded after this process started (a bootstrap Job beside the first pods)."""
        async with self.c.db.read_only() as session:
            if await repo.latest_division_seq(session) != self.c.regions.version or (
                not self.c.regions and await repo.count_regions(session)
            ):
                self.c.regions = await load_tree(session)

    async def reload(self) -> None:
        async with self.c.db.read_only() as session:
            self.c.regions = await load_tree(session)

    async def list_changes(self, before_seq: int | None, limit: int) -> list[DivisionChangeRecord]:
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_division_changes(session, before_seq=before_seq, limit=limit)
            )

    # ------------------------------------------------------------------ loading

    async def load_file(self, path: Path) -> int:
        """Load the official codes into an empty table; a second run changes nothing, nor does
        one run beside the first (it waits for the first's commit, then finds the codes)."""
        loaded = 0
        async with self.c.db.unit_of_work() as session:
            await lock_for_transaction(session, "identity:load-regions")
            if await repo.count_regions(session):
                return 0
            batch: list[dict] = []
            for row in read_regions_file(path):
                batch.append(row)
                if len(batch) == BATCH:
                    await repo.insert_regions(session, batch)
                    loaded, batch = loaded + len(batch), []
            await repo.insert_regions(session, batch)
            loaded += len(batch)
        await self.reload()
        return loaded

    # ------------------------------------------------------------------ division changes

    async def apply_change(
        self, caller: Principal, request: DivisionRequest
    ) -> DivisionChangeRecord:
        if level_of(caller.region_code) is not Level.PROVINCE:
            raise PermissionDenied(
                "division changes are made at the province level", reason="PROVINCE_ONLY"
            )
        planned = plan_division_steps(request.steps)
        for code in (
            [s.old_code for s in planned] + [s.new_code for s in planned] + request.retire_codes
        ):
            validate_region_code(code)
            if not is_within(code, caller.region_code):
                raise NotFound("region not found", reason="REGION_NOT_FOUND")
        change_id = uuid.uuid4().hex
        async with self.c.db.unit_of_work() as session:
            recoded = 0
            for step in planned:
                recoded += await self._apply_step(session, step, change_id)
            await self._retire(session, request.retire_codes, planned, change_id)
            moved = await self._move_users(session, caller, planned, change_id)
            await self._move_clients(session, caller, planned, change_id)
            record = DivisionChangeRecord(
                id=change_id,
                seq=await repo.latest_division_seq(session) + 1,
                kind=request.kind,
                reason=request.reason,
                steps_json=json.dumps(request.steps, ensure_ascii=False),
                retire_codes_json=json.dumps(request.retire_codes),
                effective_date=request.effective_date,
                actor_id=caller.actor_id,
                applied_at=utcnow(),
                regions_recoded=recoded,
                users_moved=moved,
            )
            session.add(record)
            audit.record(
                session,
                repo.SERVICE,
                at=record.applied_at,
                actor_id=caller.actor_id,
                action="division.changed",
                target_id=change_id,
                region_code=caller.region_code,
                detail={
                    "kind": request.kind,
                    "steps": request.steps,
                    "retire_codes": request.retire_codes,
                },
            )
            events.publish_division_changed(
                session,
                change_id=change_id,
                kind=request.kind,
                mappings=[
                    (s.old_prefix, s.new_prefix) for s in planned if s.old_code != s.new_code
                ],
                retired_codes=request.retire_codes,
                effective_date=request.effective_date,
            )
            await session.flush()
            self.c.regions = await load_tree(session)
        return record

    async def _apply_step(self, session: AsyncSession, step: PlannedStep, change_id: str) -> int:
        root = await repo.get_region(session, step.old_code)
        if root is None or root.retired:
            raise NotFound("region not found", reason="REGION_NOT_FOUND")
        if step.old_code == step.new_code:
            root.name, root.change_id = step.new_name, change_id
            session.add(root)
            return 0
        target = await repo.get_region(session, step.new_code)
        if target is not None and not target.retired:
            raise FailedPrecondition(f"the code {step.new_code} is in use", reason="CODE_IN_USE")
        parent = parent_code(step.new_code)
        parent_row = await repo.get_region(session, parent) if parent else None
        if parent and (parent_row is None or parent_row.retired):
            raise FailedPrecondition(
                f"the new parent {parent} does not exist", reason="PARENT_MISSING"
            )
        subtree = await repo.regions_in_subtree(session, step.old_code)
        new_rows: list[dict[str, Any]] = []
        for old in subtree:
            new_code = recode(old.code, step.old_prefix, step.new_prefix)
            name = step.new_name if old.code == step.old_code and step.new_name else old.name
            new_rows.append(
                {
                    "code": new_code,
                    "name": name,
                    "level": old.level,
                    "parent_code": parent_code(new_code),
                    "change_id": change_id,
                }
            )
            old.retired, old.successor_code, old.change_id = True, new_code, change_id
            session.add(old)
        await session.flush()
        for row in new_rows:
            existing = await repo.get_region(session, row["code"])
            if existing is not None:  # a code that was retired earlier comes back into use
                await session.delete(existing)
        await session.flush()
        await repo.insert_regions(session, new_rows)
        return len(new_rows)

    async def _retire(
        self, session: AsyncSession, codes: list[str], planned: list[PlannedStep], change_id: str
    ) -> None:
        for code in codes:
            region = await repo.get_region(session, code)
            if region is None or region.retired:
                raise NotFound("region not found", reason="REGION_NOT_FOUND")
            remaining = [r for r in await repo.regions_in_subtree(session, code) if r.code != code]
            if remaining:
                raise FailedPrecondition(
                    f"{code} still has {len(remaining)} regions; move them in the same change",
                    reason="REGION_NOT_EMPTY",
                )
            successors = {parent_code(s.new_code) for s in planned if is_within(s.old_code, code)}
            region.retired, region.change_id = True, change_id
            region.successor_code = successors.pop() if len(successors) == 1 else None
            session.add(region)

    async def _move_users(
        self, session: AsyncSession, caller: Principal, planned: list[PlannedStep], change_id: str
    ) -> int:
        """Users follow their region to its new code; their old tokens (old code) are revoked."""
        moved = 0
        for step in (s for s in planned if s.old_code != s.new_code):
            for user in await repo.users_in_subtree(session, step.old_code):
                old_code = user.region_code
                user.region_code = recode(old_code, step.old_prefix, step.new_prefix)
                await repo.move_user_roles(session, user.id, user.region_code)
                await self.auth.revoke_all_tokens(session, user)
                audit.record(
                    session,
                    repo.SERVICE,
                    at=utcnow(),
                    actor_id=caller.actor_id,
                    action="user.region_recoded",
                    target_id=user.id,
                    region_code=user.region_code,
                    detail={"before": old_code, "after": user.region_code, "change_id": change_id},
                )
                moved += 1
        return moved

    async def _move_clients(
        self, session: AsyncSession, caller: Principal, planned: list[PlannedStep], change_id: str
    ) -> None:
        """Integrators' clients follow their territory too; their tokens (old code) are revoked:
        the next token they ask for carries the new one."""
        for step in (s for s in planned if s.old_code != s.new_code):
            for client in await repo.clients_in_subtree(session, step.old_code):
                old_code = client.region_code
                client.region_code = recode(old_code, step.old_prefix, step.new_prefix)
                client.not_before_ms = now_ms()
                session.add(client)
                await self.c.revocations.set_not_before(
                    f"client:{client.client_id}", client.not_before_ms
                )
                audit.record(
                    session,
                    repo.SERVICE,
                    at=utcnow(),
                    actor_id=caller.actor_id,
                    action="client.region_recoded",
                    target_id=client.client_id,
                    region_code=client.region_code,
                    detail={
                        "before": old_code,
                        "after": client.region_code,
                        "change_id": change_id,
                    },
                )
