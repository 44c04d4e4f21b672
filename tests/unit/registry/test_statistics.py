"""Exit progress and statuses from the counts per (status, has ever exited)."""

from __future__ import annotations

import pytest

from services.registry.statistics_service import Progress, by_status, progress, ratio


def test_a_household_back_in_poverty_counts_as_poor_not_exited() -> None:
    counts = {
        ("identified", False): 2,
        ("under_assistance", True): 1,  # returned to poverty
        ("exited", True): 3,
        ("monitored", True): 1,  # an unstable exited household
        ("monitored", False): 5,  # marginal: never registered poor
        ("removed", False): 1,
    }
    assert progress(counts) == Progress(
        poor_households=3, exited_households=4, exit_rate=pytest.approx(4 / 7)
    )
    assert by_status(counts) == {
        "identified": 2,
        "under_assistance": 1,
        "exited": 3,
        "monitored": 6,
        "removed": 1,
    }


def test_a_rate_over_nothing_is_unknown() -> None:
    assert progress({("monitored", False): 2}).exit_rate is None
    assert ratio(3, 0) is None and ratio(1, 4) == 0.25
