"""Use-cases of disbursements (拨付) in instalments: an officer requests one (its amount held
back from the project's allocation at once, by one conditional UPDATE, so requests at once never
promise the same yuan); a second officer approves or rejects it; it is paid with its voucher
(凭证: a PDF, JPEG or PNG, typed from its content — anything else is refused and nothing is
kept). Each step is audited with the balance before and after, and published."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import NotFound
from kit.file_content import JPEG, PDF, PNG, read_limited, safe_name
from kit.principal import Principal
from services.projects import funds_events as events
from services.projects import funds_repository as repo
from services.projects import funds_rules as rules
from services.projects.funds_models import Disbursement
from services.projects.funds_service import (
    FundsContext,
    balance_figures,
    scoped_project,
)

VOUCHER_KINDS = (PDF, JPEG, PNG)
LARGEST_VOUCHER = max(kind.max_bytes for kind in VOUCHER_KINDS)


@dataclass(frozen=True)
class NewDisbursement:
    source: str
    amount_fen: int
    milestone: str
    progress_percent: int | None


@dataclass(frozen=True)
class VoucherUpload:
    file_name: str
    chunks: AsyncIterator[bytes]


def disbursement_not_found() -> NotFound:
    return NotFound("disbursement not found", reason="DISBURSEMENT_NOT_FOUND")


class DisbursementsService:
    def __init__(self, context: FundsContext) -> None:
        self.c = context

    async def _scoped(
        self, session: AsyncSession, caller: Principal, project_id: str, disbursement_id: str
    ) -> Disbursement:
        project = await scoped_project(self.c, session, caller.scope, project_id)
        found = await repo.disbursement(session, disbursement_id)
        if found is None or found.project_id != project.id:
            raise disbursement_not_found()
        return found

    async def request(
        self, caller: Principal, project_id: str, new: NewDisbursement
    ) -> Disbursement:
        source, amount = rules.source(new.source), rules.amount_fen(new.amount_fen)
        milestone = rules.text(new.milestone, "milestone", required=True)
        percent = rules.progress_percent(new.progress_percent)
        async with self.c.db.unit_of_work() as session:
            # No status check: only a project in the plan has funds to draw on, and a completed
            # one may still be paid its last instalment (尾款) after acceptance.
            project = await scoped_project(self.c, session, caller.scope, project_id)
            before = balance_figures(await repo.balance(session, project.id, source))
            if not await repo.hold_for_disbursement(session, project.id, source, amount):
                now = await repo.balance(session, project.id, source)
                figures = rules.Balance(**balance_figures(now))
                raise rules.allocation_short(figures.available_fen, amount)
            disbursement = Disbursement(
                id=uuid.uuid4().hex,
                project_id=project.id,
                source=source,
                region_code=project.region_code,
                amount_fen=amount,
                status=rules.REQUESTED,
                milestone=milestone,
                progress_percent=percent,
                requested_by=caller.actor_id,
                requested_at=self.c.clock(),
            )
            session.add(disbursement)
            await self._after(session, caller, disbursement, "funds.disbursement_request", before)
        return disbursement

    async def _after(
        self,
        session: AsyncSession,
        caller: Principal,
        disbursement: Disbursement,
        action: str,
        before: dict[str, int],
        **detail: Any,
    ) -> None:
        """The event and the audit record of a step, with the project's balance of the
        disbursement's source before and after it."""
        await session.flush()
        after = await repo.balance(session, disbursement.project_id, disbursement.source)
        events.disbursement_changed(session, disbursement)
        events.record(
            session,
            caller,
            action,
            disbursement.id,
            disbursement.region_code,
            before,
            balance_figures(after),
            project_id=disbursement.project_id,
            source=disbursement.source,
            amount_fen=disbursement.amount_fen,
            status=disbursement.status,
            **detail,
        )

    async def approve(
        self, caller: Principal, project_id: str, disbursement_id: str
    ) -> Disbursement:
        return await self._decide(caller, project_id, disbursement_id, "approve", "")

    async def reject(
        self, caller: Principal, project_id: str, disbursement_id: str, reason: str
    ) -> Disbursement:
        reason = rules.text(reason, "reason", required=True)
        return await self._decide(caller, project_id, disbursement_id, "reject", reason)

    async def _decide(
        self, caller: Principal, project_id: str, disbursement_id: str, act: str, reason: str
    ) -> Disbursement:
        async with self.c.db.unit_of_work() as session:
            found = await self._scoped(session, caller, project_id, disbursement_id)
            rules.require_second_officer(found.requested_by, caller.actor_id)
            status = rules.next_status(found.status, act)
            before = balance_figures(await repo.balance(session, found.project_id, found.source))
            values = {
                "status": status,
                "decided_by": caller.actor_id,
                "decided_at": self.c.clock(),
                "reason": reason,
            }
            if not await repo.move_disbursement(session, found.id, found.status, values):
                raise rules.moved_meanwhile()
            if status == rules.REJECTED:
                await repo.release_hold(session, found.project_id, found.source, found.amount_fen)
            moved = await repo.disbursement(session, found.id)
            assert moved is not None
            await self._after(session, caller, moved, f"funds.disbursement_{act}", before)
        return moved

    async def pay(
        self, caller: Principal, project_id: str, disbursement_id: str, voucher: VoucherUpload
    ) -> Disbursement:
        """Paid with its voucher: the file's kind is checked before anything is kept; the
        bytes are stored first and removed again if the payment is not recorded."""
        async with self.c.db.read_only() as session:
            found = await self._scoped(session, caller, project_id, disbursement_id)
        rules.next_status(found.status, "pay")
        data, kind = await read_limited(voucher.chunks, VOUCHER_KINDS)
        # A key of this upload's own: a second payment at once, refused, removes only its bytes.
        key = f"vouchers/{found.id}/{uuid.uuid4().hex}.{kind.extension}"
        paid_at = self.c.clock()
        values: dict[str, object] = {
            "status": rules.PAID,
            "paid_by": caller.actor_id,
            "paid_at": paid_at,
            "voucher_key": key,
            "voucher_file_name": safe_name(voucher.file_name, kind, "voucher"),
            "voucher_content_type": kind.content_type,
            "voucher_size_bytes": len(data),
            "voucher_sha256": hashlib.sha256(data).hexdigest(),
        }
        await self.c.store.put(key, data, kind.content_type)
        try:
            async with self.c.db.unit_of_work() as session:
                before = balance_figures(
                    await repo.balance(session, found.project_id, found.source)
                )
                if not await repo.move_disbursement(session, found.id, rules.APPROVED, values):
                    raise rules.moved_meanwhile()
                await repo.pay_held(
                    session, found.project_id, found.source, found.amount_fen, paid_at
                )
                paid = await repo.disbursement(session, found.id)
                assert paid is not None
                await self._after(
                    session,
                    caller,
                    paid,
                    "funds.disbursement_pay",
                    before,
                    voucher_sha256=values["voucher_sha256"],
                )
        except BaseException:
            await self.c.store.delete(key)
            raise
        return paid

    async def voucher(
        self, caller: Principal, project_id: str, disbursement_id: str
    ) -> tuple[Disbursement, bytes]:
        async with self.c.db.read_only() as session:
            found = await self._scoped(session, caller, project_id, disbursement_id)
        if not found.voucher_key:
            raise NotFound("this disbursement has no voucher yet", reason="NO_VOUCHER")
        return found, await self.c.store.get(found.voucher_key, LARGEST_VOUCHER)
