"""Whether a poor village may exit (贫困村出列): the province's criteria, read from the versioned
`village_exit_criteria.csv` beside this module, evaluated against the village's figures, each
with its value, threshold and an explanation. Pure functions, no I/O."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CRITERIA_FILE = Path(__file__).resolve().parent / "village_exit_criteria.csv"
COMPARISONS = ("at_most", "at_least", "required")
# The figures a criterion may name: the village's incidence from its registered households, and
# its latest profile's.
FIGURES = (
    "poverty_incidence",
    "collective_income",
    "roads_hardened",
    "drinking_water",
    "broadband",
    "clinic",
    "school",
)
Figure = float | bool | None


@dataclass(frozen=True)
class Criterion:
    name: str
    comparison: str
    threshold: float
    label: str


@dataclass(frozen=True)
class CriteriaSet:
    version: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class CriterionResult:
    name: str
    label: str
    comparison: str
    threshold: str
    value: str  # "" when the figure is unknown
    passed: bool
    explanation: str


def load_criteria(path: Path = CRITERIA_FILE) -> list[tuple[str, str, Criterion]]:
    """(version, province, criterion) of every row; a malformed file fails at start-up."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
            version, province, name, comparison, threshold, label = (v.strip() for v in row)
            if name not in FIGURES or comparison not in COMPARISONS:
                raise ValueError(
                    f"{path.name}: unknown criterion {name} or comparison {comparison}"
                )
            rows.append(
                (version, province, Criterion(name, comparison, float(threshold or 0), label))
            )
    return rows


def criteria_for(rows: Iterable[tuple[str, str, Criterion]], village_code: str) -> CriteriaSet:
    """The newest version's criteria for the village's province, its own rows first."""
    rows = list(rows)
    version = max(v for v, _, _ in rows)
    chosen: dict[str, Criterion] = {}
    for wanted in ("*", village_code[:2]):
        for v, province, criterion in rows:
            if v == version and province == wanted:
                chosen[criterion.name] = criterion
    return CriteriaSet(version, tuple(chosen.values()))


def _shown(name: str, figure: float) -> str:
    if name == "poverty_incidence":
        return f"{figure * 100:.2f}%"
    return f"{figure:g}"


def evaluate_one(criterion: Criterion, figure: Figure) -> CriterionResult:
    name, comparison = criterion.name, criterion.comparison
    threshold = "" if comparison == "required" else _shown(name, criterion.threshold)
    if figure is None:
        return CriterionResult(
            name, criterion.label, comparison, threshold, "", False, "no figure recorded"
        )
    if comparison == "required":
        passed = bool(figure)
        value = "yes" if passed else "no"
        explanation = "present" if passed else "required but absent"
    else:
        number = float(figure)
        value = _shown(name, number)
        passed = (
            number <= criterion.threshold
            if comparison == "at_most"
            else (number >= criterion.threshold)
        )
        relation = "at most" if comparison == "at_most" else "at least"
        explanation = f"{value} is {'' if passed else 'not '}{relation} {threshold}"
    return CriterionResult(name, criterion.label, comparison, threshold, value, passed, explanation)


def evaluate(criteria: CriteriaSet, figures: Mapping[str, Figure]) -> list[CriterionResult]:
    return [evaluate_one(c, figures.get(c.name)) for c in criteria.criteria]


def incidence(poor_people: int, population: int | None) -> float | None:
    """贫困发生率: poor people of the registered households / the village's population."""
    return poor_people / population if population else None
