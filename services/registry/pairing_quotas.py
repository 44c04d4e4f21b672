"""How many households a helper cadre is paired with (结对户数): rules by the cadre's level, per
province, read from the versioned `pairing_quotas.csv` beside this module. Pure functions, no
I/O after start-up."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kit.territory import Level, level_of

QUOTAS_FILE = Path(__file__).resolve().parent / "pairing_quotas.csv"
DEFAULT = "default"
LEVEL_NAMES = {level: level.name.lower() for level in Level}


@dataclass(frozen=True)
class Quota:
    level: str  # a level's name, or "default"
    min_households: int
    max_households: int


@dataclass(frozen=True)
class QuotaRow:
    version: str
    province: str  # "*" or a province's two-digit prefix
    quota: Quota


@dataclass(frozen=True)
class QuotaSet:
    version: str
    province: str
    quotas: tuple[Quota, ...]  # one per level, then the default

    def of_level(self, level: str) -> Quota:
        by_level = {q.level: q for q in self.quotas}
        return by_level.get(level, by_level[DEFAULT])

    def of_region(self, region_code: str) -> Quota:
        """The quota of a cadre whose territory is `region_code`."""
        return self.of_level(LEVEL_NAMES[level_of(region_code)])


def load_quotas(path: Path = QUOTAS_FILE) -> list[QuotaRow]:
    """Every row; a malformed file fails at start-up."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
            version, province, level, fewest, most = (v.strip() for v in row)
            quota = Quota(level, int(fewest), int(most))
            if level not in (*LEVEL_NAMES.values(), DEFAULT) or not 0 <= quota.min_households:
                raise ValueError(f"{path.name}: unknown level {level} or a negative minimum")
            if quota.max_households < max(quota.min_households, 1):
                raise ValueError(f"{path.name}: the most for {level} is below the fewest or 0")
            rows.append(QuotaRow(version, province, quota))
    if not any(r.quota.level == DEFAULT and r.province == "*" for r in rows):
        raise ValueError(f"{path.name}: every version needs a default row for every province")
    return rows


def quotas_for(rows: Iterable[QuotaRow], region_code: str) -> QuotaSet:
    """The newest version's quotas for the region's province, its own rows replacing "*"."""
    rows = list(rows)
    version = max(r.version for r in rows)
    chosen: dict[str, Quota] = {}
    for wanted in ("*", region_code[:2]):
        for row in rows:
            if row.version == version and row.province == wanted:
                chosen[row.quota.level] = row.quota
    order = [*LEVEL_NAMES.values(), DEFAULT]
    quotas = tuple(sorted(chosen.values(), key=lambda q: order.index(q.level)))
    return QuotaSet(version, region_code[:2], quotas)
