"""Use-cases of pairings (帮扶结对): officers pair helper cadres with households of their
territory; a helper must be an account of identity, holding the helper role, whose territory
covers the household's village."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import identity_pb2
from kit import audit
from kit.clock import utcnow
from kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kit.grpc_client import ServiceClient
from kit.principal import Principal
from kit.territory import is_within
from services.registry import helping_repository as helping_repo
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.events import SERVICE
from services.registry.households_service import HouseholdsService
from services.registry.models import Household, Pairing
from services.registry.pairing_quotas import ANY_ROLE, PAIRED_ROLE, QuotaRow, quotas_for

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub


def record_pairing(
    session: AsyncSession, caller: Principal, action: str, household: Household, helper_id: str
) -> None:
    audit.record(
        session,
        SERVICE,
        actor_id=caller.actor_id,
        action=action,
        target_id=household.id,
        region_code=household.village_code,
        detail={"helper_id": helper_id},
    )


async def helper_account(
    identity: ServiceClient[IdentityServiceAsyncStub], caller: Principal, helper_id: str
) -> identity_pb2.User:
    """The helper's account as identity shows it to the caller (out of scope: not found)."""
    try:
        return await identity.call(
            identity.stub.GetUser, identity_pb2.GetUserRequest(id=helper_id), token=caller.token
        )
    except NotFound:
        raise NotFound("helper not found", reason="HELPER_NOT_FOUND") from None


def cadre_of(account: identity_pb2.User) -> helping_repo.Cadre:
    return helping_repo.Cadre(account.id, account.name, account.region_code, tuple(account.roles))


async def active_helper(
    identity: ServiceClient[IdentityServiceAsyncStub], caller: Principal, helper_id: str
) -> helping_repo.Cadre:
    """The cadre, if the account is an active helper cadre's; InvalidArgument otherwise."""
    helper = await helper_account(identity, caller, helper_id)
    if PAIRED_ROLE not in helper.roles or helper.disabled:
        raise InvalidArgument("only an active helper cadre can be paired", reason="NOT_A_HELPER")
    return cadre_of(helper)


class PairingsService:
    def __init__(
        self,
        components: Components,
        households: HouseholdsService,
        identity: ServiceClient[IdentityServiceAsyncStub],
        quotas: list[QuotaRow],
    ) -> None:
        self.c = components
        self.households = households
        self.identity = identity
        self.quotas = quotas

    async def pair(self, caller: Principal, household_id: str, helper_id: str) -> Pairing:
        """Pair, unless the helper already has the most households their quota allows (the
        helper's record, locked, makes concurrent pairings of one helper take turns)."""
        household = (await self.households.get(caller, household_id)).household
        helper = await active_helper(self.identity, caller, helper_id)
        if not is_within(household.village_code, helper.region_code):
            raise FailedPrecondition(
                "the helper's territory does not cover this household",
                reason="OUT_OF_HELPER_TERRITORY",
            )
        quota = quotas_for(self.quotas, helper.region_code).of_cadre(
            helper.region_code, helper.roles
        )
        async with self.c.db.unit_of_work() as session:
            now = utcnow()
            await helping_repo.locked_helper(session, helper, now)
            existing = await repo.get_pairing(session, household_id, helper_id)
            if existing is not None:
                return existing
            if await helping_repo.paired_count(session, helper_id) >= quota.max_households:
                whom = "" if quota.role == ANY_ROLE else f" {quota.role}"
                raise FailedPrecondition(
                    f"the helper already has the most households a {quota.level}{whom} cadre"
                    f" may have ({quota.max_households})",
                    reason="OVER_QUOTA",
                )
            pairing = Pairing(
                household_id=household_id,
                helper_id=helper_id,
                paired_by=caller.actor_id,
                paired_at=now,
            )
            session.add(pairing)
            repo.record(
                session,
                household_id=household_id,
                at=pairing.paired_at,
                actor_id=caller.actor_id,
                kind="paired",
                field="helper",
                after=helper_id,
            )
            record_pairing(session, caller, "pairing.created", household, helper_id)
        return pairing

    async def unpair(self, caller: Principal, household_id: str, helper_id: str) -> None:
        household = (await self.households.get(caller, household_id)).household
        async with self.c.db.unit_of_work() as session:
            pairing = await repo.get_pairing(session, household_id, helper_id)
            if pairing is None:
                raise NotFound("pairing not found", reason="PAIRING_NOT_FOUND")
            await session.delete(pairing)
            repo.record(
                session,
                household_id=household_id,
                at=utcnow(),
                actor_id=caller.actor_id,
                kind="unpaired",
                field="helper",
                before=helper_id,
            )
            record_pairing(session, caller, "pairing.removed", household, helper_id)

    async def of_household(self, caller: Principal, household_id: str) -> list[Pairing]:
        async with self.c.db.read_only() as session:
            await self.households.visible(session, caller, household_id)
            return list(await repo.pairings_of(session, caller.scope, household_id=household_id))

    async def of_helper(self, caller: Principal, helper_id: str) -> list[Pairing]:
        """A helper's pairings of households in the caller's scope: a helper sees their own,
        officers those of helpers in their territory."""
        if helper_id != caller.subject:
            await helper_account(self.identity, caller, helper_id)
        async with self.c.db.read_only() as session:
            return list(await repo.pairings_of(session, caller.scope, helper_id=helper_id))
