"""The assessment's indicators: the versioned file loads with weights summing to 1 per subject,
a count maps to 0-100 between floor and target, and periods are local months and years."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kit.errors import InvalidArgument
from services.assistance.assessment_indicators import (
    Indicator,
    SubjectKind,
    assessed_period,
    indicators_for,
    load_indicator_sets,
)


def test_a_count_scores_linearly_between_floor_and_target_and_default_when_nothing_is_due() -> None:
    needs = Indicator("needs_on_time", 0.2, target=1.0, floor=0.5, default=100.0, label="")
    assert [needs.score(a, 4) for a in (1, 2, 3, 4)] == [0.0, 0.0, 50.0, 100.0]
    assert needs.score(0, 0) == 100.0
    visits = Indicator("visits", 0.4, target=1.0, floor=0.0, default=100.0, label="")
    assert (visits.score(7, 8), visits.score(9, 8)) == (87.5, 100.0)


def test_the_file_gives_every_kind_its_weights_and_the_period_its_version() -> None:
    sets = load_indicator_sets()
    chosen = indicators_for(sets, assessed_period("2026-11", datetime(2026, 12, 7, tzinfo=UTC)))
    assert chosen.version == "2026.2"  # the year's later revision applies to the whole year
    for kind in SubjectKind:
        assert sum(i.weight for i in chosen.of("month", kind)) == pytest.approx(1.0)
    assert [i.name for i in chosen.of("year", SubjectKind.UNIT)] == [
        "visits",
        "needs_on_time",
        "tasks_on_time",
    ]
    first = indicators_for(sets, assessed_period("2025", datetime(2026, 12, 7, tzinfo=UTC)))
    assert first.version == "2026"  # before any version: the oldest


def test_periods_are_local_months_and_years() -> None:
    now = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # already 1 December in Beijing
    last = assessed_period("", now)
    assert last.name == "2026-11"
    assert last.since == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    year = assessed_period("2026", now)
    assert (year.kind, year.months_begun(now)) == ("year", 12)
    assert assessed_period("2027", now).months_begun(now) == 0
    with pytest.raises(InvalidArgument):
        assessed_period("2026-13", now)
