"""How the counts of a subtree become scores and rankings (考核排名): each subject's tally per
indicator (achieved of required), scored by the period's indicators and weighted into a total;
a helping unit's tally the sum of its helpers'; the cadres and the units ranked within the
county, the villages within their town, the towns within their county, best first and ties
broken by id; each subject named. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kit.territory import Level, ancestor_codes, is_within, level_of, parent_code
from services.assistance.assessment_indicators import (
    VISITS_PER_PAIRING_MONTH,
    IndicatorSet,
    SubjectKind,
)
from services.assistance.assessment_repository import Count
from services.assistance.performance_service import town_of


@dataclass(frozen=True)
class VillageBasis:
    """What the registry counts of a village: households, those missing a required field, and
    the (helper, household) pairs — the visits owed each month."""

    code: str
    households: int
    incomplete: int
    pairings: int


@dataclass(frozen=True)
class UnitBasis:
    """A helping unit (帮扶单位) the registry records: its name and territory."""

    name: str
    region_code: str


@dataclass(frozen=True)
class Counts:
    """The period's facts of the subtree (GROUP BY rows) and the registry's basis."""

    facts: dict[str, list[Count]]  # per indicator: visits, needs_on_time, ...
    villages: list[VillageBasis]
    helpers: dict[str, int]  # helper id -> households paired within the subtree
    helper_units: dict[str, str] = field(default_factory=dict)  # helper id -> unit id
    units: dict[str, UnitBasis] = field(default_factory=dict)  # unit id -> its record
    helper_names: dict[str, str] = field(default_factory=dict)  # as the registry records them


@dataclass
class Tally:
    """Per indicator: [achieved, required]."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    home: str = ""  # for a cadre: the smallest region code their facts name

    def add(self, indicator: str, achieved: int, required: int) -> None:
        cell = self.counts.setdefault(indicator, [0, 0])
        cell[0] += achieved
        cell[1] += required

    def place(self, region_code: str) -> None:
        if not self.home or region_code < self.home:
            self.home = region_code


@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    achieved: int
    required: int
    score: float
    weight: float

    @property
    def counted(self) -> bool:
        return self.required > 0

    @property
    def value(self) -> float:
        return self.achieved / self.required if self.required else 0.0


@dataclass(frozen=True)
class RankedSubject:
    id: str
    rank: int
    total: float
    indicators: list[IndicatorScore]
    name: str = ""  # the cadre's, unit's or region's; the id when none is known


@dataclass(frozen=True)
class Ranking:
    subject_kind: str
    group_code: str
    subjects: list[RankedSubject]


def tallies(region_code: str, counts: Counts, months: int) -> dict[SubjectKind, dict[str, Tally]]:
    """Every subject's tally: cadres by id, villages and towns by code."""
    by_kind: dict[SubjectKind, dict[str, Tally]] = {kind: {} for kind in SubjectKind}
    cadres, villages, towns = (
        by_kind[k] for k in (SubjectKind.CADRE, SubjectKind.VILLAGE, SubjectKind.TOWN)
    )

    of_code: dict[str, list[Tally]] = {}

    def regions(code: str) -> list[Tally]:
        """The tallies a fact of `code` counts in (its village's, its town's), found once."""
        found = of_code.get(code)
        if found is None:
            found = of_code[code] = []
            if level_of(code) is Level.VILLAGE:
                found.append(villages.setdefault(code, Tally()))
            town = town_of(code)
            if town is not None and is_within(town, region_code):
                found.append(towns.setdefault(town, Tally()))
        return found

    owed = VISITS_PER_PAIRING_MONTH * months
    for village in counts.villages:
        for tally in regions(village.code):
            tally.add("visits", 0, village.pairings * owed)
            tally.add("data_quality", village.households - village.incomplete, village.households)
    for helper, households in counts.helpers.items():
        cadres.setdefault(helper, Tally()).add("visits", 0, households * owed)
    for indicator, rows in counts.facts.items():
        for code, cadre, in_time, n in rows:
            achieved = n if in_time else 0
            required = 0 if indicator == "visits" else n
            for tally in regions(code):
                tally.add(indicator, achieved, required)
            if cadre:
                subject = cadres.setdefault(cadre, Tally())
                subject.add(indicator, achieved, required)
                subject.place(code)
    _sum_units(counts, cadres, by_kind[SubjectKind.UNIT])
    return by_kind


def _sum_units(counts: Counts, cadres: dict[str, Tally], units: dict[str, Tally]) -> None:
    """A unit's tally: the sum of its helpers' within the subtree (the visits owed to their
    paired households and made, their needs, tasks and alerts); placed at the unit's
    territory. A unit none of whose helpers owes or did anything here is not assessed."""
    for helper, unit_id in counts.helper_units.items():
        tally, unit = cadres.get(helper), counts.units.get(unit_id)
        if tally is None or unit is None:
            continue
        summed = units.get(unit_id)
        if summed is None:
            summed = units[unit_id] = Tally(home=unit.region_code)
        for indicator, (achieved, required) in tally.counts.items():
            summed.add(indicator, achieved, required)


def _score(
    tally: Tally, indicators: IndicatorSet, period_kind: str, kind: SubjectKind
) -> tuple[float, list[IndicatorScore]]:
    scored = []
    for indicator in indicators.of(period_kind, kind):
        achieved, required = tally.counts.get(indicator.name, (0, 0))
        scored.append(
            IndicatorScore(
                indicator.name,
                achieved,
                required,
                indicator.score(achieved, required),
                indicator.weight,
            )
        )
    return round(sum(s.score * s.weight for s in scored), 2), scored


def _group_of(kind: SubjectKind, subject: str, tally: Tally, region_code: str) -> str | None:
    """A cadre's or unit's county (by where its facts lie, by its territory; the assessed
    region when that is a county or below, or the unit covers more than a county)."""
    if kind in (SubjectKind.CADRE, SubjectKind.UNIT):
        if level_of(region_code) >= Level.COUNTY or not tally.home:
            return region_code
        return next(
            (c for c in [*ancestor_codes(tally.home), tally.home] if level_of(c) is Level.COUNTY),
            region_code,
        )
    return parent_code(subject)


def rankings(
    region_code: str, counts: Counts, months: int, indicators: IndicatorSet, period_kind: str
) -> list[Ranking]:
    """Every ranking of the subtree: by kind (cadre, unit, village, town), then by group
    code; the helpers and units named as the registry names them."""
    groups: dict[tuple[SubjectKind, str], list[tuple[float, str, list[IndicatorScore]]]] = {}
    for kind, subjects in tallies(region_code, counts, months).items():
        for subject, tally in subjects.items():
            group = _group_of(kind, subject, tally, region_code)
            if group is None:
                continue
            total, scored = _score(tally, indicators, period_kind, kind)
            groups.setdefault((kind, group), []).append((total, subject, scored))
    order = list(SubjectKind)
    found = []
    for (kind, group), rows in sorted(
        groups.items(), key=lambda g: (order.index(g[0][0]), g[0][1])
    ):
        rows.sort(key=lambda row: (-row[0], row[1]))
        names = _registry_names(kind, counts)
        found.append(
            Ranking(
                kind.value,
                group,
                [
                    RankedSubject(s, rank, t, scored, names.get(s, ""))
                    for rank, (t, s, scored) in enumerate(rows, 1)
                ],
            )
        )
    return found


def _registry_names(kind: SubjectKind, counts: Counts) -> dict[str, str]:
    if kind is SubjectKind.UNIT:
        return {unit_id: unit.name for unit_id, unit in counts.units.items()}
    return counts.helper_names if kind is SubjectKind.CADRE else {}


def unnamed(found: list[Ranking]) -> tuple[set[str], set[str]]:
    """The cadres' ids and the regions' codes still without a name."""
    users: set[str] = set()
    regions: set[str] = set()
    for ranking in found:
        ids = {s.id for s in ranking.subjects if not s.name}
        if ranking.subject_kind == SubjectKind.CADRE:
            users |= ids
        elif ranking.subject_kind != SubjectKind.UNIT:
            regions |= ids
    return users, regions


def named(found: list[Ranking], users: dict[str, str], regions: dict[str, str]) -> list[Ranking]:
    """The rankings with these names given to the subjects without one (else their id)."""
    result = []
    for ranking in found:
        names = users if ranking.subject_kind == SubjectKind.CADRE else regions
        subjects = [
            s if s.name else replace(s, name=names.get(s.id) or s.id) for s in ranking.subjects
        ]
        result.append(replace(ranking, subjects=subjects))
    return result


def ends(ranking: Ranking, n: int) -> Ranking:
    """The top and bottom `n` of a ranking (all of it when it is short)."""
    subjects = ranking.subjects
    if len(subjects) > 2 * n:
        subjects = subjects[:n] + subjects[-n:]
    return Ranking(ranking.subject_kind, ranking.group_code, subjects)
