"""The backfill of helpers' records: helpers paired before the registry kept a record of each
(revision 0014), and records kept before they carried the helper's roles (0016), are recorded
from identity's account — asked as the registry's own client (`svc-registry`, scope
`users:read`), not a person — so that the coverage report and the units' figures count every
paired helper and choose their quota by their roles.

A start-up step of the worker: bounded batches in the order of the helpers' ids, each asked
of identity at once and recorded in one statement; idempotent (a record a pairing wrote
meanwhile is left as it is), retried from the start until identity answers. Every pairing and
unit assignment since 0016 writes the record itself, so nothing else ever goes missing; an id
identity does not know (or outside the client's territory) stays unrecorded, is logged, and is
asked again at the next start."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2
from kit.clock import utcnow
from kit.db import Database
from kit.errors import DomainError, NotFound
from kit.grpc_client import ServiceClient
from kit.service_auth import ServiceCredentials
from services.registry import helping_repository as repo
from services.registry.pairings_service import cadre_of

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub

log = logging.getLogger(__name__)
BATCH = 50  # helpers asked of identity at once, and recorded in one statement
MAX_RETRY_DELAY = 60.0


@dataclass
class BackfillOutcome:
    recorded: int = 0
    unknown: list[str] = field(default_factory=list)  # ids identity does not show the registry


class HelperBackfill:
    def __init__(
        self,
        db: Database,
        identity: ServiceClient[IdentityServiceAsyncStub],
        credentials: ServiceCredentials,
        batch: int = BATCH,
    ) -> None:
        self.db = db
        self.identity = identity
        self.credentials = credentials
        self.batch = batch

    async def backfill(self) -> BackfillOutcome:
        """One pass over every helper to record; a failure of identity's stops it (raised)."""
        outcome, after = BackfillOutcome(), ""
        while True:
            async with self.db.read_only() as session:
                ids = await repo.helpers_to_backfill(session, after, self.batch)
            if not ids:
                return outcome
            token = await self.credentials.token()
            accounts = await asyncio.gather(*(self._account(i, token) for i in ids))
            cadres = [cadre_of(account) for account in accounts if account is not None]
            async with self.db.unit_of_work() as session:
                await repo.backfill_helpers(session, cadres, utcnow())
            outcome.recorded += len(cadres)
            outcome.unknown += [i for i, a in zip(ids, accounts, strict=True) if a is None]
            after = ids[-1]

    async def run(self) -> None:
        """The start-up step: a pass, retried with backoff until identity answers (this
        process and the bootstrap registering its client may start in any order)."""
        delay = 1.0
        while True:
            try:
                outcome = await self.backfill()
            except DomainError as error:
                log.info("helpers' backfill waits for identity", extra={"reason": error.reason})
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY)
            else:
                log.info(
                    "helpers' backfill done",
                    extra={"recorded": outcome.recorded, "unknown": len(outcome.unknown)},
                )
                if outcome.unknown:
                    log.warning(
                        "paired helpers identity does not know stay out of the coverage",
                        extra={"helper_ids": outcome.unknown[:BATCH]},
                    )
                return

    async def _account(self, helper_id: str, token: str) -> identity_pb2.User | None:
        try:
            return await self.identity.call(
                self.identity.stub.GetUser, identity_pb2.GetUserRequest(id=helper_id), token=token
            )
        except NotFound:
            return None
