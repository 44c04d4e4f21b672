"""Cost of one authorization decision (Casbin role -> permission, cached, plus the territory
prefix test) for 200 k users over the full Shandong tree, beside a bare prefix comparison."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from kit.authz import Authorizer
from kit.principal import Principal
from kit.territory import Level, level_of, significant_prefix
from services.identity.app import load_policy
from services.identity.region_service import read_regions_file
from services.identity.settings import IdentitySettings

USERS = 200_000
DECISIONS = 1_000_000
ROLES_BY_LEVEL = {
    Level.PROVINCE: ("admin", "secretary", "inspector"),
    Level.CITY: ("admin", "secretary", "info_officer", "inspector"),
    Level.COUNTY: ("admin", "secretary", "info_officer"),
    Level.TOWN: ("info_officer", "secretary", "work_team"),
    Level.VILLAGE: ("helper", "work_team", "secretary"),
}
PERMISSIONS = [("users", "read"), ("users", "create"), ("regions", "read"), ("audit", "read")]


def make_population(codes: list[str], rng: random.Random) -> list[Principal]:
    villages = [c for c in codes if level_of(c) is Level.VILLAGE]
    others = [c for c in codes if level_of(c) is not Level.VILLAGE]
    users = []
    for index in range(USERS):
        home = rng.choice(villages) if index % 10 else rng.choice(others)  # 90 % village cadres
        roles = (rng.choice(ROLES_BY_LEVEL[level_of(home)]),)
        users.append(Principal(subject=str(index), kind="user", region_code=home, roles=roles))
    return users


def time_per_call(decide: Callable[[Principal, str, str, str], bool], cases: list[tuple]) -> float:
    started = time.perf_counter()
    for principal, resource, action, target in cases:
        decide(principal, resource, action, target)
    return (time.perf_counter() - started) / len(cases)


def run() -> list[dict]:
    rng = random.Random(37)
    codes = [row["code"] for row in read_regions_file(IdentitySettings().regions_file)]
    users = make_population(codes, rng)
    authorizer: Authorizer = load_policy()
    cases = [
        (rng.choice(users), *rng.choice(PERMISSIONS), rng.choice(codes)) for _ in range(DECISIONS)
    ]

    def platform(principal: Principal, resource: str, action: str, target: str) -> bool:
        return authorizer.has_permission(principal, resource, action) and authorizer.in_territory(
            principal, target
        )

    def bare_prefix(principal: Principal, resource: str, action: str, target: str) -> bool:
        return target.startswith(significant_prefix(principal.region_code))

    time_per_call(platform, cases[:10_000])  # warm the decision cache and the interpreter
    bare = min(time_per_call(bare_prefix, cases) for _ in range(3))
    ours = min(time_per_call(platform, cases) for _ in range(3))
    return [
        {
            "benchmark": f"authz decision ({USERS // 1000} k users, {len(codes):,} regions)",
            "platform": f"{ours * 1e9:.0f} ns",
            "baseline": f"{bare * 1e9:.0f} ns (bare prefix compare)",
            "ratio": f"{ours / bare:.2f}× the baseline's cost (goal ≤ 2×)",
        }
    ]
