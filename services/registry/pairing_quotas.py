"""How many households a helper cadre is paired with (结对户数): rules by the cadre's level and
role, per province, read from the versioned `pairing_quotas.csv` beside this module. Pure
functions, no I/O after start-up.

Which row is a cadre's: of the rows for their level naming one of their roles, the strictest —
the lowest most, then the highest fewest, then the role's name; without one, the level's `*`
row; a level with no `*` row continues, the same way, with the `default` rows (a row of the
level itself still comes first). A cadre holding
several duties (a town secretary who is also a work-team member) has no more time than the
tightest of them allows, so the lowest most is the one every duty's rule agrees with; taking
one whole row keeps its fewest at or below its most. The coverage report's statement follows
the same ladder (`QuotaSet.ladder`), so the figures and the pairing's refusal never differ."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from kit.territory import Level, level_of

QUOTAS_FILE = Path(__file__).resolve().parent / "pairing_quotas.csv"
DEFAULT = "default"
ANY_ROLE = "*"
# Every paired cadre holds it (a pairing asks for it): its rule is a level's `*` row.
PAIRED_ROLE = "helper"
ROLE_NAME = re.compile(r"[a-z][a-z_]*")
LEVEL_NAMES = {level: level.name.lower() for level in Level}
LEVEL_ORDER = [*LEVEL_NAMES.values(), DEFAULT]


@dataclass(frozen=True)
class Quota:
    level: str  # a level's name, or "default"
    role: str  # a role of identity's, or "*": any role
    min_households: int
    max_households: int


@dataclass(frozen=True)
class QuotaRow:
    version: str
    province: str  # "*" or a province's two-digit prefix
    quota: Quota


def strictness(quota: Quota) -> tuple[int, int, str]:
    """The sort key putting the strictest of several role rows first."""
    return (quota.max_households, -quota.min_households, quota.role)


def display_order(quota: Quota) -> tuple[int, bool, str]:
    return (LEVEL_ORDER.index(quota.level), quota.role != ANY_ROLE, quota.role)


@dataclass(frozen=True)
class QuotaSet:
    version: str
    province: str
    quotas: tuple[Quota, ...]  # by level (then the default), each level's `*` row first

    def ladder(self, level: str) -> list[Quota]:
        """The rows a cadre of `level` may get, in the order in which the first naming one of
        their roles (or `*`) is theirs; it ends with a `*` row."""
        rows: list[Quota] = []
        for wanted in (level, DEFAULT):
            own = [q for q in self.quotas if q.level == wanted]
            named = {q.role for q in rows}
            rows += sorted((q for q in own if q.role not in (ANY_ROLE, *named)), key=strictness)
            rows += [q for q in own if q.role == ANY_ROLE]
            if rows and rows[-1].role == ANY_ROLE:
                return rows
        raise AssertionError("a quota set has a default row for any role")  # load_quotas checks

    def of_cadre(self, region_code: str, roles: Collection[str]) -> Quota:
        """The quota of a cadre whose territory is `region_code` and who holds `roles`."""
        ladder = self.ladder(LEVEL_NAMES[level_of(region_code)])
        return next(q for q in ladder if q.role == ANY_ROLE or q.role in roles)


def load_quotas(path: Path = QUOTAS_FILE) -> list[QuotaRow]:
    """Every row; a malformed file fails at start-up."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
            version, province, level, role, fewest, most = (v.strip() for v in row)
            quota = Quota(level, role, int(fewest), int(most))
            if level not in LEVEL_ORDER or not 0 <= quota.min_households:
                raise ValueError(f"{path.name}: unknown level {level} or a negative minimum")
            if quota.max_households < max(quota.min_households, 1):
                raise ValueError(f"{path.name}: the most for {level} is below the fewest or 0")
            if role != ANY_ROLE and (not ROLE_NAME.fullmatch(role) or role == PAIRED_ROLE):
                raise ValueError(
                    f"{path.name}: role {role!r} is not a role's name"
                    f" (every paired cadre is a {PAIRED_ROLE}: their rule is `{ANY_ROLE}`)"
                )
            rows.append(QuotaRow(version, province, quota))
    for version in {r.version for r in rows}:
        if not any(
            (r.version, r.province, r.quota.level, r.quota.role)
            == (version, ANY_ROLE, DEFAULT, ANY_ROLE)
            for r in rows
        ):
            raise ValueError(f"{path.name}: version {version} needs a default row for any role")
    return rows


def quotas_for(rows: Iterable[QuotaRow], region_code: str) -> QuotaSet:
    """The newest version's quotas for the region's province, its own rows replacing the `*`
    province's rows of the same level and role."""
    rows = list(rows)
    version = max(r.version for r in rows)
    chosen: dict[tuple[str, str], Quota] = {}
    for wanted in (ANY_ROLE, region_code[:2]):
        for row in rows:
            if row.version == version and row.province == wanted:
                chosen[row.quota.level, row.quota.role] = row.quota
    quotas = tuple(sorted(chosen.values(), key=display_order))
    return QuotaSet(version, region_code[:2], quotas)
