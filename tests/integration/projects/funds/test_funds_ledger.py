"""The ledger's invariant held by the database, on PostgreSQL and SQLite: many disbursements
requested at once (each its own transaction and connection) whose sum exceeds the allocation —
exactly the ones that fit succeed, the rest are refused, the sums hold; a raw UPDATE breaking
the invariant is refused by the database itself; allocations stop at the pool and the budget,
with nothing changed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.projects.funds_disbursements import NewDisbursement
from tests.integration.projects.funds.conftest import (
    COUNTY,
    COUNTY_OFFICER,
    OTHER_COUNTY_OFFICER,
    SECOND_OFFICER,
    YEAR,
    Funds,
    allocation,
)

REQUESTS_AT_ONCE = 24
EACH_FEN = 10_000_00  # 1 万元
ALLOCATED_FEN = 150_000_00  # room for 15 of the 24


async def test_concurrent_requests_never_promise_more_than_allocated(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": ALLOCATED_FEN})
    await funds.pool(ALLOCATED_FEN)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(ALLOCATED_FEN))
    new = NewDisbursement("central", EACH_FEN, "一期工程", 30)
    outcomes = await asyncio.gather(
        *(
            funds.disbursements.request(COUNTY_OFFICER, project, new)
            for _ in range(REQUESTS_AT_ONCE)
        ),
        return_exceptions=True,
    )
    granted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(granted) == ALLOCATED_FEN // EACH_FEN
    assert all(
        isinstance(o, FailedPrecondition) and o.reason == "ALLOCATION_EXCEEDED" for o in refused
    )
    ledger = await funds.service.ledger(COUNTY_OFFICER, project)
    (balance,) = ledger.balances
    assert balance.pending_fen == sum(d.amount_fen for d in ledger.disbursements)
    assert balance.pending_fen == ALLOCATED_FEN and balance.disbursed_fen == 0
    assert len(ledger.disbursements) == len(granted)


async def test_concurrent_payments_never_disburse_more_than_allocated(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": ALLOCATED_FEN})
    await funds.pool(ALLOCATED_FEN)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(ALLOCATED_FEN))
    new = NewDisbursement("central", EACH_FEN, "二期工程", None)
    requested = [await funds.disbursements.request(COUNTY_OFFICER, project, new) for _ in range(15)]
    for d in requested:
        await funds.disbursements.approve(SECOND_OFFICER, project, d.id)
    outcomes = await asyncio.gather(
        *(funds.pay(project, d.id) for d in requested for _ in range(2)), return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == len(requested)
    assert all(isinstance(o, FailedPrecondition) for o in outcomes if isinstance(o, BaseException))
    ledger = await funds.service.ledger(COUNTY_OFFICER, project)
    (balance,) = ledger.balances
    assert balance.disbursed_fen == ALLOCATED_FEN and balance.pending_fen == 0
    assert balance.disbursed_fen == sum(d.amount_fen for d in ledger.disbursements if d.paid_at)
    for paid in ledger.disbursements:  # the refused second payment left the voucher alone
        found, data = await funds.disbursements.voucher(COUNTY_OFFICER, project, paid.id)
        assert data.startswith(b"%PDF") and found.voucher_size_bytes == len(data)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE project_fund_balances SET disbursed_fen = allocated_fen + 1",
        "UPDATE project_fund_balances SET pending_fen = allocated_fen, disbursed_fen = 1",
        "UPDATE project_fund_balances SET allocated_fen = -1, disbursed_fen = 0",
        "UPDATE fund_pools SET allocated_fen = received_fen + 1",
    ],
)
async def test_the_database_refuses_a_raw_update_breaking_the_ledger(
    funds: Funds, statement: str
) -> None:
    project = await funds.fundable_project(budget={"central": 100_00})
    await funds.pool(100_00)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(100_00))
    with pytest.raises(IntegrityError):
        async with funds.context.db.unit_of_work() as session:
            await session.exec(text(statement))  # type: ignore[call-overload]
    (balance,) = (await funds.service.ledger(COUNTY_OFFICER, project)).balances
    assert (balance.allocated_fen, balance.pending_fen, balance.disbursed_fen) == (100_00, 0, 0)


async def test_an_allocation_stops_at_the_pool_and_at_the_budget(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": 80_00})
    await funds.pool(100_00)
    with pytest.raises(InvalidArgument) as over_budget:
        await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(80_01))
    assert over_budget.value.reason == "OVER_BUDGET"
    other = await funds.fundable_project(budget={"central": 500_00})
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(80_00))
    with pytest.raises(FailedPrecondition) as short:
        await funds.service.allocate_to_project(COUNTY_OFFICER, other, allocation(20_01))
    assert short.value.reason == "POOL_EXCEEDED"
    ((pool, _),) = await funds.service.pools(COUNTY_OFFICER, COUNTY, YEAR)
    assert (pool.received_fen, pool.allocated_fen) == (100_00, 80_00)
    assert not (await funds.service.ledger(COUNTY_OFFICER, other)).balances


async def test_a_second_officer_decides_and_another_county_sees_nothing(funds: Funds) -> None:
    project = await funds.fundable_project(budget={"central": 100_00})
    await funds.pool(100_00)
    await funds.service.allocate_to_project(COUNTY_OFFICER, project, allocation(100_00))
    new = NewDisbursement("central", 40_00, "基础完工", 50)
    asked = await funds.disbursements.request(COUNTY_OFFICER, project, new)
    with pytest.raises(PermissionDenied):
        await funds.disbursements.approve(COUNTY_OFFICER, project, asked.id)
    with pytest.raises(NotFound):
        await funds.disbursements.approve(OTHER_COUNTY_OFFICER, project, asked.id)
    with pytest.raises(NotFound):
        await funds.service.ledger(OTHER_COUNTY_OFFICER, project)
    rejected = await funds.disbursements.reject(SECOND_OFFICER, project, asked.id, "材料不全")
    assert rejected.status == "rejected"
    (balance,) = (await funds.service.ledger(COUNTY_OFFICER, project)).balances
    assert balance.pending_fen == 0
