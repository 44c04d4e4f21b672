"""The campaign's user groups, how many simulated users each gets, and the accounts file the
seeding writes (one account per simulated user) and every locust process reads."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "Load-test-passw0rd"
ACCOUNTS_ENV = "JZ_LOAD_ACCOUNTS"  # the accounts file
PHONES_ENV = "JZ_LOAD_PHONES"  # the SMSC simulator's phones (tests/load/phones.py); optional
THINK_ENV = "JZ_LOAD_THINK_SCALE"  # think times multiplied by this (1: people's)
# Simulated users per group out of 100 on a campaign day (tests/load/README.md says why).
WEIGHTS = {
    "helper": 62,
    "work_team": 14,
    "town_officer": 10,
    "county_officer": 5,
    "administrator": 2,
    "integrator": 7,
}

# Each group's think time between two of its tasks, in seconds (min, max), as people work.
THINK_SECONDS = {
    "helper": (5, 20),
    "work_team": (5, 20),
    "town_officer": (10, 30),
    "county_officer": (10, 30),
    "administrator": (20, 60),
    "integrator": (10, 20),
}


def group_counts(users: int) -> dict[str, int]:
    """`users` simulated users split over the groups by weight, every group at least one
    (largest remainder, so the counts add up to `users`)."""
    if users < len(WEIGHTS):
        raise ValueError(f"a campaign needs at least {len(WEIGHTS)} users, one per group")
    spare = users - len(WEIGHTS)
    total = sum(WEIGHTS.values())
    shares = {g: spare * w / total for g, w in WEIGHTS.items()}
    counts = {g: 1 + int(s) for g, s in shares.items()}
    by_remainder = sorted(WEIGHTS, key=lambda g: shares[g] - int(shares[g]), reverse=True)
    for group in by_remainder[: users - sum(counts.values())]:
        counts[group] += 1
    return counts


def accounts_per_group(count: int, processes: int) -> int:
    """Accounts to create for a group of `count` users: one each, and with several locust
    processes a slice per process with room for the dispatcher's uneven split."""
    if processes <= 1:
        return count
    return processes * (-(-count // processes) + 1)


@dataclass
class Accounts:
    """What the seeding made: per group, one dict per account (mobile, region, and for
    helpers their paired households; for the integrator its client credentials)."""

    counts: dict[str, int]
    processes: int
    groups: dict[str, list[dict]] = field(default_factory=dict)
    # Town and county officers' small import files (their subtree's households), by region.
    import_files: dict[str, str] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, path: Path) -> Accounts:
        return cls(**json.loads(path.read_text()))


class Claims:
    """Hands each simulated user of this locust process an account of its group that no
    other user (of any process) holds: process `index` of `processes` takes its own slice."""

    def __init__(self, accounts: Accounts, index: int) -> None:
        self.accounts = accounts
        self._next: dict[str, Iterator[int]] = {}
        self.index = index

    def claim(self, group: str) -> dict:
        listed = self.accounts.groups[group]
        if group not in self._next:
            p = max(self.accounts.processes, 1)
            size = len(listed) // p
            self._next[group] = iter(range(self.index * size, (self.index + 1) * size))
        position = next(self._next[group], None)
        if position is None:
            raise RuntimeError(f"no {group} account left for this process: seed more")
        return listed[position]


def accounts_file() -> Path:
    return Path(os.environ[ACCOUNTS_ENV])


def think_scale() -> float:
    return float(os.environ.get(THINK_ENV, "1"))


_addresses = itertools.count(1)


def next_address() -> str:
    """A client address for one simulated phone (sent as X-Forwarded-For: the gateway trusts
    the local hop, as it trusts the ingress in a cluster)."""
    number = next(_addresses) + os.getpid() % 200 * 65536
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
