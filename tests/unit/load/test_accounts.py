"""The campaign gives every simulated user an account of its own: the users split over the
groups add up, every group is there, and locust processes never hand out the same account."""

from __future__ import annotations

import pytest

from tests.load.scenarios.accounts import (
    WEIGHTS,
    Accounts,
    Claims,
    accounts_per_group,
    group_counts,
)


@pytest.mark.parametrize("users", [len(WEIGHTS), 7, 20, 150, 2000])
def test_users_split_over_every_group_by_weight_and_add_up(users: int) -> None:
    counts = group_counts(users)
    assert sum(counts.values()) == users and min(counts.values()) >= 1
    assert counts["helper"] == max(counts.values())


def test_fewer_users_than_groups_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 6 users"):
        group_counts(len(WEIGHTS) - 1)


@pytest.mark.parametrize(("processes", "busiest"), [(1, 10), (2, 6), (3, 5)])
def test_processes_claim_disjoint_accounts_even_when_split_unevenly(
    processes: int, busiest: int
) -> None:
    """10 helpers over `processes`: locust may give a process one user over an even share."""
    made = accounts_per_group(10, processes)
    accounts = Accounts(
        counts={"helper": 10},
        processes=processes,
        groups={"helper": [{"mobile": str(n)} for n in range(made)]},
    )
    claimed = []
    for index in range(processes):
        claims = Claims(accounts, index)
        claimed += [claims.claim("helper")["mobile"] for _ in range(busiest)]
    assert len(claimed) == len(set(claimed))


def test_a_process_out_of_accounts_says_so_rather_than_sharing_one() -> None:
    accounts = Accounts(counts={"helper": 1}, processes=1, groups={"helper": [{"mobile": "1"}]})
    claims = Claims(accounts, 0)
    claims.claim("helper")
    with pytest.raises(RuntimeError, match="no helper account left"):
        claims.claim("helper")
