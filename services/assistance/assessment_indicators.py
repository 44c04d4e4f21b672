"""Assessment (考核) indicators, read from the versioned `assessment_indicators.csv` beside this
module: per period kind and subject kind, each indicator's weight, target, floor and default,
and how a count (achieved of required) becomes a 0–100 score. The periods assessed (YYYY-MM, YYYY)
and their bounds in local time. Pure functions, no I/O but the file read at start-up."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from kit.errors import InvalidArgument
from services.assistance.events import LOCAL_TIME

INDICATORS_FILE = Path(__file__).resolve().parent / "assessment_indicators.csv"
INDICATORS = ("visits", "needs_on_time", "tasks_on_time", "alerts_in_time", "data_quality")
VISITS_PER_PAIRING_MONTH = 1  # the visits a helper owes each paired household a month
PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


class SubjectKind(StrEnum):
    CADRE = "cadre"  # a helper or a work-team member, by user id
    UNIT = "unit"  # a helping unit (帮扶单位), by its id: its helpers' work summed
    VILLAGE = "village"
    TOWN = "town"


@dataclass(frozen=True)
class Indicator:
    name: str
    weight: float
    target: float
    floor: float
    default: float
    label: str

    def score(self, achieved: int, required: int) -> float:
        """0–100: linear from `floor` (0) to `target` (100) of achieved / required."""
        if required <= 0:
            return self.default
        value = achieved / required
        if value >= self.target:
            return 100.0
        if value <= self.floor:
            return 0.0
        return round(100.0 * (value - self.floor) / (self.target - self.floor), 2)


@dataclass(frozen=True)
class IndicatorSet:
    version: str
    by_subject: dict[tuple[str, str], tuple[Indicator, ...]]  # (period kind, subject kind)

    def of(self, period_kind: str, subject: SubjectKind) -> tuple[Indicator, ...]:
        return self.by_subject.get((period_kind, subject.value), ())


def load_indicator_sets(path: Path = INDICATORS_FILE) -> list[IndicatorSet]:
    """Every version, oldest first; a malformed file fails at start-up."""
    rows: dict[str, dict[tuple[str, str], list[Indicator]]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
            version, period, subject, name, weight, target, floor, default, label = (
                v.strip() for v in row
            )
            if name not in INDICATORS or period not in ("month", "year"):
                raise ValueError(f"{path.name}: unknown indicator or period in {row}")
            SubjectKind(subject)
            indicator = Indicator(
                name, float(weight), float(target), float(floor), float(default), label
            )
            if not indicator.floor < indicator.target:
                raise ValueError(f"{path.name}: the floor must lie below the target in {row}")
            rows.setdefault(version, {}).setdefault((period, subject), []).append(indicator)
    sets = []
    for version, by_subject in sorted(rows.items()):
        for key, indicators in by_subject.items():
            if abs(sum(i.weight for i in indicators) - 1.0) > 1e-9:
                raise ValueError(f"{path.name}: the weights of {version} {key} do not sum to 1")
        sets.append(IndicatorSet(version, {k: tuple(v) for k, v in by_subject.items()}))
    return sets


@dataclass(frozen=True)
class AssessedPeriod:
    name: str  # YYYY-MM or YYYY
    kind: str  # month | year
    since: datetime
    until: datetime  # exclusive

    def months_begun(self, now: datetime) -> int:
        """The months of the period begun by `now`: how many months of visits are owed."""
        if self.kind == "month":
            return 1
        if now >= self.until:
            return 12
        return now.astimezone(LOCAL_TIME).month if now >= self.since else 0


def _month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=LOCAL_TIME)


def assessed_period(name: str, now: datetime) -> AssessedPeriod:
    """The named period (default: the last whole month before `now`), in local time."""
    if not name:
        local = now.astimezone(LOCAL_TIME)
        last = _month_start(local.year, local.month) - timedelta(days=1)
        name = f"{last.year:04d}-{last.month:02d}"
    match = PERIOD_PATTERN.match(name)
    if match is None:
        raise InvalidArgument("period is YYYY-MM or YYYY", reason="INVALID_PERIOD")
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return AssessedPeriod(name, "year", _month_start(year, 1), _month_start(year + 1, 1))
    start = _month_start(year, int(month))
    return AssessedPeriod(name, "month", start, _month_start(year, int(month) + 1))


def indicators_for(sets: list[IndicatorSet], period: AssessedPeriod) -> IndicatorSet:
    """The newest version whose year (`2026`, `2026.2`: 2026) is not after the period's (the
    oldest before any)."""
    year = period.name[:4]
    applicable = [s for s in sets if s.version[:4] <= year]
    return applicable[-1] if applicable else sets[0]
