"""The coverage report (全覆盖) of a region: households that need help without a helper,
helpers without households or outside their quota, poor villages without a work team, units
without villages — for the region and for each of its children, computed from the registry at
query time with one grouped statement per figure (a province has a million households).

Household and village figures are located by village, so the children's sum to the region's;
a helper or a unit is located by their territory, so those of the region's own level count in
the region but in none of its children."""

from __future__ import annotations

from dataclasses import dataclass, fields

from kit.principal import Principal
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix, is_valid_code, level_of
from services.registry import helping_repository as repo
from services.registry.components import Components
from services.registry.household_filter import (
    HouseholdFilter,
    PairingState,
    Search,
    conditions_of,
)
from services.registry.pairing_quotas import QuotaRow, quotas_for
from services.registry.statistics_service import POOR

NEEDING_HELP = Search(HouseholdFilter(needing_help=True))
UNPAIRED = Search(HouseholdFilter(pairing=PairingState.UNPAIRED))


@dataclass(frozen=True)
class CoverageFigures:
    region_code: str
    households_needing_help: int = 0
    households_without_helper: int = 0
    helpers: int = 0
    helpers_without_households: int = 0
    helpers_over_max: int = 0
    helpers_under_min: int = 0
    villages_without_work_team: int = 0
    units: int = 0
    units_without_villages: int = 0


@dataclass(frozen=True)
class Coverage:
    region: CoverageFigures
    children: list[CoverageFigures]
    quota_version: str


# The figures each grouped statement gives, in its order.
HOUSEHOLD_FIGURES = ("households_needing_help", "households_without_helper")
HELPER_FIGURES = ("helpers", "helpers_without_households", "helpers_over_max", "helpers_under_min")
VILLAGE_FIGURES = ("villages_without_work_team",)
UNIT_FIGURES = ("units", "units_without_villages")
FIGURES = tuple(f.name for f in fields(CoverageFigures) if f.name != "region_code")


def combined(
    region_code: str, grouped: list[tuple[tuple[str, ...], repo.Grouped]], quota_version: str
) -> Coverage:
    """The region's figures (every group) and its children's (the groups whose key is a child's
    significant prefix), from the statements' groups."""
    level = level_of(region_code)
    totals = dict.fromkeys(FIGURES, 0)
    children: dict[str, dict[str, int]] = {}
    for names, groups in grouped:
        for key, figures in groups.items():
            code = code_from_prefix(key)
            is_child = (
                level is not Level.VILLAGE and is_valid_code(code) and level_of(code) == level + 1
            )
            for name, value in zip(names, figures, strict=True):
                totals[name] += value
                if is_child:
                    child = children.setdefault(code, dict.fromkeys(FIGURES, 0))
                    child[name] += value
    return Coverage(
        CoverageFigures(region_code, **totals),
        [CoverageFigures(code, **children[code]) for code in sorted(children)],
        quota_version,
    )


class CoverageService:
    def __init__(self, components: Components, quotas: list[QuotaRow]) -> None:
        self.c = components
        self.quotas = quotas

    async def coverage(self, caller: Principal, region_code: str) -> Coverage:
        scope = caller.scope.within(region_code)
        code = scope.region_code
        level = level_of(code)
        length = PREFIX_LENGTH[Level(min(level + 1, Level.VILLAGE))]
        quotas = quotas_for(self.quotas, code)
        async with self.c.db.read_only() as session:
            dialect = (await session.connection()).dialect.name
            needing_help = conditions_of(NEEDING_HELP, dialect=dialect)
            unpaired = conditions_of(UNPAIRED, dialect=dialect)
            grouped = [
                (
                    HOUSEHOLD_FIGURES,
                    await repo.household_coverage(session, scope, length, needing_help, unpaired),
                ),
                (HELPER_FIGURES, await repo.helper_coverage(session, code, length, quotas)),
                (VILLAGE_FIGURES, await repo.village_coverage(session, scope, length, POOR)),
                (UNIT_FIGURES, await repo.unit_coverage(session, code, length)),
            ]
        return combined(code, grouped, quotas.version)
